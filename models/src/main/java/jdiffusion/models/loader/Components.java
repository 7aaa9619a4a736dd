package jdiffusion.models.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.json.Json;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.models.clip.ClipTextConfig;
import jdiffusion.models.clip.ClipTextModel;
import jdiffusion.models.nn.Params;
import jdiffusion.models.unet.UNet2DConditionModel;
import jdiffusion.models.unet.UNetConfig;
import jdiffusion.models.vae.AutoencoderKL;
import jdiffusion.models.vae.VaeConfig;
import jdiffusion.models.weights.SafetensorsWeights;
import jdiffusion.models.weights.WeightSource;

/**
 * Builds each network from its config and weights, and finds the weights of a diffusers component folder
 * ({@code unet/}, {@code vae/}, {@code text_encoder/}): {@code diffusion_pytorch_model.safetensors} or
 * {@code model.safetensors}, their {@code .fp16} variants, or a sharded {@code *.safetensors.index.json}.
 */
public final class Components {

    private static final List<String> WEIGHT_BASES = List.of("diffusion_pytorch_model", "model");

    private Components() {
    }

    /** A config.json as a {@link Config}. */
    public static Config readConfig(Path configJson) throws IOException {
        return Config.of(configJson.toString(), Json.readObject(configJson));
    }

    /**
     * The weights of a component folder: {@code variant} ("fp16", or null for the default) picks
     * {@code NAME.fp16.safetensors}; without it the plain file is preferred and the fp16 one used when it
     * is the only one. Pickled {@code .bin}/{@code .ckpt} files are refused with the conversion advice.
     */
    public static WeightSource weights(Path folder, String variant) throws IOException {
        WeightSource w = find(folder, variant);
        if (w == null && variant == null) w = find(folder, "fp16");
        if (w != null) return w;
        for (String base : WEIGHT_BASES) {
            for (String ext : List.of(".bin", ".ckpt", ".pt", ".pth")) {
                Path pickled = folder.resolve(base + ext);
                if (Files.isRegularFile(pickled)) PickleRefusal.refuse(pickled);
            }
        }
        throw new IOException(folder + ": no weights found (expected diffusion_pytorch_model.safetensors, model.safetensors, "
                + (variant == null ? "" : "their ." + variant + " variants, ") + "or a *.safetensors.index.json)");
    }

    /** diffusers' names, with {@code _add_variant}: the variant goes before the last extension. */
    private static WeightSource find(Path folder, String variant) throws IOException {
        for (String base : WEIGHT_BASES) {
            Path single = folder.resolve(withVariant(base + ".safetensors", variant));
            if (Files.isRegularFile(single)) return SafetensorsWeights.open(single);
            Path index = folder.resolve(withVariant(base + ".safetensors.index.json", variant));
            if (Files.isRegularFile(index)) return SafetensorsWeights.openIndex(index);
        }
        return null;
    }

    private static String withVariant(String name, String variant) {
        if (variant == null) return name;
        int dot = name.lastIndexOf('.');
        return name.substring(0, dot) + "." + variant + name.substring(dot);
    }

    /** A UNet from its config.json and weights. */
    public static UNet2DConditionModel unet(Path configJson, WeightSource weights, Backend backend,
                                            Parameterization parameterization) throws IOException {
        return new UNet2DConditionModel(UNetConfig.from(readConfig(configJson)), Params.of(weights, backend), parameterization);
    }

    /** A VAE from its config.json and weights. */
    public static AutoencoderKL vae(Path configJson, WeightSource weights, Backend backend) throws IOException {
        return new AutoencoderKL(VaeConfig.from(readConfig(configJson)), Params.of(weights, backend));
    }

    /**
     * A CLIP text encoder from its config.json and weights; the projection is used when the config's
     * architecture says so or the weights hold {@code text_projection.weight}.
     */
    public static ClipTextModel textEncoder(Path configJson, WeightSource weights, Backend backend) throws IOException {
        ClipTextConfig c = ClipTextConfig.from(readConfig(configJson));
        if (!c.withProjection() && weights.contains("text_projection.weight")) c = c.withProjection(true);
        return new ClipTextModel(c, Params.of(weights, backend));
    }
}

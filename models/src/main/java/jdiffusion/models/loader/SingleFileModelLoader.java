package jdiffusion.models.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdiffusion.core.Config;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.model.ModelLoader;
import jdiffusion.core.model.StableDiffusionModel;
import jdiffusion.core.text.TextEncoder;
import jdiffusion.core.text.Tokenizer;
import jdiffusion.models.clip.ClipTokenizer;
import jdiffusion.models.unet.UNet2DConditionModel;
import jdiffusion.models.vae.AutoencoderKL;

/**
 * Loads a single-file LDM checkpoint ({@code .safetensors} with {@code model.diffusion_model.*} keys):
 * SD 1.x, SD 2.x, SDXL and their inpainting variants, detected from the keys. Configs are inferred from
 * tensor shapes and family defaults unless the options name config.json files: {@code unet_config},
 * {@code vae_config}, {@code text_encoder_config}, {@code text_encoder_2_config}; {@code prediction_type}
 * sets the parameterization (default epsilon); {@code tokenizer} names a tokenizer folder (default: the
 * bundled CLIP vocabulary). Pickled {@code .ckpt} files are refused with the way to convert them.
 */
public final class SingleFileModelLoader implements ModelLoader {

    @Override
    public String name() {
        return "single-file";
    }

    @Override
    public String description() {
        return "single-file LDM checkpoints (.safetensors as A1111/ComfyUI use them); .ckpt refused with conversion advice";
    }

    @Override
    public boolean canLoad(Path path) {
        if (!Files.isRegularFile(path)) return false;
        String n = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".safetensors") || n.endsWith(".ckpt");
    }

    @Override
    public StableDiffusionModel load(Path path, Backend backend, Config options) throws IOException {
        SingleFileCheckpoint ckpt = SingleFileCheckpoint.open(path);
        if (!ckpt.hasUnet()) {
            throw new IOException(path + " holds no UNet (model.diffusion_model.*): it looks like " + ckpt.kind().description());
        }
        String family = ckpt.kind().family();
        UNet2DConditionModel unet = ckpt.unet(config(options, "unet_config"), backend,
                DiffusersModelLoader.parameterization(options, null));
        AutoencoderKL vae = ckpt.vaePrefix() == null ? null : ckpt.vae(config(options, "vae_config"), backend);
        List<TextEncoder> encoders = new ArrayList<>();
        List<Tokenizer> tokenizers = new ArrayList<>();
        String tokFolder = options.getString("tokenizer", null);
        boolean hasText = ckpt.weights().names().stream().anyMatch(k -> k.startsWith("cond_stage_model.") || k.startsWith("conditioner.embedders."));
        if (hasText) {
            encoders.add(ckpt.textEncoder(config(options, "text_encoder_config"), backend));
            boolean openClipFirst = family.equals("sd2") || family.equals("sdxl-refiner");
            tokenizers.add(tokFolder != null ? ClipTokenizer.loadFolder(Path.of(tokFolder)) : ClipTokenizer.bundled(openClipFirst ? "!" : null));
            if (family.equals("sdxl")) {
                encoders.add(ckpt.textEncoder2(config(options, "text_encoder_2_config"), backend));
                tokenizers.add(ClipTokenizer.bundled("!"));
            }
        }
        return new StableDiffusionModel(family, tokenizers, encoders, unet, vae, null);
    }

    private static Config config(Config options, String key) throws IOException {
        String p = options.getString(key, null);
        return p == null ? null : Components.readConfig(Path.of(p));
    }
}

package jdiffusion.models.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdiffusion.core.Config;
import jdiffusion.core.ConfigException;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.json.Json;
import jdiffusion.core.model.ModelLoader;
import jdiffusion.core.model.StableDiffusionModel;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.text.TextEncoder;
import jdiffusion.core.text.Tokenizer;
import jdiffusion.models.clip.ClipTokenizer;
import jdiffusion.models.unet.UNet2DConditionModel;
import jdiffusion.models.vae.AutoencoderKL;

/**
 * Loads a diffusers pipeline folder ({@code model_index.json} with {@code unet/}, {@code vae/},
 * {@code text_encoder/}, {@code tokenizer/}, for SDXL also {@code text_encoder_2/} and {@code tokenizer_2/},
 * and {@code scheduler/}). Weights are memory-mapped ({@code .safetensors}, the {@code fp16} variant when
 * the option {@code variant} says so, sharded sets through their index). Options: {@code variant},
 * {@code prediction_type} (overrides the scheduler config's).
 */
public final class DiffusersModelLoader implements ModelLoader {

    @Override
    public String name() {
        return "diffusers";
    }

    @Override
    public String description() {
        return "diffusers model folders (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/)";
    }

    @Override
    public boolean canLoad(Path path) {
        return Files.isDirectory(path) && Files.isRegularFile(path.resolve("model_index.json"));
    }

    @Override
    public StableDiffusionModel load(Path path, Backend backend, Config options) throws IOException {
        if (!canLoad(path)) throw new IOException(path + " is not a diffusers model folder (no model_index.json)");
        Map<String, Object> index = Json.readObject(path.resolve("model_index.json"));
        String variant = options.getString("variant", null);
        Config scheduler = null;
        Path sc = path.resolve("scheduler/scheduler_config.json");
        if (Files.isRegularFile(sc)) scheduler = Components.readConfig(sc);
        Parameterization param = parameterization(options, scheduler);

        UNet2DConditionModel unet = Components.unet(path.resolve("unet/config.json"),
                Components.weights(path.resolve("unet"), variant), backend, param);
        AutoencoderKL vae = Components.vae(path.resolve("vae/config.json"), Components.weights(path.resolve("vae"), variant), backend);
        List<Tokenizer> tokenizers = new ArrayList<>();
        List<TextEncoder> encoders = new ArrayList<>();
        for (String suffix : new String[]{"", "_2"}) {
            Path te = path.resolve("text_encoder" + suffix);
            if (!index.containsKey("text_encoder" + suffix) || index.get("text_encoder" + suffix) instanceof List<?> l && l.contains(null)) continue;
            if (!Files.isDirectory(te)) continue;
            encoders.add(Components.textEncoder(te.resolve("config.json"), Components.weights(te, variant), backend));
            Path tok = path.resolve("tokenizer" + suffix);
            tokenizers.add(Files.isDirectory(tok) ? ClipTokenizer.loadFolder(tok) : ClipTokenizer.bundled(suffix.isEmpty() ? null : "!"));
        }
        String family = encoders.size() == 2 ? "sdxl" : unet.config().crossAttentionDim()[0] == 1024 ? "sd2" : "sd1";
        return new StableDiffusionModel(family, tokenizers, encoders, unet, vae, scheduler);
    }

    /** The option {@code prediction_type}, else the scheduler config's, else epsilon. */
    static Parameterization parameterization(Config options, Config scheduler) {
        String p = options.getString("prediction_type", scheduler == null ? null : scheduler.getString("prediction_type", null));
        if (p == null) return Parameterization.EPSILON;
        return switch (p) {
            case "epsilon" -> Parameterization.EPSILON;
            case "v_prediction" -> Parameterization.V_PREDICTION;
            case "sample" -> Parameterization.SAMPLE;
            default -> throw new ConfigException("prediction_type = \"" + p + "\" is not supported; expected epsilon, v_prediction or sample");
        };
    }
}

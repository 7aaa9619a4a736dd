package jdiffusion.adapters.controlnet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.json.Json;
import jdiffusion.models.nn.Params;
import jdiffusion.models.weights.SafetensorsWeights;
import jdiffusion.models.weights.WeightSource;

/**
 * Loads ControlNets from where users keep them: a diffusers folder ({@code config.json} and
 * {@code diffusion_pytorch_model[.fp16].safetensors}), or a single {@code .safetensors} file, either with
 * diffusers names or with the original ones ({@code control_model.input_blocks...}, {@code zero_convs},
 * {@code input_hint_block}, {@code middle_block_out}); a single file's config comes from a
 * {@code config.json} beside it, or is inferred from its tensor shapes.
 */
public final class ControlNets {

    private static final List<String> WEIGHT_FILES = List.of("diffusion_pytorch_model.safetensors",
            "diffusion_pytorch_model.fp16.safetensors", "model.safetensors", "weights.safetensors");

    private ControlNets() {
    }

    /** The ControlNet at {@code path} (folder or file), computing on {@code backend}. */
    public static ControlNetModel load(Path path, Backend backend) throws IOException {
        if (Files.isDirectory(path)) {
            Path cfg = path.resolve("config.json");
            if (!Files.isRegularFile(cfg)) {
                throw new IOException(path + " is a folder without config.json; a diffusers ControlNet folder has config.json and "
                        + WEIGHT_FILES.getFirst());
            }
            for (String name : WEIGHT_FILES) {
                Path w = path.resolve(name);
                if (Files.isRegularFile(w)) return load(Json.readObject(cfg), cfg.toString(), SafetensorsWeights.open(w), backend);
            }
            throw new IOException(path + " has config.json but none of " + WEIGHT_FILES);
        }
        if (!Files.isRegularFile(path)) throw new IOException(path + " does not exist");
        String name = path.getFileName().toString();
        if (!name.endsWith(".safetensors")) {
            throw new IOException(path + ": only .safetensors ControlNets are read (pickled .ckpt/.pth files can run code; "
                    + "convert them to safetensors first)");
        }
        WeightSource raw = SafetensorsWeights.open(path);
        WeightSource weights = LdmControlNetNames.toDiffusers(raw);
        Path beside = path.resolveSibling("config.json");
        if (Files.isRegularFile(beside)) return load(Json.readObject(beside), beside.toString(), weights, backend);
        return load(ControlNetConfigInference.infer(weights), path + " (config inferred from its shapes)", weights, backend);
    }

    /** A ControlNet from a config map and weights with diffusers names. */
    public static ControlNetModel load(java.util.Map<String, Object> config, String configSource, WeightSource weights, Backend backend) {
        ControlNetConfig c = ControlNetConfig.from(Config.of(configSource, config));
        Params p = Params.of(weights, backend);
        ControlNetModel model = new ControlNetModel(c, p);
        if (!p.unused().isEmpty()) {
            throw new IllegalArgumentException(weights.description() + ": " + p.unused().size() + " tensors do not belong to a ControlNet of "
                    + configSource + ", e.g. " + p.unused().iterator().next());
        }
        return model;
    }
}

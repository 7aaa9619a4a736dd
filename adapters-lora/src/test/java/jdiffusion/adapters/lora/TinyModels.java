package jdiffusion.adapters.lora;

import java.io.IOException;
import java.nio.file.Path;
import jdiffusion.adapters.lora.internal.RefdataFiles;
import jdiffusion.backends.cpu.CpuBackendProvider;
import jdiffusion.core.Config;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.json.Json;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.models.clip.ClipTextConfig;
import jdiffusion.models.clip.ClipTextModel;
import jdiffusion.models.nn.Params;
import jdiffusion.models.unet.UNet2DConditionModel;
import jdiffusion.models.unet.UNetConfig;
import jdiffusion.models.weights.SafetensorsWeights;

/** The tiny reference networks the adapters patch, built with the CPU backend. */
final class TinyModels {

    static final Backend BACKEND = new CpuBackendProvider().create("", 0);

    private TinyModels() {
    }

    static UNet2DConditionModel unet(String folder) throws IOException {
        Path dir = Refdata.modelFolder(folder);
        Config cfg = Config.of(folder + "/config.json", Json.readObject(RefdataFiles.resolve(dir, "config.json")));
        Params p = Params.of(SafetensorsWeights.open(RefdataFiles.resolve(dir, "weights.safetensors")), BACKEND);
        return new UNet2DConditionModel(UNetConfig.from(cfg), p, Parameterization.EPSILON);
    }

    static ClipTextModel clip(String folder) throws IOException {
        Path dir = Refdata.modelFolder(folder);
        Config cfg = Config.of(folder + "/config.json", Json.readObject(RefdataFiles.resolve(dir, "config.json")));
        Params p = Params.of(SafetensorsWeights.open(RefdataFiles.resolve(dir, "weights.safetensors")), BACKEND);
        return new ClipTextModel(ClipTextConfig.from(cfg), p);
    }
}

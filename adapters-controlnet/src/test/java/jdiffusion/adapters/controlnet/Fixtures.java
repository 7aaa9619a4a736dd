package jdiffusion.adapters.controlnet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import jdiffusion.backends.cpu.CpuBackendProvider;
import jdiffusion.core.Config;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.json.Json;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.models.conformance.ReferenceFiles;
import jdiffusion.models.nn.Params;
import jdiffusion.models.unet.UNet2DConditionModel;
import jdiffusion.models.unet.UNetConfig;
import jdiffusion.models.weights.SafetensorsWeights;

/** The reference data of this module's tests and the tiny networks, on the CPU backend. */
final class Fixtures {

    static final Backend BACKEND = new CpuBackendProvider().create("", 0);
    static final Path CONTROLNET = Path.of("src/test/resources/refdata/controlnet-tiny");

    private Fixtures() {
    }

    static Path controlnetFile(String name) throws IOException {
        return ReferenceFiles.resolve(CONTROLNET, name);
    }

    static SafetensorsFile io() throws IOException {
        return SafetensorsFile.open(controlnetFile("io.safetensors"));
    }

    static ControlNetModel controlnet() throws IOException {
        Map<String, Object> cfg = Json.readObject(controlnetFile("config.json"));
        return ControlNets.load(cfg, "controlnet-tiny/config.json", SafetensorsWeights.open(controlnetFile("weights.safetensors")), BACKEND);
    }

    /** A base model folder from the models module's test resources. */
    static Path modelFolder(String name) throws IOException {
        Path base = Path.of("../models/src/test/resources");
        if (Files.isDirectory(base)) {
            try (Stream<Path> s = Files.walk(base)) {
                Optional<Path> hit = s.filter(p -> p.getFileName().toString().equals(name) && Files.isDirectory(p)).findFirst();
                if (hit.isPresent()) return hit.get();
            }
        }
        throw new IOException("reference model folder " + name + " not found in the models module's test resources");
    }

    static UNet2DConditionModel unet() throws IOException {
        Path dir = modelFolder("unet-sd15-tiny");
        Config cfg = Config.of("unet-sd15-tiny/config.json", Json.readObject(ReferenceFiles.resolve(dir, "config.json")));
        Params p = Params.of(SafetensorsWeights.open(ReferenceFiles.resolve(dir, "weights.safetensors")), BACKEND);
        return new UNet2DConditionModel(UNetConfig.from(cfg), p, Parameterization.EPSILON);
    }
}

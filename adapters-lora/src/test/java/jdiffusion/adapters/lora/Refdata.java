package jdiffusion.adapters.lora;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import jdiffusion.adapters.lora.internal.RefdataFiles;
import jdiffusion.adapters.lora.internal.SafetensorsFile;
import jdiffusion.core.json.Json;
import jdiffusion.core.tensor.Tensor;

/**
 * The reference data the tests read: the adapter folders copied into this module's test resources, and
 * the base models the models module's test resources hold (not copied twice).
 */
final class Refdata {

    static final Path ROOT = Path.of("src/test/resources/refdata");

    private Refdata() {
    }

    static Path file(String folder, String name) throws IOException {
        return RefdataFiles.resolve(ROOT.resolve(folder), name);
    }

    static SafetensorsFile io(String folder) throws IOException {
        return SafetensorsFile.open(file(folder, "io.safetensors"));
    }

    static Map<String, Object> caseJson(String folder) throws IOException {
        return Json.readObject(ROOT.resolve(folder).resolve("case.json.gz"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> keyMapping(String folder, String... path) throws IOException {
        Object o = caseJson(folder);
        for (String p : path) o = ((Map<String, Object>) o).get(p);
        return (Map<String, String>) o;
    }

    /** A folder of the models' reference data (base networks), wherever the project keeps it. */
    static Path modelFolder(String name) throws IOException {
        for (Path base : List.of(Path.of("../models/src/test/resources"), Path.of("../core/src/test/resources"))) {
            if (!Files.isDirectory(base)) continue;
            try (Stream<Path> s = Files.walk(base)) {
                Optional<Path> hit = s.filter(p -> p.getFileName().toString().equals(name) && Files.isDirectory(p)).findFirst();
                if (hit.isPresent()) return hit.get();
            }
        }
        throw new IOException("reference model folder " + name + " not found in the models module's test resources");
    }

    /** The base weights of a model folder (unet-sd15-tiny, clip-text-sd15-tiny, ...). */
    static Map<String, Tensor> weights(String modelFolder) throws IOException {
        return SafetensorsFile.open(RefdataFiles.resolve(modelFolder(modelFolder), "weights.safetensors")).tensors();
    }
}

package jdiffusion.models.testing;

import java.io.IOException;
import java.nio.file.Path;
import jdiffusion.backends.cpu.CpuBackendProvider;
import jdiffusion.core.backend.Backend;
import jdiffusion.models.clip.ClipTextModel;
import jdiffusion.models.clip.ClipTokenizer;
import jdiffusion.models.conformance.ReferenceFiles;
import jdiffusion.models.loader.Components;
import jdiffusion.models.weights.SafetensorsWeights;

/** The reference models of the test resources, loaded on the CPU backend. */
public final class RefModels {

    private static Backend backend;

    private RefModels() {
    }

    public static synchronized Backend backend() {
        if (backend == null) backend = new CpuBackendProvider().create("", 2);
        return backend;
    }

    public static Path dir(String name) {
        return TestData.models().resolve(name);
    }

    public static ClipTextModel clipText(String name) throws IOException {
        Path d = dir(name);
        return Components.textEncoder(ReferenceFiles.resolve(d, "config.json"),
                SafetensorsWeights.open(ReferenceFiles.resolve(d, "weights.safetensors")), backend());
    }

    /** The full CLIP vocabulary (SD 1.x layout: padded with the end token). */
    public static ClipTokenizer tokenizer() throws IOException {
        Path d = dir("clip-tokenizer");
        return ClipTokenizer.load(ReferenceFiles.resolve(d, "vocab.json"), ReferenceFiles.resolve(d, "merges.txt"), null);
    }
}

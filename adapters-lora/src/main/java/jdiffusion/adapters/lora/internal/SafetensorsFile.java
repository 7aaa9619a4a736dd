package jdiffusion.adapters.lora.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.core.tensor.Tensor;

/**
 * An adapter file's tensors as zero-copy views in header order, and its {@code __metadata__}: core's
 * memory-mapped reader, mapped into an automatic arena so the mapping lives as long as the tensors.
 */
public record SafetensorsFile(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {

    /** Maps {@code file}; a malformed file raises an exception naming it and what is wrong. */
    public static SafetensorsFile open(Path file) throws IOException {
        jdiffusion.core.io.SafetensorsFile f = jdiffusion.core.io.SafetensorsFile.open(file, Arena.ofAuto());
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String n : f.names()) tensors.put(n, f.tensor(n));
        return new SafetensorsFile(file, Collections.unmodifiableMap(tensors), f.metadata());
    }

    /** The tensor named {@code key}; the error names the file. */
    public Tensor get(String key) {
        Tensor t = tensors.get(key);
        if (t == null) throw new IllegalArgumentException(path + " has no tensor " + key);
        return t;
    }
}

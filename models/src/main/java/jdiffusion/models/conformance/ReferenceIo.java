package jdiffusion.models.conformance;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.tensor.Tensor;

/** A case's {@code io.safetensors} (or {@code .gz}): named inputs, outputs and activations. */
public final class ReferenceIo {

    private final SafetensorsFile file;

    private ReferenceIo(SafetensorsFile file) {
        this.file = file;
    }

    public static ReferenceIo open(Path dir) throws IOException {
        return open(dir, "io.safetensors");
    }

    public static ReferenceIo open(Path dir, String name) throws IOException {
        return new ReferenceIo(SafetensorsFile.open(ReferenceFiles.resolve(dir, name), Arena.ofAuto()));
    }

    public boolean has(String name) {
        return file.contains(name);
    }

    /** The tensor, converted to a float32 host copy. */
    public Tensor get(String name) {
        return file.tensor(name).toFloat32();
    }

    /** The raw tensor (integer ids stay integers). */
    public Tensor raw(String name) {
        return file.tensor(name);
    }

    public List<String> names() {
        return file.names();
    }

    public List<String> namesWithPrefix(String prefix) {
        return file.names().stream().filter(n -> n.startsWith(prefix)).toList();
    }
}

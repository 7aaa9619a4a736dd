package jdiffusion.backends.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;

/**
 * Float32 access to host tensors: the backing array itself when the tensor is a float32 view of a
 * Java {@code float[]} (activations; no copy), otherwise a converted copy (small operands, or weights
 * on the scalar path; the vector kernels read weights straight from their segments instead).
 */
final class HostData {

    /** The elements as {@code array[offset ...]}. */
    record Floats(float[] array, int offset) {
    }

    private HostData() {
    }

    static Floats floats(Tensor t) {
        MemorySegment m = t.segment();
        if (t.dtype() == DType.FLOAT32 && m.heapBase().orElse(null) instanceof float[] a && m.address() % 4 == 0) {
            return new Floats(a, Math.toIntExact(m.address() / 4));
        }
        return new Floats(t.toFloatArray(), 0);
    }

    /** The elements as a dense float array starting at 0 (a copy unless the tensor is a whole array). */
    static float[] dense(Tensor t) {
        Floats f = floats(t);
        if (f.offset == 0 && f.array.length == t.numel()) return f.array;
        return Arrays.copyOfRange(f.array, f.offset, f.offset + Math.toIntExact(t.numel()));
    }

    /** Null for a null tensor, else {@link #dense}. */
    static float[] denseOrNull(Tensor t) {
        return t == null ? null : dense(t);
    }
}

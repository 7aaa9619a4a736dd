package jdiffusion.backends.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdiffusion.core.tensor.BFloat16;
import jdiffusion.core.tensor.DType;

/**
 * Reads runs of float32, float16 or bfloat16 elements from any host segment (heap or mapped, aligned
 * or not; little-endian as safetensors stores them) into float arrays. Kernels call it to fill their
 * packed panels, so half-precision weights are widened a panel at a time, never as a whole copy.
 */
final class Conversions {

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Conversions() {
    }

    /** dst[dstOff + i] = element (from + i) of the segment, for i in [0, n). */
    static void toFloat(DType dtype, MemorySegment src, long from, float[] dst, int dstOff, int n) {
        switch (dtype) {
            case FLOAT32 -> MemorySegment.copy(src, F32, from * 4, dst, dstOff, n);
            case FLOAT16 -> {
                long base = from * 2;
                for (int i = 0; i < n; i++) dst[dstOff + i] = Float.float16ToFloat(src.get(I16, base + 2L * i));
            }
            case BFLOAT16 -> {
                long base = from * 2;
                for (int i = 0; i < n; i++) dst[dstOff + i] = BFloat16.toFloat(src.get(I16, base + 2L * i));
            }
            default -> throw new IllegalArgumentException("expected float32, float16 or bfloat16 data, got " + dtype);
        }
    }
}

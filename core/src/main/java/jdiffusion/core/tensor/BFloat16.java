package jdiffusion.core.tensor;

/**
 * Conversions between float32 and bfloat16 (the upper 16 bits of a float32), the counterpart of
 * {@link Float#floatToFloat16} / {@link Float#float16ToFloat} for the other half-width storage type.
 */
public final class BFloat16 {

    private BFloat16() {
    }

    /** The float32 value of bfloat16 bits (exact: bfloat16 is a truncated float32). */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** The nearest bfloat16, ties to even (as PyTorch's {@code .to(torch.bfloat16)}); NaN stays a quiet NaN. */
    public static short fromFloat(float f) {
        int x = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((x >>> 16) | 0x0040);
        }
        int roundingBias = 0x7fff + ((x >>> 16) & 1);
        return (short) ((x + roundingBias) >>> 16);
    }
}

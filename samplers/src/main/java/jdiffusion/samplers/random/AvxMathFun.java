package jdiffusion.samplers.random;

/**
 * One lane of the single-precision {@code log} and {@code sincos} that torch's CPU generator uses in its
 * AVX2 normal sampler: Julien Pommier's {@code sse_mathfun} as ported to AVX (Cephes {@code logf} and
 * {@code sinf}/{@code cosf} polynomials).
 *
 * <p>Bit compatibility needs more than the polynomials: the released torch builds are compiled with
 * floating-point contraction, so some multiply-add pairs are fused. Each {@link Math#fma} below marks
 * such a pair, in the order the compiler fuses them (the first multiplication feeding an addition is
 * fused; a second product in the same addition stays separately rounded). Where a product is exact the
 * fusion is harmless either way.
 */
final class AvxMathFun {

    private AvxMathFun() {
    }

    private static final float SQRTHF = 0.707106781186547524f;
    private static final float LOG_P0 = 7.0376836292E-2f;
    private static final float LOG_P1 = -1.1514610310E-1f;
    private static final float LOG_P2 = 1.1676998740E-1f;
    private static final float LOG_P3 = -1.2420140846E-1f;
    private static final float LOG_P4 = 1.4249322787E-1f;
    private static final float LOG_P5 = -1.6668057665E-1f;
    private static final float LOG_P6 = 2.0000714765E-1f;
    private static final float LOG_P7 = -2.4999993993E-1f;
    private static final float LOG_P8 = 3.3333331174E-1f;
    private static final float LOG_Q1 = -2.12194440e-4f;
    private static final float LOG_Q2 = 0.693359375f;
    private static final float MIN_NORM_POS = Float.intBitsToFloat(0x00800000);

    private static final float MINUS_DP1 = -0.78515625f;
    private static final float MINUS_DP2 = -2.4187564849853515625e-4f;
    private static final float MINUS_DP3 = -3.77489497744594108e-8f;
    private static final float SINCOF_P0 = -1.9515295891E-4f;
    private static final float SINCOF_P1 = 8.3321608736E-3f;
    private static final float SINCOF_P2 = -1.6666654611E-1f;
    private static final float COSCOF_P0 = 2.443315711809948E-005f;
    private static final float COSCOF_P1 = -1.388731625493765E-003f;
    private static final float COSCOF_P2 = 4.166664568298827E-002f;
    private static final float FOPI = 1.27323954473516f; // 4 / pi

    /** Natural logarithm; NaN for x &lt;= 0 (Cephes {@code logf}: x = 2^e m, log(m) by a degree-9 polynomial). */
    static float log(float x) {
        boolean invalid = x <= 0f;
        x = Math.max(x, MIN_NORM_POS);
        int bits = Float.floatToRawIntBits(x);
        int exponent = bits >>> 23;
        x = Float.intBitsToFloat((bits & ~0x7f800000) | Float.floatToRawIntBits(0.5f)); // mantissa in [0.5, 1)
        float e = (float) (exponent - 0x7f);
        e = e + 1f;
        boolean small = x < SQRTHF;
        float tmp = small ? x : 0f;
        x = x - 1f;
        e = e - (small ? 1f : 0f);
        x = x + tmp;
        float z = x * x;

        float y = Math.fma(LOG_P0, x, LOG_P1);
        y = Math.fma(y, x, LOG_P2);
        y = Math.fma(y, x, LOG_P3);
        y = Math.fma(y, x, LOG_P4);
        y = Math.fma(y, x, LOG_P5);
        y = Math.fma(y, x, LOG_P6);
        y = Math.fma(y, x, LOG_P7);
        y = Math.fma(y, x, LOG_P8);
        y = y * x;
        y = Math.fma(y, z, e * LOG_Q1);
        y = Math.fma(-z, 0.5f, y);
        x = x + y;
        x = Math.fma(e, LOG_Q2, x);
        return invalid ? Float.NaN : x;
    }

    /**
     * Sine and cosine together (Cephes {@code sinf}/{@code cosf}: reduction by multiples of pi/4 in three
     * parts, then one of two polynomials); {@code out[0]} = sin, {@code out[1]} = cos.
     */
    static void sincos(float x, float[] out) {
        int signSin = Float.floatToRawIntBits(x) & 0x80000000;
        x = Math.abs(x);
        float y = x * FOPI;
        int j = (int) y;                      // truncation, as cvttps
        j = (j + 1) & ~1;
        y = (float) j;
        int swapSignSin = (j & 4) << 29;
        boolean polyMask = (j & 2) == 0;
        x = Math.fma(y, MINUS_DP1, x);
        x = Math.fma(y, MINUS_DP2, x);
        x = Math.fma(y, MINUS_DP3, x);
        int signCos = (~(j - 2) & 4) << 29;
        signSin ^= swapSignSin;

        float z = x * x;
        float yc = Math.fma(COSCOF_P0, z, COSCOF_P1);
        yc = Math.fma(yc, z, COSCOF_P2);
        yc = yc * z;
        yc = Math.fma(yc, z, -(z * 0.5f));
        yc = yc + 1f;

        float ys = Math.fma(SINCOF_P0, z, SINCOF_P1);
        ys = Math.fma(ys, z, SINCOF_P2);
        ys = ys * z;
        ys = Math.fma(ys, x, x);

        // Both polynomials are evaluated and selected with bit masks; keep the additions of zero they imply.
        float ysin2 = polyMask ? ys : 0f;
        float ysin1 = polyMask ? 0f : yc;
        ys = ys - ysin2;
        yc = yc - ysin1;
        float s = ysin1 + ysin2;
        float c = yc + ys;
        out[0] = Float.intBitsToFloat(Float.floatToRawIntBits(s) ^ signSin);
        out[1] = Float.intBitsToFloat(Float.floatToRawIntBits(c) ^ signCos);
    }
}

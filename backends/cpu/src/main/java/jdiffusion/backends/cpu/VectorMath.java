package jdiffusion.backends.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Transcendental functions and lane sums built only from +, *, fused multiply-add and bit operations.
 *
 * <p>Why not {@code lanewise(EXP)} and {@code reduceLanes(ADD)}: the Vector API leaves their rounding and
 * summation order to the implementation, and HotSpot gives different answers before and after a method is
 * compiled (a Java fallback, then SVML and a tree reduction). A result must not depend on how warm the JVM
 * is, so these are written out: the same operations in the same order in every mode.
 */
final class VectorMath {

    private static final float LOG2E = 1.44269504088896341f;
    // ln 2 split so that n * LN2_HI is exact for |n| <= 128 (Cody and Waite's reduction, as Cephes expf).
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND_MAGIC = 12582912f; // 1.5 * 2^23: adding it rounds to an integer
    private static final float EXP_MAX = 88.72283905206835f;  // ln(Float.MAX_VALUE)
    private static final float EXP_MIN = -87.33654475055310f; // ln(Float.MIN_NORMAL)

    private VectorMath() {
    }

    /**
     * e^x lane by lane, within about 2 ulp (Cephes' expf polynomial after Cody-Waite reduction
     * x = n ln 2 + r, |r| &lt;= ln 2 / 2, e^x = 2^n e^r). Below ln(MIN_NORMAL) the result is 0, above
     * ln(MAX_VALUE) it is infinity; NaN stays NaN.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector t = xc.fma(c(x, LOG2E), c(x, ROUND_MAGIC));
        FloatVector n = t.sub(ROUND_MAGIC);
        FloatVector r = n.fma(c(x, -LN2_HI), xc);
        r = n.fma(c(x, -LN2_LO), r);
        FloatVector p = r.fma(c(x, 1.9875691500e-4f), c(x, 1.3981999507e-3f));
        p = p.fma(r, c(x, 8.3334519073e-3f));
        p = p.fma(r, c(x, 4.1665795894e-2f));
        p = p.fma(r, c(x, 1.6666665459e-1f));
        p = p.fma(r, c(x, 5.0000001201e-1f));
        FloatVector r2 = r.mul(r);
        p = p.fma(r2, r).add(1f);
        // 2^n in two halves, so that n = 128 (e^x near MAX_VALUE) and n = -126 both stay in range.
        IntVector ni = (IntVector) t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND_MAGIC));
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector y = p.mul(s1).mul(s2);
        VectorMask<Float> under = x.compare(VectorOperators.LT, EXP_MIN);
        VectorMask<Float> over = x.compare(VectorOperators.GT, EXP_MAX);
        y = y.blend(0f, under).blend(Float.POSITIVE_INFINITY, over);
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    private static FloatVector c(FloatVector like, float value) {
        return FloatVector.broadcast(like.species(), value);
    }

    /** tanh x = sign(x) (1 - 2 / (e^{2|x|} + 1)), from {@link #exp}. */
    static FloatVector tanh(FloatVector x) {
        FloatVector e = exp(x.abs().mul(2f));
        FloatVector m = FloatVector.broadcast(x.species(), 1f).sub(FloatVector.broadcast(x.species(), 2f).div(e.add(1f)));
        return m.blend(m.neg(), x.compare(VectorOperators.LT, 0f)).blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** The lanes added in index order, the same in every execution mode. */
    static float sumLanes(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < v.length(); i++) s += v.lane(i);
        return s;
    }
}

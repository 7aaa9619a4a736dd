package jdiffusion.backends.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

class VectorMathTest {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static float[] apply(java.util.function.UnaryOperator<FloatVector> f, float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i += S.length()) {
            f.apply(FloatVector.fromArray(S, x, i, S.indexInRange(i, x.length))).intoArray(y, i, S.indexInRange(i, x.length));
        }
        return y;
    }

    private static double ulps(float got, double exact) {
        return Math.abs(got - exact) / Math.ulp((float) exact);
    }

    @Test
    void expIsWithinTwoUlpsOverTheWholeRange() {
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[100_000];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 176 - 88);
        float[] y = apply(VectorMath::exp, x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double e = Math.exp(x[i]);
            if (e < Float.MIN_NORMAL || e > Float.MAX_VALUE) continue;
            worst = Math.max(worst, ulps(y[i], e));
        }
        assertTrue(worst <= 2, "worst error " + worst + " ulp");
    }

    @Test
    void expHandlesTheEdges() {
        float[] x = {Float.NEGATIVE_INFINITY, -1000f, -87.5f, 0f, 88.7f, 89f, Float.POSITIVE_INFINITY, Float.NaN};
        float[] y = apply(VectorMath::exp, x);
        assertEquals(0f, y[0]);
        assertEquals(0f, y[1]);
        assertEquals(0f, y[2]);
        assertEquals(1f, y[3]);
        assertTrue(Float.isFinite(y[4]) && ulps(y[4], Math.exp(88.7f)) <= 2, "exp(88.7) = " + y[4]);
        assertEquals(Float.POSITIVE_INFINITY, y[5]);
        assertEquals(Float.POSITIVE_INFINITY, y[6]);
        assertTrue(Float.isNaN(y[7]));
    }

    @Test
    void tanhIsAccurateAndOdd() {
        float[] x = new float[4001];
        for (int i = 0; i < x.length; i++) x[i] = (i - 2000) / 200f;
        float[] y = apply(VectorMath::tanh, x);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.tanh(x[i]), y[i], 2e-7, "tanh(" + x[i] + ")");
            assertEquals(-y[i], y[x.length - 1 - i], 0f);
        }
    }

    @Test
    void laneSumsGoInIndexOrder() {
        float[] v = new float[S.length()];
        v[0] = 1e8f;
        for (int i = 1; i < v.length; i++) v[i] = 1f;
        float expected = 0f;
        for (float f : v) expected += f;
        assertEquals(expected, VectorMath.sumLanes(FloatVector.fromArray(S, v, 0)));
    }
}

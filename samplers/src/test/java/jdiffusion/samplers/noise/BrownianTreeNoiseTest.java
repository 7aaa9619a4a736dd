package jdiffusion.samplers.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import jdiffusion.core.sampling.Sigmas;
import org.junit.jupiter.api.Test;

class BrownianTreeNoiseTest {

    private static final int N = 4096;

    /** W(b) - W(a) recovered from the normalised noise of the step a -> b. */
    private static double[] increment(BrownianTreeNoise tree, float a, float b) {
        float[] z = tree.next(N, a, b);
        double[] w = new double[N];
        double s = Math.sqrt(Math.abs(b - a));
        for (int i = 0; i < N; i++) w[i] = z[i] * s;
        return w;
    }

    @Test
    public void theSamePathWhateverTheStepCount() {
        BrownianTreeNoise coarse = new BrownianTreeNoise(7, 0.03, 14.6);
        BrownianTreeNoise fine = new BrownianTreeNoise(7, 0.03, 14.6);
        double[] whole = increment(coarse, 5f, 1f);
        double[] first = increment(fine, 5f, 2.5f);
        double[] second = increment(fine, 2.5f, 1f);
        for (int i = 0; i < N; i++) assertEquals(whole[i], first[i] + second[i], 1e-5, "element " + i);
    }

    @Test
    public void isReproducibleForASeed() {
        float[] a = new BrownianTreeNoise(3, 0.03, 14.6).next(N, 10f, 9f);
        float[] b = new BrownianTreeNoise(3, 0.03, 14.6).next(N, 10f, 9f);
        float[] c = new BrownianTreeNoise(4, 0.03, 14.6).next(N, 10f, 9f);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c), "another seed gives another path");
    }

    @Test
    public void givesStandardNormalNoiseOnDisjointSteps() {
        BrownianTreeNoise tree = BrownianTreeNoise.forSigmas(11, Sigmas.of(14.6f, 3f, 0.5f, 0.03f, 0f));
        float[] z1 = tree.next(N, 14.6f, 3f);
        float[] z2 = tree.next(N, 3f, 0.5f);
        float[] z3 = tree.next(N, 0.5f, 0.03f);
        for (float[] z : new float[][] {z1, z2, z3}) {
            double mean = 0;
            double var = 0;
            for (float v : z) mean += v;
            mean /= N;
            for (float v : z) var += (v - mean) * (v - mean);
            var /= N;
            assertTrue(Math.abs(mean) < 4 / Math.sqrt(N), "mean " + mean);
            assertTrue(Math.abs(var - 1) < 4 * Math.sqrt(2.0 / N), "variance " + var);
        }
        double c12 = 0;
        double c23 = 0;
        for (int i = 0; i < N; i++) {
            c12 += z1[i] * z2[i];
            c23 += z2[i] * z3[i];
        }
        assertTrue(Math.abs(c12 / N) < 4 / Math.sqrt(N), "disjoint steps are independent: " + c12 / N);
        assertTrue(Math.abs(c23 / N) < 4 / Math.sqrt(N), "disjoint steps are independent: " + c23 / N);
    }

    @Test
    public void overlappingStepsAreCorrelatedAsBrownianMotion() {
        // The step 10 -> 5 contains 10 -> 7.5: correlation sqrt(2.5 / 5).
        BrownianTreeNoise tree = new BrownianTreeNoise(5, 0.03, 14.6);
        float[] half = tree.next(N, 10f, 7.5f);
        float[] whole = tree.next(N, 10f, 5f);
        double c = 0;
        for (int i = 0; i < N; i++) c += half[i] * whole[i];
        assertEquals(Math.sqrt(0.5), c / N, 4 / Math.sqrt(N));
    }

    @Test
    public void rejectsSigmasOutsideItsInterval() {
        BrownianTreeNoise tree = new BrownianTreeNoise(1, 0.03, 14.6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tree.next(16, 20f, 10f));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BrownianTreeNoise(1, 5, 5));
    }

    @Test
    public void keepsItsSizeAndDrawsPlainNoiseApart() {
        BrownianTreeNoise tree = new BrownianTreeNoise(1, 0.03, 14.6);
        tree.next(16, 10f, 9f);
        assertThrows(IllegalArgumentException.class, () -> tree.next(32, 9f, 8f));
        assertEquals(32, tree.next(32).length, "draws without an interval are independent of the tree");
    }
}

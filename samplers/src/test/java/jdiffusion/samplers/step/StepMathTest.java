package jdiffusion.samplers.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties of the step mathematics that hold whatever the reference rounding. */
class StepMathTest {

    private static float[] gaussian(long seed, int n) {
        Random r = new Random(seed);
        float[] z = new float[n];
        for (int i = 0; i < n; i++) z[i] = (float) r.nextGaussian();
        return z;
    }

    @Test
    void dpmSolverPlusPlusToSigmaZeroReturnsTheDenoisedSample() {
        float[] x = gaussian(1, 32);
        float[] x0 = gaussian(2, 32);
        for (DpmSolverStep.Algorithm alg : List.of(DpmSolverStep.Algorithm.DPMSOLVER_PP, DpmSolverStep.Algorithm.SDE_DPMSOLVER_PP)) {
            float[] out = DpmSolverStep.firstOrder(alg, x, x0, 1f, 0f, 0.7f, 0.714f, gaussian(3, 32));
            assertArrayEquals(x0, out, alg.name());
        }
    }

    @Test
    void eulerStepToTheSameSigmaKeepsTheSample() {
        float[] x = gaussian(4, 16);
        assertArrayEquals(x, EulerStep.step(x, gaussian(5, 16), 2.5f, 2.5f));
    }

    @Test
    void ancestralSplitPreservesTheVarianceOfTheTargetLevel() {
        float sigma = 3.0f;
        float next = 1.2f;
        float up = AncestralStep.sigmaUp(sigma, next);
        float down = AncestralStep.sigmaDown(next, up);
        assertEquals(next * next, up * up + down * down, 1e-5f);
        assertTrue(down < next && up < next);
    }

    @Test
    void plmsWeightsSumToOne() {
        float[] one = {1f};
        for (int k = 1; k <= 4; k++) {
            List<float[]> ets = java.util.Collections.nCopies(k, one);
            assertEquals(1f, PlmsStep.combine(ets)[0], 1e-6f, "order " + k);
        }
    }

    @Test
    void gaussKronrodIntegratesPolynomialsAndSmoothFunctions() {
        assertEquals(1.0 / 3, GaussKronrod.integrate(t -> t * t, 0, 1, 1.49e-8, 1e-4, 50), 1e-15);
        assertEquals(2.0, GaussKronrod.integrate(Math::sin, 0, Math.PI, 1.49e-8, 1e-10, 50), 1e-10);
        assertEquals(-0.234375, GaussKronrod.integrate(t -> t * t * t, 1, 0.5, 1.49e-8, 1e-4, 50), 1e-15);
    }

    @Test
    void smallSolvesRecoverTheSolution() {
        float[][] a = {{1, 1, 1}, {-1.2f, -2.3f, 1}, {1.44f, 5.29f, 1}};
        float[] x = {0.3f, -0.7f, 1.1f};
        float[] b = new float[3];
        for (int i = 0; i < 3; i++) b[i] = a[i][0] * x[0] + a[i][1] * x[1] + a[i][2] * x[2];
        assertArrayEquals(x, SmallLinearSolve.solve(a, b), 1e-5f);
        assertArrayEquals(x, SmallLinearSolve.solveTransposed(a, b), 1e-5f);
    }

    @Test
    void dynamicThresholdingClampsToTheQuantile() {
        float[] x = new float[100];
        for (int i = 0; i < 100; i++) x[i] = (i - 50) / 10f;
        float[] t = Thresholding.dynamic(x, 1, 0.9, 3.0);
        float s = Math.min(Math.max(Thresholding.quantile(absolute(x), 0.9f), 1f), 3f);
        for (int i = 0; i < 100; i++) assertEquals(Math.max(-s, Math.min(s, x[i])) / s, t[i], 1e-6f);
        assertArrayEquals(new float[] {-1f, 0.5f, 1f}, Thresholding.clip(new float[] {-3f, 0.5f, 2f}, 1f));
    }

    private static float[] absolute(float[] x) {
        float[] a = new float[x.length];
        for (int i = 0; i < a.length; i++) a[i] = Math.abs(x[i]);
        return a;
    }

    @Test
    void vectorElementaryFunctionsAreWithinOneUlp() {
        Random r = new Random(9);
        for (int k = 0; k < 20000; k++) {
            float x = (float) (r.nextDouble() * 40 - 20);
            float p = Math.abs(x) + 1e-3f;
            assertWithinUlps(Math.exp(x), Float32Math.exp(x), 1, "exp " + x);
            assertWithinUlps(Math.log(p), Float32Math.log(p), 1, "log " + p);
            assertWithinUlps(Math.expm1(x / 4), Float32Math.expm1(x / 4), 1, "expm1 " + x);
            assertWithinUlps(Math.sin(x), Float32Math.sin(x), 1, "sin " + x);
            assertWithinUlps(Math.atan2(x, p), Float32Math.atan2(x, p), 1, "atan2 " + x);
            assertWithinUlps(Math.pow(p, 7.0), Float32Math.pow(p, 7.0 + 1e-9), 1, "pow " + p);
        }
    }

    private static void assertWithinUlps(double exact, float actual, int ulps, String what) {
        float rounded = (float) exact;
        assertTrue(Math.abs(actual - exact) <= ulps * Math.ulp(rounded) + Math.abs(rounded - exact), what + ": " + actual + " vs " + exact);
    }
}

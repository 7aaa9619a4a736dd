package jdiffusion.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import jdiffusion.core.sampling.Denoiser;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.sampling.SamplingContext;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.core.sampling.StepListener;
import jdiffusion.core.schedule.ModelSampling;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract every {@link Sampler} meets. A sampler author extends this class and implements
 * {@link #sampler()}:
 *
 * <pre>
 * class MySamplerTest extends SamplerContractTest {
 *     protected Sampler sampler() { return new MySampler(); }
 * }
 * </pre>
 *
 * The tests run the sampler on {@link GaussianData}, whose exact answer is known: shape and input preservation,
 * determinism for a seed, behaviour without noise, one listener call per step, finite results on edge
 * sigmas and single steps, convergence (to the exact ODE solution, or to the data's statistics for samplers
 * that draw noise), the nominal order of convergence where {@link #expectedOrder()} declares one, the
 * unconditional branch used exactly when {@link Sampler#needsUnconditional()} says so, and one instance
 * serving several threads. {@link #contractTests()} returns the same checks as dynamic tests, for running
 * the contract over many samplers from one test class.
 */
public abstract class SamplerContractTest {

    /** The sampler under test. */
    protected abstract Sampler sampler();

    /** Options passed to every run; override to test a variant. */
    protected Map<String, Object> options() {
        return Map.of();
    }

    /** The analytic problem with {@code n} elements: variance-exploding by default; flow samplers return {@link GaussianData#flow}. */
    protected GaussianData problem(int n) {
        return GaussianData.spread(n, 0.5);
    }

    /** Steps used by the convergence test; multistep and low-order methods may need more. */
    protected int convergenceSteps() {
        return 50;
    }

    /** The largest relative error accepted at {@link #convergenceSteps()} for deterministic samplers. */
    protected double convergenceTolerance() {
        return 0.05;
    }

    /**
     * The sampler's order of convergence on {@link #orderSigmas} as the step count grows, or NaN (the default)
     * to skip the order test. Multistep methods that start with lower-order steps may converge faster than
     * their asymptotic order over practical step counts; the test accepts any slope above
     * {@code expectedOrder() - orderSlack()}.
     */
    protected double expectedOrder() {
        return Double.NaN;
    }

    /** How far below {@link #expectedOrder()} the measured slope may fall. */
    protected double orderSlack() {
        return 0.3;
    }

    /** Step counts between which the order is measured (errors should lie well above float32 noise there). */
    protected int[] orderSteps() {
        return new int[] {8, 16, 32, 64};
    }

    /**
     * Sigmas for the order test: uniform in log sigma from the problem's largest noise level down to a small
     * one, then 0 (the last jump is then below float32 resolution for the analytic problem).
     */
    protected Sigmas orderSigmas(GaussianData data, int steps) {
        double max = data.isFlow() ? 0.999 : 14.614642;
        double min = data.isFlow() ? 5e-4 : 5e-4;
        double[] s = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            double f = steps == 1 ? 0 : (double) i / (steps - 1);
            s[i] = Math.exp(Math.log(max) + f * (Math.log(min) - Math.log(max)));
        }
        return Sigmas.ofDoubles(s);
    }

    /** Sigmas for the other tests: log-uniform from the largest noise level to a small one, then 0. */
    protected Sigmas sigmas(int steps) {
        return problemSigmas(problem(1), steps);
    }

    private static Sigmas problemSigmas(GaussianData data, int steps) {
        double max = data.isFlow() ? 1.0 : 14.614642;
        double min = data.isFlow() ? 0.003 : 0.0291675;
        double[] s = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            double f = steps == 1 ? 0 : (double) i / (steps - 1);
            s[i] = Math.exp(Math.log(max) + f * (Math.log(min) - Math.log(max)));
        }
        return Sigmas.ofDoubles(s);
    }

    private SamplingContext context(NoiseSource noise) {
        return SamplingContext.of(noise).withOptions(options());
    }

    private SamplingContext context(long seed) {
        return context(new SeededGaussianNoise(seed));
    }

    private static float[] start(GaussianData data, Sigmas sigmas, long seed) {
        return data.startingLatent(new SeededGaussianNoise(seed).next(data.size()), sigmas.first());
    }

    @Test
    public void hasALowerCaseName() {
        String name = sampler().name();
        assertNotNull(name);
        assertEquals(name.toLowerCase(Locale.ROOT), name, "names are lower case");
        assertFalse(name.isBlank());
    }

    @Test
    public void keepsTheShapeAndLeavesTheInputAlone() {
        GaussianData data = problem(64);
        Sigmas sigmas = sigmas(10);
        float[] x = start(data, sigmas, 1);
        float[] before = x.clone();
        float[] out = sampler().sample(data, x, sigmas, context(2));
        assertEquals(x.length, out.length);
        assertArrayEquals(before, x, "the input latent must not be modified");
    }

    @Test
    public void isDeterministicForTheSameNoise() {
        GaussianData data = problem(32);
        Sigmas sigmas = sigmas(8);
        float[] x = start(data, sigmas, 3);
        float[] a = sampler().sample(data, x, sigmas, context(4));
        float[] b = sampler().sample(data, x, sigmas, context(4));
        assertArrayEquals(a, b);
    }

    @Test
    public void behavesWithoutNoise() {
        GaussianData data = problem(32);
        Sigmas sigmas = sigmas(8);
        float[] x = start(data, sigmas, 11);
        float[] silent = sampler().sample(data, x, sigmas, context(new ZeroNoise()));
        for (float v : silent) assertTrue(Float.isFinite(v), "non-finite result with zero noise");
        if (!sampler().isStochastic()) {
            float[] noisy = sampler().sample(data, x, sigmas, context(12));
            assertArrayEquals(silent, noisy, "a sampler that is not stochastic must not depend on the noise");
        }
    }

    @Test
    public void callsTheListenerOncePerStep() {
        GaussianData data = problem(16);
        Sigmas sigmas = sigmas(7);
        List<Integer> seen = new ArrayList<>();
        StepListener l = step -> {
            seen.add(step.index());
            assertNotNull(step.x());
            assertNotNull(step.denoised());
        };
        sampler().sample(data, start(data, sigmas, 5), sigmas, context(6).withListener(l));
        if (!sampler().choosesOwnSteps()) {
            assertEquals(sigmas.steps(), seen.size(), "one callback per step, got " + seen);
        } else {
            assertFalse(seen.isEmpty(), "at least one callback");
        }
        for (int i = 0; i < seen.size(); i++) assertEquals(i, seen.get(i), "steps are numbered from 0 in order");
    }

    @Test
    public void staysFiniteOnEdgeSigmas() {
        GaussianData data = problem(16);
        List<Sigmas> edges = data.isFlow()
                ? List.of(Sigmas.of(1f, 0f), Sigmas.of(0.999f, 0.001f, 0f), Sigmas.of(0.003f, 0f), Sigmas.of(1f, 0.5f, 0.2f))
                : List.of(Sigmas.of(14.614642f, 0f), Sigmas.of(1000f, 0.001f, 0f), Sigmas.of(0.03f, 0f), Sigmas.of(14.614642f, 1f, 0.3f));
        for (Sigmas sigmas : edges) {
            float[] out = sampler().sample(data, start(data, sigmas, 7), sigmas, context(8));
            for (float v : out) assertTrue(Float.isFinite(v), "non-finite output for " + sigmas);
        }
    }

    @Test
    public void handlesASingleStep() {
        GaussianData data = problem(16);
        Sigmas sigmas = sigmas(1);
        float[] out = sampler().sample(data, start(data, sigmas, 9), sigmas, context(10));
        assertEquals(16, out.length);
        for (float v : out) assertTrue(Float.isFinite(v), "non-finite output for a single step");
    }

    @Test
    public void convergesOnGaussianData() {
        GaussianData data = problem(1024);
        Sigmas sigmas = sigmas(convergenceSteps());
        float[] x = start(data, sigmas, 9);
        float[] out = sampler().sample(data, x, sigmas, context(10));
        if (sampler().isStochastic()) {
            // The final samples must look like the data: standardised residuals with mean 0 and variance 1.
            double sum = 0;
            double sq = 0;
            float[] mu = data.mean();
            double s = Math.sqrt(data.variance());
            for (int i = 0; i < out.length; i++) {
                double z = (out[i] - mu[i]) / s;
                sum += z;
                sq += z * z;
            }
            double mean = sum / out.length;
            double var = sq / out.length - mean * mean;
            double se = 1 / Math.sqrt(out.length);
            assertTrue(Math.abs(mean) < 5 * se, "mean of standardised samples " + mean);
            assertTrue(Math.abs(var - 1) < 0.25, "variance of standardised samples " + var);
        } else {
            double[] exact = data.exactOdeSolution(x, sigmas.first(), sigmas.last());
            double worst = 0;
            for (int i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i] - exact[i]) / Math.max(1, Math.abs(exact[i])));
            assertTrue(worst < convergenceTolerance(), "max relative error " + worst + " after " + convergenceSteps() + " steps");
        }
    }

    /** The error of a deterministic run at each of {@link #orderSteps()} and the fitted log-log slope. */
    public final double measuredOrder() {
        int[] steps = orderSteps();
        double[] errors = errors(steps);
        return slope(steps, errors);
    }

    /** Max absolute error against the exact ODE solution after each step count of {@code steps}. */
    public final double[] errors(int[] steps) {
        GaussianData data = problem(256);
        float[] z = new SeededGaussianNoise(13).next(data.size());
        double[] errors = new double[steps.length];
        for (int k = 0; k < steps.length; k++) {
            Sigmas sigmas = orderSigmas(data, steps[k]);
            float[] x = data.startingLatent(z, sigmas.first());
            float[] out = sampler().sample(data, x, sigmas, context(14));
            double[] exact = data.exactOdeSolution(x, sigmas.first(), sigmas.last());
            double worst = 0;
            for (int i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i] - exact[i]));
            errors[k] = worst;
        }
        return errors;
    }

    /** Least-squares slope of -log(error) against log(steps). */
    public static double slope(int[] steps, double[] errors) {
        int n = steps.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += Math.log(steps[i]);
            my += -Math.log(errors[i]);
        }
        mx /= n;
        my /= n;
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            double dx = Math.log(steps[i]) - mx;
            num += dx * (-Math.log(errors[i]) - my);
            den += dx * dx;
        }
        return num / den;
    }

    @Test
    public void convergesAtItsNominalOrder() {
        double expected = expectedOrder();
        if (Double.isNaN(expected)) return;
        double[] errors = errors(orderSteps());
        double order = slope(orderSteps(), errors);
        assertTrue(order > expected - orderSlack(), sampler().name() + ": measured order " + order + " (errors "
                + java.util.Arrays.toString(errors) + "), expected at least " + (expected - orderSlack()));
    }

    @Test
    public void usesTheUnconditionalBranchExactlyWhenItSaysSo() {
        GaussianData data = problem(16);
        AtomicInteger guided = new AtomicInteger();
        boolean needs = sampler().needsUnconditional();
        Denoiser counting = new Denoiser() {
            @Override
            public float[] denoise(float[] x, float sigma) {
                return data.denoise(x, sigma);
            }

            @Override
            public Guided denoiseGuided(float[] x, float sigma) {
                guided.incrementAndGet();
                return data.denoiseGuided(x, sigma);
            }

            @Override
            public ModelSampling modelSampling() {
                return data.modelSampling();
            }
        };
        Sigmas sigmas = sigmas(5);
        sampler().sample(counting, start(data, sigmas, 15), sigmas, context(16));
        if (needs) {
            assertTrue(guided.get() > 0, "needsUnconditional() is true but denoiseGuided was never called");
        } else {
            assertEquals(0, guided.get(), "needsUnconditional() is false but denoiseGuided was called");
        }
    }

    @Test
    public void oneInstanceServesSeveralThreads() throws Exception {
        Sampler sampler = sampler();
        GaussianData data = problem(128);
        Sigmas sigmas = sigmas(12);
        int runs = 8;
        float[][] sequential = new float[runs][];
        for (int r = 0; r < runs; r++) {
            sequential[r] = sampler.sample(data, start(data, sigmas, 100 + r), sigmas, context(200 + r));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                final int run = r;
                futures.add(pool.submit(() -> sampler.sample(data, start(data, sigmas, 100 + run), sigmas, context(200 + run))));
            }
            for (int r = 0; r < runs; r++) assertArrayEquals(sequential[r], futures.get(r).get(), "run " + r);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every check of this contract as a dynamic test (for running it over many samplers in one test class). */
    public final List<DynamicTest> contractTests() {
        List<DynamicTest> tests = new ArrayList<>();
        add(tests, "hasALowerCaseName", this::hasALowerCaseName);
        add(tests, "keepsTheShapeAndLeavesTheInputAlone", this::keepsTheShapeAndLeavesTheInputAlone);
        add(tests, "isDeterministicForTheSameNoise", this::isDeterministicForTheSameNoise);
        add(tests, "behavesWithoutNoise", this::behavesWithoutNoise);
        add(tests, "callsTheListenerOncePerStep", this::callsTheListenerOncePerStep);
        add(tests, "staysFiniteOnEdgeSigmas", this::staysFiniteOnEdgeSigmas);
        add(tests, "handlesASingleStep", this::handlesASingleStep);
        add(tests, "convergesOnGaussianData", this::convergesOnGaussianData);
        add(tests, "convergesAtItsNominalOrder", this::convergesAtItsNominalOrder);
        add(tests, "usesTheUnconditionalBranchExactlyWhenItSaysSo", this::usesTheUnconditionalBranchExactlyWhenItSaysSo);
        add(tests, "oneInstanceServesSeveralThreads", this::oneInstanceServesSeveralThreads);
        return tests;
    }

    private static void add(List<DynamicTest> tests, String name, Executable check) {
        tests.add(DynamicTest.dynamicTest(name, check));
    }
}

package jdiffusion.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.sampling.SamplingContext;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.core.sampling.StepListener;
import org.junit.jupiter.api.Test;

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
 * The tests run the sampler on {@link GaussianData}, whose exact answer is known.
 */
public abstract class SamplerContractTest {

    /** The sampler under test. */
    protected abstract Sampler sampler();

    /** Options passed to every run; override to test a variant. */
    protected Map<String, Object> options() {
        return Map.of();
    }

    /** Steps used by the convergence test; multistep and low-order methods may need more. */
    protected int convergenceSteps() {
        return 50;
    }

    /** The largest relative error accepted at {@link #convergenceSteps()} for deterministic samplers. */
    protected double convergenceTolerance() {
        return 0.05;
    }

    /** Sigmas from 14.6 down to 0.03 then 0, log-uniform, as a typical SD schedule. */
    protected Sigmas sigmas(int steps) {
        double max = 14.614642;
        double min = 0.0291675;
        double[] s = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            double f = steps == 1 ? 0 : (double) i / (steps - 1);
            s[i] = Math.exp(Math.log(max) + f * (Math.log(min) - Math.log(max)));
        }
        return Sigmas.ofDoubles(s);
    }

    private SamplingContext context(long seed) {
        return SamplingContext.of(new SeededGaussianNoise(seed)).withOptions(options());
    }

    private static float[] start(GaussianData data, Sigmas sigmas, long seed) {
        float[] x = new SeededGaussianNoise(seed).next(data.size());
        for (int i = 0; i < x.length; i++) x[i] *= sigmas.first();
        return x;
    }

    @Test
    void hasALowerCaseName() {
        String name = sampler().name();
        assertNotNull(name);
        assertEquals(name.toLowerCase(java.util.Locale.ROOT), name, "names are lower case");
        assertFalse(name.isBlank());
    }

    @Test
    void keepsTheShapeAndLeavesTheInputAlone() {
        GaussianData data = GaussianData.spread(64, 0.5);
        Sigmas sigmas = sigmas(10);
        float[] x = start(data, sigmas, 1);
        float[] before = x.clone();
        float[] out = sampler().sample(data, x, sigmas, context(2));
        assertEquals(x.length, out.length);
        assertArrayEquals(before, x, "the input latent must not be modified");
    }

    @Test
    void isDeterministicForTheSameNoise() {
        GaussianData data = GaussianData.spread(32, 0.5);
        Sigmas sigmas = sigmas(8);
        float[] x = start(data, sigmas, 3);
        float[] a = sampler().sample(data, x, sigmas, context(4));
        float[] b = sampler().sample(data, x, sigmas, context(4));
        assertArrayEquals(a, b);
    }

    @Test
    void callsTheListenerOncePerStep() {
        GaussianData data = GaussianData.spread(16, 0.5);
        Sigmas sigmas = sigmas(7);
        List<Integer> seen = new ArrayList<>();
        StepListener l = step -> seen.add(step.index());
        sampler().sample(data, start(data, sigmas, 5), sigmas, context(6).withListener(l));
        assertEquals(sigmas.steps(), seen.size(), "one callback per step, got " + seen);
        for (int i = 0; i < seen.size(); i++) assertEquals(i, seen.get(i));
    }

    @Test
    void staysFiniteOnEdgeSigmas() {
        GaussianData data = GaussianData.spread(16, 0.5);
        for (Sigmas sigmas : List.of(Sigmas.of(14.614642f, 0f), Sigmas.of(1000f, 0.001f, 0f), Sigmas.of(0.03f, 0f))) {
            float[] out = sampler().sample(data, start(data, sigmas, 7), sigmas, context(8));
            for (float v : out) assertTrue(Float.isFinite(v), "non-finite output for " + sigmas);
        }
    }

    @Test
    void convergesOnGaussianData() {
        GaussianData data = GaussianData.spread(256, 0.5);
        Sigmas sigmas = sigmas(convergenceSteps());
        float[] x = start(data, sigmas, 9);
        float[] out = sampler().sample(data, x, sigmas, context(10));
        if (sampler().isStochastic()) {
            // The final samples must look like the data: mean within 4 standard errors, variance within 50 %.
            double meanErr = 0;
            double var = 0;
            float[] mu = data.mean();
            for (int i = 0; i < out.length; i++) {
                double d = out[i] - mu[i];
                meanErr += d;
                var += d * d;
            }
            meanErr /= out.length;
            var /= out.length;
            double se = Math.sqrt(data.variance() / out.length);
            assertTrue(Math.abs(meanErr) < 4 * se + 0.01, "mean off by " + meanErr);
            assertTrue(var > 0.5 * data.variance() && var < 1.5 * data.variance(), "variance " + var + " vs " + data.variance());
        } else {
            double[] exact = data.exactOdeSolution(x, sigmas.first(), 0);
            double worst = 0;
            for (int i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i] - exact[i]) / Math.max(1, Math.abs(exact[i])));
            assertTrue(worst < convergenceTolerance(), "max relative error " + worst + " after " + convergenceSteps() + " steps");
        }
    }

    @Test
    void oneInstanceServesSeveralThreads() throws Exception {
        Sampler sampler = sampler();
        GaussianData data = GaussianData.spread(128, 0.5);
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
}

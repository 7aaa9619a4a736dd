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
import jdiffusion.core.Config;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.SigmaSchedule;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract every {@link SigmaSchedule} meets. A schedule author extends this class and implements
 * {@link #schedule()}:
 *
 * <pre>
 * class MyScheduleTest extends SigmaScheduleContractTest {
 *     protected SigmaSchedule schedule() { return new MySchedule(); }
 * }
 * </pre>
 *
 * For each of {@link #stepCounts()} the sigmas must be finite, non-negative and non-increasing, number
 * steps + 1 (unless {@link #exactLength()} is false), end in 0 (unless {@link #endsAtZero()} is false) and
 * start within the model's range (unless {@link #boundedByModel()} is false); the same call must give the same
 * sigmas, also from several threads at once; and an Euler run over the schedule must denoise the analytic
 * problem.
 */
public abstract class SigmaScheduleContractTest {

    /** The schedule under test. */
    protected abstract SigmaSchedule schedule();

    /** Options passed to every call. */
    protected Map<String, Object> options() {
        return Map.of();
    }

    /** The model sampling the schedule is asked about: Stable Diffusion's by default. */
    protected ModelSampling modelSampling() {
        return ToyModelSampling.STABLE_DIFFUSION;
    }

    /** The step counts tried. */
    protected int[] stepCounts() {
        return new int[] {1, 2, 3, 4, 7, 10, 25, 50};
    }

    /** Whether the schedule always gives steps + 1 sigmas (some drop repeats or keep part of a table). */
    protected boolean exactLength() {
        return true;
    }

    /** Whether the last sigma is 0. */
    protected boolean endsAtZero() {
        return true;
    }

    /** Whether the first sigma lies within the model's range (up to sigma_max). */
    protected boolean boundedByModel() {
        return true;
    }

    private Sigmas sigmas(int steps) {
        return schedule().sigmas(modelSampling(), steps, Config.of("schedule options", options()));
    }

    @Test
    public void hasALowerCaseName() {
        String name = schedule().name();
        assertNotNull(name);
        assertFalse(name.isBlank());
        assertEquals(name.toLowerCase(Locale.ROOT), name, "names are lower case");
    }

    @Test
    public void givesFiniteNonIncreasingSigmas() {
        for (int steps : stepCounts()) {
            Sigmas s = sigmas(steps);
            assertTrue(s.size() >= 1, "no sigmas for " + steps + " steps");
            for (int i = 0; i < s.size(); i++) {
                assertTrue(Float.isFinite(s.get(i)) && s.get(i) >= 0, "sigma[" + i + "] = " + s.get(i) + " for " + steps + " steps");
                if (i > 0) assertTrue(s.get(i) <= s.get(i - 1), "sigmas increase at " + i + " for " + steps + " steps: " + s);
            }
        }
    }

    @Test
    public void givesOneMoreSigmaThanSteps() {
        if (!exactLength()) return;
        for (int steps : stepCounts()) assertEquals(steps + 1, sigmas(steps).size(), "sigmas for " + steps + " steps");
    }

    @Test
    public void lastSigmaIsZero() {
        if (!endsAtZero()) return;
        for (int steps : stepCounts()) assertEquals(0f, sigmas(steps).last(), "last sigma for " + steps + " steps");
    }

    @Test
    public void startsWithinTheModelsRange() {
        if (!boundedByModel()) return;
        float max = modelSampling().sigmaMax();
        for (int steps : stepCounts()) {
            float first = sigmas(steps).first();
            assertTrue(first <= max * 1.0001f, "first sigma " + first + " above the model's sigma_max " + max);
        }
    }

    @Test
    public void isDeterministic() {
        for (int steps : stepCounts()) assertEquals(sigmas(steps), sigmas(steps), "two calls for " + steps + " steps");
    }

    @Test
    public void oneInstanceServesSeveralThreads() throws Exception {
        int[] counts = stepCounts();
        float[][] sequential = new float[counts.length][];
        for (int i = 0; i < counts.length; i++) sequential[i] = sigmas(counts[i]).toArray();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int steps : counts) futures.add(pool.submit(() -> sigmas(steps).toArray()));
            for (int i = 0; i < counts.length; i++) assertArrayEquals(sequential[i], futures.get(i).get(), counts[i] + " steps");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Euler over the largest of {@link #stepCounts()} steps of the schedule must solve the analytic problem closely. */
    @Test
    public void denoisesTheAnalyticProblemWithEuler() {
        int most = java.util.Arrays.stream(stepCounts()).max().orElse(50);
        Sigmas s = sigmas(most);
        if (s.size() < 2 || !endsAtZero()) return;
        GaussianData data = new GaussianData(GaussianData.spread(256, 0.5).mean(), 0.5, modelSampling());
        float[] x = data.startingLatent(new SeededGaussianNoise(21).next(256), s.first());
        for (int i = 0; i < s.steps(); i++) {
            float[] d = data.denoise(x, s.get(i));
            float dt = s.get(i + 1) - s.get(i);
            for (int j = 0; j < x.length; j++) x[j] = x[j] + (x[j] - d[j]) / s.get(i) * dt;
        }
        double[] exact = data.exactOdeSolution(data.startingLatent(new SeededGaussianNoise(21).next(256), s.first()), s.first(), 0);
        double worst = 0;
        for (int j = 0; j < x.length; j++) worst = Math.max(worst, Math.abs(x[j] - exact[j]));
        assertTrue(worst < 0.25, "Euler over the schedule ends " + worst + " from the exact solution");
    }

    /** Every check of this contract as a dynamic test. */
    public final List<DynamicTest> contractTests() {
        List<DynamicTest> tests = new ArrayList<>();
        add(tests, "hasALowerCaseName", this::hasALowerCaseName);
        add(tests, "givesFiniteNonIncreasingSigmas", this::givesFiniteNonIncreasingSigmas);
        add(tests, "givesOneMoreSigmaThanSteps", this::givesOneMoreSigmaThanSteps);
        add(tests, "lastSigmaIsZero", this::lastSigmaIsZero);
        add(tests, "startsWithinTheModelsRange", this::startsWithinTheModelsRange);
        add(tests, "isDeterministic", this::isDeterministic);
        add(tests, "oneInstanceServesSeveralThreads", this::oneInstanceServesSeveralThreads);
        add(tests, "denoisesTheAnalyticProblemWithEuler", this::denoisesTheAnalyticProblemWithEuler);
        return tests;
    }

    private static void add(List<DynamicTest> tests, String name, Executable check) {
        tests.add(DynamicTest.dynamicTest(name, check));
    }
}

package jdiffusion.schedulers.diffusers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdiffusion.core.Config;
import jdiffusion.core.ConfigException;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.scheduler.Scheduler;
import jdiffusion.core.scheduler.SchedulerFactory;
import jdiffusion.core.scheduler.SchedulerRun;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** How configured schedulers and their runs behave as objects: isolation, thread safety, errors. */
class SchedulerBehaviourTest {

    private static final List<String> CLASSES = List.of("DDPMScheduler", "DDIMScheduler", "DDIMInverseScheduler",
            "PNDMScheduler", "LMSDiscreteScheduler", "EulerDiscreteScheduler", "EulerAncestralDiscreteScheduler",
            "HeunDiscreteScheduler", "KDPM2DiscreteScheduler", "KDPM2AncestralDiscreteScheduler",
            "DPMSolverMultistepScheduler", "DPMSolverSinglestepScheduler", "DEISMultistepScheduler",
            "UniPCMultistepScheduler", "LCMScheduler", "TCDScheduler", "EDMEulerScheduler",
            "EDMDPMSolverMultistepScheduler", "FlowMatchEulerDiscreteScheduler", "SASolverScheduler", "IPNDMScheduler");

    private static SchedulerFactory factory(String name) {
        for (SchedulerFactory f : ServiceLoader.load(SchedulerFactory.class)) {
            if (f.name().equals(name)) return f;
        }
        throw new AssertionError("no provider " + name);
    }

    private static Scheduler create(String name, Map<String, Object> config) {
        return factory(name).create(Config.of("test " + name, config));
    }

    /** A fixed stand-in model and seeded noise, so two runs can be compared. */
    private static float[] sample(SchedulerRun run, long seed) {
        Random noise = new Random(seed);
        NoiseSource source = n -> {
            float[] z = new float[n];
            for (int i = 0; i < n; i++) z[i] = (float) noise.nextGaussian();
            return z;
        };
        Random init = new Random(seed + 1);
        float[] x = new float[16];
        for (int i = 0; i < x.length; i++) x[i] = (float) init.nextGaussian() * (float) run.initNoiseSigma();
        double[] ts = run.timesteps();
        for (int i = 0; i < ts.length; i++) {
            float[] in = run.scaleModelInput(x, i);
            float[] out = new float[in.length];
            for (int k = 0; k < out.length; k++) out[k] = in[k] / (1 + Math.abs(in[k])) + (float) ts[i] / 2000f;
            x = run.step(out, i, x, source);
        }
        return x;
    }

    @Test
    void everyDiffusersClassIsAProviderNamedByItsClassName() {
        List<String> names = new ArrayList<>();
        for (SchedulerFactory f : ServiceLoader.load(SchedulerFactory.class)) names.add(f.name());
        assertTrue(names.containsAll(CLASSES), names.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"DDPMScheduler", "EulerAncestralDiscreteScheduler", "HeunDiscreteScheduler",
        "KDPM2AncestralDiscreteScheduler", "DPMSolverMultistepScheduler", "DPMSolverSinglestepScheduler",
        "UniPCMultistepScheduler", "SASolverScheduler", "LCMScheduler", "PNDMScheduler", "LMSDiscreteScheduler"})
    void interleavedRunsOfOneSchedulerDoNotShareState(String name) {
        Scheduler scheduler = create(name, Map.of());
        float[] alone = sample(scheduler.start(8), 11);
        SchedulerRun a = scheduler.start(8);
        SchedulerRun b = scheduler.start(8);
        // step both runs alternately: their results must equal runs made alone
        Random na = new Random(11);
        Random nb = new Random(12);
        NoiseSource sa = n -> gaussian(na, n);
        NoiseSource sb = n -> gaussian(nb, n);
        Random ia = new Random(12);
        Random ib = new Random(13);
        float[] xa = gaussian(ia, 16);
        float[] xb = gaussian(ib, 16);
        for (int k = 0; k < 16; k++) {
            xa[k] *= (float) a.initNoiseSigma();
            xb[k] *= (float) b.initNoiseSigma();
        }
        double[] ts = a.timesteps();
        for (int i = 0; i < ts.length; i++) {
            xa = a.step(model(a.scaleModelInput(xa, i), ts[i]), i, xa, sa);
            xb = b.step(model(b.scaleModelInput(xb, i), ts[i]), i, xb, sb);
        }
        assertArrayEquals(alone, xa);
        assertArrayEquals(sample(scheduler.start(8), 12), xb);
    }

    @Test
    void oneConfiguredSchedulerServesManyThreads() throws Exception {
        Scheduler scheduler = create("DPMSolverMultistepScheduler", Map.of("algorithm_type", "sde-dpmsolver++", "solver_order", 3L));
        float[] expected = sample(scheduler.start(20), 5);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int k = 0; k < 16; k++) results.add(pool.submit(() -> sample(scheduler.start(20), 5)));
            for (Future<float[]> f : results) assertArrayEquals(expected, f.get());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void stepsMustComeInOrderOnceStarted() {
        // A run may begin part-way through its schedule (img2img, as diffusers' set_begin_index), but then
        // every step must follow the previous one.
        SchedulerRun run = create("EulerDiscreteScheduler", Map.of()).start(4);
        float[] x = new float[4];
        run.step(x, 1, x, n -> new float[n]);
        assertThrows(IllegalStateException.class, () -> run.step(x, 3, x, n -> new float[n]));
        assertThrows(IllegalStateException.class, () -> run.step(x, 1, x, n -> new float[n]));
    }

    @Test
    void unsupportedOptionValuesAreRejectedNamingKeyAndValue() {
        ConfigException e = assertThrows(ConfigException.class, () -> create("DDIMScheduler", Map.of("beta_schedule", "quadratic")));
        assertTrue(e.getMessage().contains("beta_schedule") && e.getMessage().contains("quadratic"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> create("EulerDiscreteScheduler", Map.of("timestep_spacing", "middle")));
        assertTrue(e.getMessage().contains("timestep_spacing") && e.getMessage().contains("middle"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> create("EulerAncestralDiscreteScheduler", Map.of("prediction_type", "sample")));
        assertTrue(e.getMessage().contains("prediction_type"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> create("EulerDiscreteScheduler",
                Map.of("use_karras_sigmas", true, "use_beta_sigmas", true)));
        assertTrue(e.getMessage().contains("use_karras_sigmas"), e.getMessage());
    }

    @Test
    void unknownStepArgumentsAreRejectedListingTheKnownOnes() {
        Scheduler scheduler = create("DDIMScheduler", Map.of());
        ConfigException e = assertThrows(ConfigException.class,
                () -> scheduler.start(10, Config.empty("t"), Config.of("s", Map.of("s_churn", 1.0))));
        assertTrue(e.getMessage().contains("s_churn") && e.getMessage().contains("eta"), e.getMessage());
    }

    @Test
    void defaultsApplyWhenTheConfigOmitsKeys() {
        // diffusers' DDIMScheduler defaults: leading spacing, 1000 training steps
        SchedulerRun run = create("DDIMScheduler", new HashMap<>()).start(10);
        assertArrayEquals(new double[] {900, 800, 700, 600, 500, 400, 300, 200, 100, 0}, run.timesteps());
        assertEquals(1.0, run.initNoiseSigma());
    }

    private static float[] gaussian(Random r, int n) {
        float[] z = new float[n];
        for (int i = 0; i < n; i++) z[i] = (float) r.nextGaussian();
        return z;
    }

    private static float[] model(float[] in, double t) {
        float[] out = new float[in.length];
        for (int k = 0; k < out.length; k++) out[k] = in[k] / (1 + Math.abs(in[k])) + (float) t / 2000f;
        return out;
    }
}

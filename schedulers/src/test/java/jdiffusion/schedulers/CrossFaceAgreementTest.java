package jdiffusion.schedulers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import jdiffusion.core.Config;
import jdiffusion.core.plugin.Provided;
import jdiffusion.core.plugin.Registry;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.sampling.SamplingContext;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.core.scheduler.SchedulerFactory;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.samplers.BuiltInSamplers;
import jdiffusion.samplers.noise.ReplayNoise;
import jdiffusion.tck.GaussianData;
import jdiffusion.tck.SeededGaussianNoise;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Where both faces implement the same method, the k-diffusion sampler and the diffusers scheduler give the same
 * result within 1e-5 relative on identical sigmas, starting latent and noise: euler (EulerDiscrete), euler_a
 * (EulerAncestralDiscrete), heun (HeunDiscrete), dpm_2 (KDPM2Discrete), dpmpp_2m and dpmpp_2m_sde
 * (DPMSolverMultistep with dpmsolver++ / sde-dpmsolver++). They differ only in rounding: diffusers recovers x0
 * from an epsilon prediction and (for DPM-Solver) works on the variance-preserving latent.
 *
 * <p>Not compared, by design: ComfyUI's {@code lms} returns the denoised estimate at its last step where
 * diffusers' LMSDiscrete integrates it (and evaluates its Lagrange polynomials in float32 rather than float64);
 * {@code dpmpp_sde} is a singlestep SDE solver with no diffusers class; ComfyUI's {@code uni_pc} runs UniPC on
 * sigma as time with a final sigma of 0.001, unlike UniPCMultistep's timestep grid; its {@code deis} uses
 * zju-pi's quadrature or sigma-space coefficients, not DEISMultistep's log-SNR ones; and its {@code lcm}
 * re-noises the denoised estimate without LCMScheduler's boundary-condition scalings.
 */
class CrossFaceAgreementTest {

    private static final int SIZE = 64;
    private static final Map<String, Object> SD = Map.of("beta_schedule", "scaled_linear", "beta_start", 0.00085,
            "beta_end", 0.012, "use_karras_sigmas", true);

    /** A pairing: sampler, diffusers class and config, and how the diffusers run's model sees sigma at loop index i. */
    private record Pair(String sampler, Map<String, Object> samplerOptions, String diffusersClass, Map<String, Object> extraConfig,
                        boolean variancePreserving) {
    }

    private static final List<Pair> PAIRS = List.of(
            new Pair("euler", Map.of(), "EulerDiscreteScheduler", Map.of(), false),
            new Pair("euler_a", Map.of(), "EulerAncestralDiscreteScheduler", Map.of(), false),
            new Pair("heun", Map.of(), "HeunDiscreteScheduler", Map.of(), false),
            new Pair("dpm_2", Map.of(), "KDPM2DiscreteScheduler", Map.of(), false),
            new Pair("dpmpp_2m", Map.of(), "DPMSolverMultistepScheduler", Map.of("algorithm_type", "dpmsolver++", "solver_order", 2L), true),
            new Pair("dpmpp_2m_sde", Map.of("eta", 1.0, "solver_type", "midpoint"), "DPMSolverMultistepScheduler",
                    Map.of("algorithm_type", "sde-dpmsolver++", "solver_order", 2L, "solver_type", "midpoint"), true));

    private static SchedulerFactory factory(String name) {
        for (SchedulerFactory f : ServiceLoader.load(SchedulerFactory.class)) {
            if (f.name().equals(name)) return f;
        }
        throw new AssertionError("no diffusers scheduler " + name);
    }

    private static Sampler sampler(String name) {
        List<Provided<Sampler>> p = new ArrayList<>();
        for (Sampler s : BuiltInSamplers.all()) p.add(new Provided<>(s, "built-in"));
        return Registry.of("sampler", p).get(name);
    }

    @TestFactory
    Stream<DynamicTest> bothFacesAgreeWhereTheyShareAMethod() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Pair pair : PAIRS) {
            for (int steps : new int[] {10, 25}) {
                tests.add(DynamicTest.dynamicTest(pair.sampler() + " vs " + pair.diffusersClass() + ", " + steps + " steps",
                        () -> agree(pair, steps)));
            }
        }
        return tests.stream();
    }

    private static void agree(Pair pair, int steps) {
        double worst = difference(pair, steps);
        System.out.printf("%s vs %s, %d steps: max relative difference %.3g%n", pair.sampler(), pair.diffusersClass(), steps, worst);
        assertTrue(worst <= 1e-5, pair.sampler() + " vs " + pair.diffusersClass() + " at " + steps + " steps: max relative difference " + worst);
    }

    @org.junit.jupiter.api.Test
    void theComparisonNoticesADifferentMethod() {
        double d = difference(new Pair("euler", Map.of(), "HeunDiscreteScheduler", Map.of(), false), 10);
        assertTrue(d > 1e-3, "Euler against Heun differs by " + d);
    }

    private static double difference(Pair pair, int steps) {
        Map<String, Object> config = new java.util.HashMap<>(SD);
        config.putAll(pair.extraConfig());
        SchedulerRun run = factory(pair.diffusersClass()).create(Config.of(pair.diffusersClass(), config)).start(steps);
        GaussianData data = GaussianData.spread(SIZE, 0.5);
        float[] z = new SeededGaussianNoise(3).next(SIZE);
        List<float[]> noises = new ArrayList<>();
        NoiseSource gen = new SeededGaussianNoise(4);
        for (int k = 0; k < 2 * run.timesteps().length + 2; k++) noises.add(gen.next(SIZE));

        // The diffusers face: its own loop, with an epsilon model made from the same denoiser.
        IntFunction<Float> sigmaAt = modelSigmas(pair, run);
        float[] sigmas = run.sigmas();
        float sigma0 = sigmas[0];
        float[] x = new float[SIZE];
        for (int i = 0; i < SIZE; i++) x[i] = z[i] * (float) run.initNoiseSigma();
        ReplayNoise diffusersNoise = new ReplayNoise(noises);
        for (int i = 0; i < run.timesteps().length; i++) {
            float sigma = sigmaAt.apply(i);
            float[] xVe = x.clone();
            if (pair.variancePreserving()) {
                float scale = (float) Math.sqrt(1.0 + (double) sigma * sigma);
                for (int k = 0; k < SIZE; k++) xVe[k] = x[k] * scale;
            }
            float[] d = data.denoise(xVe, sigma);
            float[] eps = new float[SIZE];
            for (int k = 0; k < SIZE; k++) eps[k] = (xVe[k] - d[k]) / sigma;
            x = run.step(eps, i, x, diffusersNoise);
        }

        // The k-diffusion face on the same (de-duplicated) sigmas from the same state.
        List<Float> unique = new ArrayList<>();
        for (float s : sigmas) if (unique.isEmpty() || unique.get(unique.size() - 1) != s) unique.add(s);
        float[] ks = new float[unique.size()];
        for (int i = 0; i < ks.length; i++) ks[i] = unique.get(i);
        float[] start = new float[SIZE];
        float startScale = pair.variancePreserving() ? (float) Math.sqrt(1.0 + (double) sigma0 * sigma0) : (float) run.initNoiseSigma();
        for (int i = 0; i < SIZE; i++) start[i] = z[i] * startScale;
        float[] out = sampler(pair.sampler()).sample(data, start, Sigmas.of(ks),
                SamplingContext.of(new ReplayNoise(noises)).withOptions(pair.samplerOptions()));

        double worst = 0;
        for (int i = 0; i < SIZE; i++) worst = Math.max(worst, Math.abs(out[i] - x[i]) / Math.max(1, Math.abs(x[i])));
        return worst;
    }

    /** The sigma the diffusers loop evaluates the model at, by loop index. */
    private static IntFunction<Float> modelSigmas(Pair pair, SchedulerRun run) {
        float[] sigmas = run.sigmas();
        if (pair.diffusersClass().equals("KDPM2DiscreteScheduler")) {
            double[] interpol = run.internalSchedules().get("sigmas_interpol");
            return i -> i % 2 == 0 ? sigmas[i] : (float) interpol[i];
        }
        return i -> sigmas[i];
    }
}

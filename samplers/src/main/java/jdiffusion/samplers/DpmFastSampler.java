package jdiffusion.samplers;

import java.util.List;

/**
 * DPM-Solver-fast (Lu et al. 2022, Section 3.4): a fixed budget of n model evaluations spent on singlestep
 * steps of order 3 (finishing with order 2 and 1), uniform in t = -log sigma between sigma_max and sigma_min.
 * Given the common signature it takes sigma_max = sigmas[0], sigma_min = the last non-zero sigma and
 * n = sigmas.steps(), as ComfyUI's wrapper does, and returns x at sigma_min. Options {@code eta},
 * {@code s_noise} (eta > 0 adds ancestral noise).
 */
public final class DpmFastSampler extends KSampler {

    public DpmFastSampler() {
        super("dpm_fast", List.of(), "DPM-Solver-fast: fixed NFE budget in order-3 singlestep steps, uniform in log sigma",
                "eta", "s_noise");
    }

    @Override
    public boolean choosesOwnSteps() {
        return true;
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        if (sigmas.length <= 1) return x.clone();
        Range range = Range.of(sigmas, "dpm_fast");
        DpmSolver solver = new DpmSolver(r);
        return solver.fast(x, DpmSolver.t(range.sigmaMax()), DpmSolver.t(range.sigmaMin()), sigmas.length - 1,
                r.option("eta", 0.0), (float) r.option("s_noise", 1.0));
    }

    /** sigma_min and sigma_max derived from a schedule as ComfyUI's {@code ksampler} wrapper does. */
    record Range(float sigmaMin, float sigmaMax) {
        static Range of(float[] sigmas, String sampler) {
            float min = sigmas[sigmas.length - 1];
            if (min == 0) min = sigmas[sigmas.length - 2];
            float max = sigmas[0];
            if (min <= 0 || max <= 0) {
                throw new IllegalArgumentException(sampler + ": sigma_min and sigma_max must not be 0; got sigma_min = "
                        + min + ", sigma_max = " + max);
            }
            return new Range(min, max);
        }
    }
}

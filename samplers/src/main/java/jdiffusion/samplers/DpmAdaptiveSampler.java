package jdiffusion.samplers;

import java.util.List;

/**
 * DPM-Solver-12 and -23 with adaptive step size (Lu et al. 2022, Section 5): steps between sigma_max =
 * sigmas[0] and sigma_min = the last non-zero sigma, chosen by a PID controller on the error between the
 * orders ({@code order} 2 or 3, {@code rtol}, {@code atol}, {@code h_init}, {@code pcoeff}, {@code icoeff},
 * {@code dcoeff}, {@code accept_safety}, {@code eta}, {@code s_noise}). The number of sigmas only fixes the
 * range. Like the reference, the listener sees every attempt, with the state after it.
 */
public final class DpmAdaptiveSampler extends KSampler {

    public DpmAdaptiveSampler() {
        super("dpm_adaptive", List.of(), "DPM-Solver-12/23 with adaptive step size between the schedule's sigma_max and sigma_min",
                "order", "rtol", "atol", "h_init", "pcoeff", "icoeff", "dcoeff", "accept_safety", "eta", "s_noise");
    }

    @Override
    public boolean choosesOwnSteps() {
        return true;
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        if (sigmas.length <= 1) return x.clone();
        DpmFastSampler.Range range = DpmFastSampler.Range.of(sigmas, "dpm_adaptive");
        DpmSolver solver = new DpmSolver(r);
        return solver.adaptive(x, DpmSolver.t(range.sigmaMax()), DpmSolver.t(range.sigmaMin()),
                r.intOption("order", 3), r.option("rtol", 0.05), r.option("atol", 0.0078), r.option("h_init", 0.05),
                r.option("pcoeff", 0.0), r.option("icoeff", 1.0), r.option("dcoeff", 0.0), r.option("accept_safety", 0.81),
                r.option("eta", 0.0), (float) r.option("s_noise", 1.0));
    }
}

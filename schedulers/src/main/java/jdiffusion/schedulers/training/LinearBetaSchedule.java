package jdiffusion.schedulers.training;

import jdiffusion.core.schedule.BetaSchedule;

/**
 * Betas spaced linearly from {@code beta_start} to {@code beta_end} (Ho et al. 2020, "Denoising Diffusion
 * Probabilistic Models", section 4: 1e-4 to 0.02 over 1000 steps), float32 as {@code torch.linspace} makes them.
 */
public final class LinearBetaSchedule implements BetaSchedule {

    @Override
    public String name() {
        return "linear";
    }

    @Override
    public String description() {
        return "betas linear in t (Ho et al. 2020)";
    }

    @Override
    public float[] betas(int numTrainTimesteps, double betaStart, double betaEnd) {
        return TorchLinspace.float32(betaStart, betaEnd, numTrainTimesteps);
    }
}

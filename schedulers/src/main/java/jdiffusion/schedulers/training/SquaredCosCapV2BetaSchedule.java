package jdiffusion.schedulers.training;

import jdiffusion.core.schedule.BetaSchedule;

/**
 * The cosine schedule of Nichol &amp; Dhariwal (2021), "Improved Denoising Diffusion Probabilistic Models",
 * eq. 17: alpha-bar(t) = cos((t + s) / (1 + s) * pi / 2)^2 with s = 0.008, betas capped at 0.999.
 * {@code beta_start} and {@code beta_end} are unused.
 */
public final class SquaredCosCapV2BetaSchedule implements BetaSchedule {

    @Override
    public String name() {
        return "squaredcos_cap_v2";
    }

    @Override
    public String description() {
        return "cosine alpha-bar, betas capped at 0.999 (Nichol & Dhariwal 2021)";
    }

    @Override
    public float[] betas(int numTrainTimesteps, double betaStart, double betaEnd) {
        return AlphaBarBetas.betas(numTrainTimesteps, t -> {
            double c = StrictMath.cos((t + 0.008) / 1.008 * Math.PI / 2);
            return c * c;
        }, 0.999);
    }
}

package jdiffusion.schedulers.training;

import jdiffusion.core.schedule.BetaSchedule;

/**
 * The Laplace noise schedule of Hang &amp; Gu (2024), "Improved Noise Schedule for Diffusion Training":
 * log-SNR lambda(t) = -0.5 sign(0.5 - t) log(1 - 2|0.5 - t| + 1e-6), alpha-bar = sqrt(snr / (1 + snr)),
 * betas capped at 0.999.
 */
public final class LaplaceBetaSchedule implements BetaSchedule {

    @Override
    public String name() {
        return "laplace";
    }

    @Override
    public String description() {
        return "Laplace log-SNR schedule (Hang & Gu 2024)";
    }

    @Override
    public float[] betas(int numTrainTimesteps, double betaStart, double betaEnd) {
        return AlphaBarBetas.betas(numTrainTimesteps, t -> {
            double lmb = -0.5 * Math.copySign(1.0, 0.5 - t) * StrictMath.log(1 - 2 * Math.abs(0.5 - t) + 1e-6);
            double snr = StrictMath.exp(lmb);
            return Math.sqrt(snr / (1 + snr));
        }, 0.999);
    }
}

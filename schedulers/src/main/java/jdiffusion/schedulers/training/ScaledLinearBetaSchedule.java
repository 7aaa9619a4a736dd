package jdiffusion.schedulers.training;

import jdiffusion.core.schedule.BetaSchedule;

/**
 * Stable Diffusion's schedule: sqrt(beta) linear from sqrt(beta_start) to sqrt(beta_end), then squared
 * (the square roots in double, the ramp and the square in float32, as diffusers computes them).
 */
public final class ScaledLinearBetaSchedule implements BetaSchedule {

    @Override
    public String name() {
        return "scaled_linear";
    }

    @Override
    public String description() {
        return "sqrt(beta) linear in t, squared (Stable Diffusion)";
    }

    @Override
    public float[] betas(int numTrainTimesteps, double betaStart, double betaEnd) {
        float[] b = TorchLinspace.float32(Math.sqrt(betaStart), Math.sqrt(betaEnd), numTrainTimesteps);
        for (int i = 0; i < b.length; i++) {
            b[i] = b[i] * b[i];
        }
        return b;
    }
}

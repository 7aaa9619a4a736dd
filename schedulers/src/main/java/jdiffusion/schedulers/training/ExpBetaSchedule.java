package jdiffusion.schedulers.training;

import jdiffusion.core.schedule.BetaSchedule;

/** alpha-bar(t) = exp(-12 t), betas capped at 0.999 (diffusers' {@code "exp"} schedule). */
public final class ExpBetaSchedule implements BetaSchedule {

    @Override
    public String name() {
        return "exp";
    }

    @Override
    public String description() {
        return "alpha-bar = exp(-12 t), betas capped at 0.999";
    }

    @Override
    public float[] betas(int numTrainTimesteps, double betaStart, double betaEnd) {
        return AlphaBarBetas.betas(numTrainTimesteps, t -> StrictMath.exp(t * -12.0), 0.999);
    }
}

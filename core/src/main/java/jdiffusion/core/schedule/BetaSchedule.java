package jdiffusion.core.schedule;

import jdiffusion.core.Named;

/**
 * A named family of training beta schedules ({@code linear}, {@code scaled_linear},
 * {@code squaredcos_cap_v2}, {@code sigmoid}, ...), as diffusers' {@code beta_schedule} option names them.
 */
public interface BetaSchedule extends Named {

    /** The float32 betas for {@code numTrainTimesteps} steps between {@code betaStart} and {@code betaEnd}. */
    float[] betas(int numTrainTimesteps, double betaStart, double betaEnd);
}

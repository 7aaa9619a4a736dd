package jdiffusion.core.sampling;

import jdiffusion.core.Named;

/**
 * A reverse-process algorithm (Euler, DPM++ 2M, ...) in k-diffusion's form: given a denoiser, a latent
 * already scaled to {@code sigmas.first()} and a sigma schedule, it returns the sample at
 * {@code sigmas.last()}.
 *
 * <p>No state outlives a call, so one instance serves many threads; history that multistep methods need
 * lives in local variables of the call. Randomness comes only from {@link SamplingContext#noise()}; the
 * listener is called once per step.
 */
public interface Sampler extends Named {

    /** Runs the sampler. {@code x} is not modified. */
    float[] sample(Denoiser denoiser, float[] x, Sigmas sigmas, SamplingContext context);

    /** Whether the sampler draws noise (ancestral and SDE samplers). */
    default boolean isStochastic() {
        return false;
    }

    /**
     * Whether the sampler chooses its own steps within the range the sigmas span (DPM-Solver-fast,
     * DPM-Solver adaptive, restart sampling) instead of stepping through them one by one; its listener is then
     * called once per step it takes, which need not be {@code sigmas.steps()}.
     */
    default boolean choosesOwnSteps() {
        return false;
    }

    /**
     * Whether the sampler solves a stochastic differential equation whose noise should come from a Brownian
     * motion (a noise source answering {@link NoiseSource#next(int, float, float)} consistently for overlapping
     * intervals, such as a Brownian tree), as k-diffusion's DPM-Solver++ SDE samplers do by default.
     */
    default boolean prefersBrownianNoise() {
        return false;
    }

    /** Whether it needs {@link Denoiser#denoiseGuided} (the CFG++ family). */
    default boolean needsUnconditional() {
        return false;
    }
}

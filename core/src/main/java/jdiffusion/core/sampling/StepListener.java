package jdiffusion.core.sampling;

/**
 * Told about each sampler step, as k-diffusion's callback: for progress bars, previews and tests.
 * Throwing {@link SamplingCancelledException} stops the run.
 */
@FunctionalInterface
public interface StepListener {

    void onStep(Step step);

    /** A listener that ignores every step. */
    StepListener NONE = step -> { };

    /**
     * One step. {@code x} is the state the model was evaluated at in step {@code index} (before the update),
     * {@code denoised} the model's estimate there; both are the sampler's own arrays and must not be modified.
     * {@code total} is the number of steps planned, or -1 where the sampler does not know it in advance
     * (adaptive step sizes). A few samplers report what their reference implementation's callback reports
     * (documented on the sampler), e.g. the state after the update for DPM-Solver adaptive.
     */
    record Step(int index, int total, float sigma, float sigmaHat, float[] x, float[] denoised) {
    }
}

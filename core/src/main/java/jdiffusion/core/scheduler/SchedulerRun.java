package jdiffusion.core.scheduler;

import jdiffusion.core.sampling.NoiseSource;

/**
 * One sampling run of a diffusers-compatible scheduler: the schedule {@code set_timesteps} produced and
 * the state multistep methods carry between steps. Used by one thread; the loop is
 *
 * <pre>
 * x = x_T * initNoiseSigma()
 * for i in 0 .. timesteps().length - 1:
 *     out = model(scaleModelInput(x, i), timesteps()[i])
 *     x   = step(out, i, x, noise)
 * </pre>
 */
public interface SchedulerRun {

    /** The timesteps the model is evaluated at, one per step (as doubles; integer classes hold whole numbers). */
    double[] timesteps();

    /** The noise levels, or null for classes without sigmas (DDPM, DDIM, PNDM, LCM, TCD, IPNDM). */
    float[] sigmas();

    /** The factor applied to unit-variance noise to form the initial latent. */
    double initNoiseSigma();

    /** Scales the model input at step {@code i} (diffusers' {@code scale_model_input}); returns a new array. */
    float[] scaleModelInput(float[] sample, int i);

    /**
     * One step from the model output at step {@code i}: diffusers' {@code step(...).prev_sample}.
     * Noise, where the method needs it, is drawn from {@code noise} in diffusers' order.
     */
    float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise);

    /**
     * diffusers' {@code scheduler.order}: model evaluations per step (2 for Heun and DPM2), which is how far
     * img2img moves into {@link #timesteps()} per skipped step.
     */
    default int order() {
        return 1;
    }

    /**
     * The forward process as this scheduler defines it: {@code original} noised to the level of step
     * {@code i} with standard-normal {@code noise} (diffusers' {@code add_noise} with the timestep of step
     * {@code i}, or {@code scale_noise} for flow matching). Used by img2img and inpainting.
     */
    default float[] addNoise(float[] original, float[] noise, int i) {
        throw new UnsupportedOperationException(getClass().getName() + " does not implement add_noise (needed for img2img and inpainting)");
    }
}

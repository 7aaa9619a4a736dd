package jdiffusion.core.sampling;

import jdiffusion.core.schedule.ModelSampling;

/**
 * The model as a k-diffusion sampler sees it: {@code D(x; sigma)}, the estimate of the clean sample
 * given a noisy sample at noise level sigma (Karras et al. 2022, eq. 2-3). The model's own
 * parameterisation (epsilon, v, flow) is converted once, here, never inside samplers.
 *
 * <p>Arrays are flat float32 latents in row-major order; the batch dimension, if any, is the caller's.
 */
public interface Denoiser {

    /** D(x; sigma). Must not modify {@code x}. */
    float[] denoise(float[] x, float sigma);

    /** How sigmas relate to the model's timesteps and what it predicts. */
    ModelSampling modelSampling();

    /**
     * The guided estimate together with the unconditional branch's, for CFG++ samplers (Chung et al. 2024).
     * Denoisers without classifier-free guidance do not support it.
     */
    default Guided denoiseGuided(float[] x, float sigma) {
        throw new UnsupportedOperationException("this denoiser has no unconditional branch (CFG++ samplers need one)");
    }

    /** A guided estimate and the unconditional estimate it was mixed from. */
    record Guided(float[] denoised, float[] uncondDenoised) {
    }
}

package jdiffusion.core.schedule;

/**
 * How a model's discrete timesteps (or flow times) map to noise levels sigma, and what the model predicts:
 * what k-diffusion's model wrappers and ComfyUI's {@code model_sampling} objects provide.
 */
public interface ModelSampling {

    Parameterization parameterization();

    /** The smallest and largest sigma the model was trained on. */
    float sigmaMin();

    float sigmaMax();

    /**
     * The model's timestep for a sigma: what the network is conditioned on. Discrete models answer as ComfyUI
     * does (the index of the nearest table entry in log sigma); continuous ones may return fractions.
     */
    double timestep(double sigma);

    /** The sigma for a (possibly fractional) timestep, interpolating the table in log sigma where discrete. */
    double sigma(double timestep);

    /**
     * Sigma at a fraction of the way through sampling, as ComfyUI's {@code percent_to_sigma}: 0 is the
     * noisiest end, 1 the clean end.
     */
    double percentToSigma(double percent);

    /** The training table of sigmas, ascending by timestep, or an empty array for continuous models. */
    float[] sigmaTable();

    /**
     * Whether sigma is a rectified-flow time in [0, 1] (x = (1 - sigma) x0 + sigma eps, ComfyUI's {@code CONST})
     * rather than a variance-exploding noise level (x = x0 + sigma eps).
     */
    default boolean isFlow() {
        return parameterization() == Parameterization.FLOW;
    }

    /**
     * A clean latent noised to {@code sigma}, as ComfyUI's {@code noise_scaling} (float32, in its order of
     * operations): {@code noise * sigma + latent}, or {@code sigma * noise + (1 - sigma) * latent} for flow models.
     * Neither array is modified.
     */
    default float[] noiseScaling(float sigma, float[] noise, float[] latent) {
        if (noise.length != latent.length) {
            throw new IllegalArgumentException("noise has " + noise.length + " values, latent " + latent.length);
        }
        float[] out = new float[noise.length];
        if (isFlow()) {
            float keep = 1.0f - sigma;
            for (int i = 0; i < out.length; i++) out[i] = sigma * noise[i] + keep * latent[i];
        } else {
            for (int i = 0; i < out.length; i++) out[i] = noise[i] * sigma + latent[i];
        }
        return out;
    }
}

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

    /** The model's timestep for a sigma (fractional where sigma falls between table entries). */
    double timestep(double sigma);

    /** The sigma for a (possibly fractional) timestep. */
    double sigma(double timestep);

    /**
     * Sigma at a fraction of the way through sampling, as ComfyUI's {@code percent_to_sigma}: 0 is the
     * noisiest end, 1 the clean end.
     */
    double percentToSigma(double percent);

    /** The training table of sigmas, ascending by timestep, or an empty array for continuous models. */
    float[] sigmaTable();
}

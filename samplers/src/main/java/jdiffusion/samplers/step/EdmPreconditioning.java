package jdiffusion.samplers.step;

/**
 * The network preconditioning of Karras et al. (2022), "Elucidating the Design Space of Diffusion-Based
 * Generative Models", Table 1: c_in = 1 / sqrt(sigma^2 + sigma_data^2), c_skip = sigma_data^2 /
 * (sigma^2 + sigma_data^2), c_out = sigma sigma_data / sqrt(sigma^2 + sigma_data^2) (negated for
 * v-prediction), c_noise = log(sigma) / 4.
 */
public final class EdmPreconditioning {

    private EdmPreconditioning() {
    }

    /** The network input c_in x. */
    public static float[] input(float[] sample, float sigma, double sigmaData) {
        float sd2 = (float) (sigmaData * sigmaData);
        float cIn = 1 / Float32Math.sqrt(sigma * sigma + sd2);
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) out[i] = sample[i] * cIn;
        return out;
    }

    /** The denoised D(x) = c_skip x + c_out F(x); {@code velocity} negates c_out. */
    public static float[] output(float[] sample, float[] modelOutput, float sigma, double sigmaData, boolean velocity) {
        float sd2 = (float) (sigmaData * sigmaData);
        float cSkip = sd2 / (sigma * sigma + sd2);
        float s = velocity ? -sigma : sigma;
        float cOut = s * (float) sigmaData / Float32Math.sqrt(sigma * sigma + sd2);
        return Terms.of(cSkip, sample).plus(cOut, modelOutput).get();
    }

    /** The noise conditioning c_noise = log(sigma) / 4. */
    public static float noise(float sigma) {
        return 0.25f * Float32Math.log(sigma);
    }
}

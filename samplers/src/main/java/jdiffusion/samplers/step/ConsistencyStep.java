package jdiffusion.samplers.step;

/**
 * Consistency-model sampling in the alpha-bar form: the boundary-condition parameterisation of Song et
 * al. (2023), "Consistency Models", as used by Luo et al. (2023), "Latent Consistency Models" (LCM), and the
 * strategic stochastic step of Zheng et al. (2024), "Trajectory Consistency Distillation" (TCD).
 */
public final class ConsistencyStep {

    private ConsistencyStep() {
    }

    /**
     * LCM's boundary scalings at timestep t: with s = t * timestepScaling and sigma_data = 0.5,
     * c_skip = sigma_data^2 / (s^2 + sigma_data^2), c_out = s / sqrt(s^2 + sigma_data^2).
     */
    public static float[] boundaryScalings(float timestep, double timestepScaling) {
        float s = timestep * (float) timestepScaling;
        float cSkip = 0.25f / (s * s + 0.25f);
        float cOut = s / Float32Math.sqrt(s * s + 0.25f);
        return new float[] {cSkip, cOut};
    }

    /** denoised = c_out x0 + c_skip x. */
    public static float[] denoise(float[] x0, float[] sample, float cSkip, float cOut) {
        return Terms.of(cOut, x0).plus(cSkip, sample).get();
    }

    /** The LCM re-noising: sqrt(alpha-bar_prev) denoised + sqrt(1 - alpha-bar_prev) noise. */
    public static float[] renoise(float[] denoised, float alphaProdPrev, float[] noise) {
        return Terms.of(Float32Math.sqrt(alphaProdPrev), denoised).plus(Float32Math.sqrt(1 - alphaProdPrev), noise).get();
    }

    /**
     * TCD's move from t to s and then to the previous timestep: x_s = sqrt(alpha-bar_s) x0
     * + sqrt(1 - alpha-bar_s) eps, then with noise, sqrt(alpha-bar_prev / alpha-bar_s) x_s
     * + sqrt(1 - alpha-bar_prev / alpha-bar_s) z.
     */
    public static float[] tcdNoised(float[] x0, float[] eps, float alphaProdS) {
        return Terms.of(Float32Math.sqrt(alphaProdS), x0).plus(Float32Math.sqrt(1 - alphaProdS), eps).get();
    }

    /** The stochastic part of the TCD step. */
    public static float[] tcdRenoise(float[] noised, float alphaProdPrev, float alphaProdS, float[] noise) {
        float ratio = alphaProdPrev / alphaProdS;
        return Terms.of(Float32Math.sqrt(ratio), noised).plus(Float32Math.sqrt(1 - alphaProdPrev / alphaProdS), noise).get();
    }
}

package jdiffusion.samplers.step;

/**
 * Ancestral sampling of Ho et al. (2020), "Denoising Diffusion Probabilistic Models": the posterior
 * q(x_{t-1} | x_t, x0) of eq. 6-7, with mean coefficients sqrt(alpha-bar_{t-1}) beta_t / (1 - alpha-bar_t)
 * on x0 and sqrt(alpha_t) (1 - alpha-bar_{t-1}) / (1 - alpha-bar_t) on x_t, and variance
 * beta-tilde_t = (1 - alpha-bar_{t-1}) / (1 - alpha-bar_t) beta_t ("fixed_small") or beta_t ("fixed_large").
 * Here beta_t and alpha_t are those of the jump from t to the previous inference timestep:
 * alpha_t = alpha-bar_t / alpha-bar_{t-1}.
 */
public final class DdpmStep {

    private DdpmStep() {
    }

    /** The posterior mean from x0 and x_t. */
    public static float[] posteriorMean(float[] x0, float[] sample, float alphaProdT, float alphaProdPrev) {
        float betaProdT = 1 - alphaProdT;
        float betaProdPrev = 1 - alphaProdPrev;
        float currentAlpha = alphaProdT / alphaProdPrev;
        float currentBeta = 1 - currentAlpha;
        float x0Coeff = (Float32Math.sqrt(alphaProdPrev) * currentBeta) / betaProdT;
        float sampleCoeff = Float32Math.sqrt(currentAlpha) * betaProdPrev / betaProdT;
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x0Coeff * x0[i] + sampleCoeff * sample[i];
        }
        return out;
    }

    /** beta_t of the jump: 1 - alpha-bar_t / alpha-bar_{t-1}. */
    public static float beta(float alphaProdT, float alphaProdPrev) {
        return 1 - alphaProdT / alphaProdPrev;
    }

    /** The posterior variance beta-tilde_t, clamped below at 1e-20. */
    public static float posteriorVariance(float alphaProdT, float alphaProdPrev) {
        float currentBeta = beta(alphaProdT, alphaProdPrev);
        float variance = (1 - alphaProdPrev) / (1 - alphaProdT) * currentBeta;
        return Math.max(variance, 1e-20f);
    }

    /** x_{t-1} = mean + std_i noise_i, a standard deviation per element (a learned variance). */
    public static float[] addNoise(float[] mean, float[] std, float[] noise) {
        float[] out = new float[mean.length];
        for (int i = 0; i < out.length; i++) out[i] = mean[i] + std[i] * noise[i];
        return out;
    }

    /** x_{t-1} = mean + std noise. */
    public static float[] addNoise(float[] mean, float std, float[] noise) {
        float[] out = new float[mean.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = mean[i] + std * noise[i];
        }
        return out;
    }
}

package jdiffusion.samplers.step;

/**
 * The Euler step of Karras et al. (2022), "Elucidating the Design Space of Diffusion-Based Generative
 * Models", Algorithm 2: optional churn (raise sigma to sigma-hat = sigma (1 + gamma) by adding noise), then
 * d = (x - D(x; sigma-hat)) / sigma-hat and x_next = x + d (sigma_next - sigma-hat).
 */
public final class EulerStep {

    private EulerStep() {
    }

    /**
     * gamma = min(s_churn / steps, sqrt(2) - 1) when s_tmin &lt;= sigma &lt;= s_tmax, else 0
     * (steps = number of sigmas minus one).
     */
    public static double churnGamma(double sChurn, int steps, double sTmin, double sTmax, float sigma) {
        return ((float) sTmin <= sigma && sigma <= (float) sTmax) ? Math.min(sChurn / steps, Math.sqrt(2) - 1) : 0.0;
    }

    /** x + (noise s_noise) sqrt(sigma-hat^2 - sigma^2): the churn of Algorithm 2, line 6. */
    public static float[] churn(float[] sample, float[] noise, float sNoise, float sigma, float sigmaHat) {
        float c = Float32Math.sqrt(sigmaHat * sigmaHat - sigma * sigma);
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sample[i] + (noise[i] * sNoise) * c;
        }
        return out;
    }

    /** d = (x - x0) / sigma: the probability-flow ODE derivative of Karras et al. eq. 3. */
    public static float[] derivative(float[] sample, float[] x0, float sigma) {
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (sample[i] - x0[i]) / sigma;
        }
        return out;
    }

    /** x + d dt. */
    public static float[] advance(float[] sample, float[] derivative, float dt) {
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sample[i] + derivative[i] * dt;
        }
        return out;
    }

    /** One Euler step from x0 = D(x; sigma-hat): x + ((x - x0) / sigma-hat) (sigma_next - sigma-hat). */
    public static float[] step(float[] sample, float[] x0, float sigmaHat, float sigmaNext) {
        return advance(sample, derivative(sample, x0, sigmaHat), sigmaNext - sigmaHat);
    }
}

package jdiffusion.samplers.step;

/**
 * Conversions between what a network predicts and the clean sample x0 for the variance-preserving forward
 * process x_t = alpha_t x0 + sigma_t eps (Ho et al. 2020; v-prediction of Salimans &amp; Ho 2022,
 * "Progressive Distillation for Fast Sampling of Diffusion Models", v = alpha_t eps - sigma_t x0).
 * {@code alpha} and {@code sigma} are alpha_t = sqrt(alpha-bar_t) and sigma_t = sqrt(1 - alpha-bar_t).
 */
public final class VpParameterization {

    private VpParameterization() {
    }

    /** x0 = (x - sigma eps) / alpha. */
    public static float[] x0FromEpsilon(float[] sample, float[] eps, float alpha, float sigma) {
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (sample[i] - sigma * eps[i]) / alpha;
        }
        return out;
    }

    /** x0 = alpha x - sigma v. */
    public static float[] x0FromVelocity(float[] sample, float[] v, float alpha, float sigma) {
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = alpha * sample[i] - sigma * v[i];
        }
        return out;
    }

    /** eps = (x - alpha x0) / sigma. */
    public static float[] epsilonFromX0(float[] sample, float[] x0, float alpha, float sigma) {
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (sample[i] - alpha * x0[i]) / sigma;
        }
        return out;
    }

    /** eps = alpha v + sigma x. */
    public static float[] epsilonFromVelocity(float[] sample, float[] v, float alpha, float sigma) {
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = alpha * v[i] + sigma * sample[i];
        }
        return out;
    }

    /** The forward process x_t = alpha x0 + sigma eps. */
    public static float[] noise(float[] x0, float[] eps, float alpha, float sigma) {
        float[] out = new float[x0.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = alpha * x0[i] + sigma * eps[i];
        }
        return out;
    }

    /** The velocity target v = alpha eps - sigma x0. */
    public static float[] velocity(float[] x0, float[] eps, float alpha, float sigma) {
        float[] out = new float[x0.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = alpha * eps[i] - sigma * x0[i];
        }
        return out;
    }
}

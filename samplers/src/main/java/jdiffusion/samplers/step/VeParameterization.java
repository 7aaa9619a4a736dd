package jdiffusion.samplers.step;

/**
 * Conversions to the clean sample x0 in the variance-exploding form x = x0 + sigma eps used by the Karras
 * et al. (2022) samplers, where the network sees x / sqrt(sigma^2 + 1).
 */
public final class VeParameterization {

    private VeParameterization() {
    }

    /** x0 = x - sigma eps. */
    public static float[] x0FromEpsilon(float[] sample, float[] eps, float sigma) {
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sample[i] - sigma * eps[i];
        }
        return out;
    }

    /** x0 = v (-sigma / sqrt(sigma^2 + 1)) + x / (sigma^2 + 1), v-prediction seen in the VE form. */
    public static float[] x0FromVelocity(float[] sample, float[] v, float sigma) {
        float s2p1 = sigma * sigma + 1;
        float c = -sigma / Float32Math.sqrt(s2p1);
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = v[i] * c + sample[i] / s2p1;
        }
        return out;
    }

    /** The network input x / sqrt(sigma^2 + 1). */
    public static float[] scaleInput(float[] sample, float sigma) {
        float d = Float32Math.sqrt(sigma * sigma + 1);
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sample[i] / d;
        }
        return out;
    }

    /** The forward process x = x0 + noise sigma. */
    public static float[] noise(float[] x0, float[] noise, float sigma) {
        float[] out = new float[x0.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x0[i] + noise[i] * sigma;
        }
        return out;
    }
}

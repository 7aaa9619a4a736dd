package jdiffusion.samplers.step;

/**
 * The improved pseudo numerical method (iPNDM) of Zhang &amp; Chen (2023), "Fast Sampling of Diffusion
 * Models with Exponential Integrator", section 4: PLMS (Liu et al. 2022) on the continuous schedule
 * alpha = cos(pi t / 2), sigma = sin(pi t / 2), combining e = x sigma + F alpha with the Adams-Bashforth
 * weights of {@link PlmsStep#combine}.
 */
public final class IpndmStep {

    private IpndmStep() {
    }

    /** The quantity the method extrapolates: e = x sigma + F alpha. */
    public static float[] estimate(float[] sample, float[] modelOutput, float sigma, float alpha) {
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) out[i] = sample[i] * sigma + modelOutput[i] * alpha;
        return out;
    }

    /**
     * The transfer: pred = (x - sigma e) / max(alpha, 1e-8), x_next = alpha_next pred + e sigma_next.
     */
    public static float[] transfer(float[] sample, float[] e, float alpha, float sigma, float alphaNext, float sigmaNext) {
        // Python's max(alpha, 1e-8): the float wins only when it is strictly greater
        float denom = 1e-8 > alpha ? (float) 1e-8 : alpha;
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) {
            float pred = (sample[i] - sigma * e[i]) / denom;
            out[i] = alphaNext * pred + e[i] * sigmaNext;
        }
        return out;
    }
}

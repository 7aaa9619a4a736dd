package jdiffusion.samplers.step;

import java.util.List;

/**
 * The linear multistep method of k-diffusion's {@code sample_lms}: x_next = x + sum_k c_k d_{i-k}, where
 * the derivatives d of the probability-flow ODE (Karras et al. 2022, eq. 3) at the last {@code order}
 * sigmas are combined with c_k = the integral from sigma_i to sigma_{i+1} of the Lagrange basis
 * polynomial of node k, integrated numerically as {@code scipy.integrate.quad} does (relative accuracy
 * 1e-4), the polynomial evaluated in float32.
 */
public final class LmsStep {

    private LmsStep() {
    }

    /** c_k for {@code currentOrder} = k at step {@code t} of {@code sigmas}. */
    public static double coefficient(float[] sigmas, int order, int t, int currentOrder) {
        return GaussKronrod.integrate(tau -> {
            if (order == 1) return 1.0;
            float tf = (float) tau;
            float prod = 0;
            boolean first = true;
            for (int k = 0; k < order; k++) {
                if (k == currentOrder) continue;
                float factor = (tf - sigmas[t - k]) / (sigmas[t - currentOrder] - sigmas[t - k]);
                prod = first ? factor : prod * factor;
                first = false;
            }
            return prod;
        }, sigmas[t], sigmas[t + 1], 1.49e-8, 1e-4, 50);
    }

    /** x + sum_k (float) c_k d_{newest - k}; {@code derivatives} oldest first. */
    public static float[] step(float[] sample, double[] coeffs, List<float[]> derivatives) {
        int n = sample.length;
        float[] sum = null;
        for (int k = 0; k < coeffs.length; k++) {
            float c = (float) coeffs[k];
            float[] d = derivatives.get(derivatives.size() - 1 - k);
            if (sum == null) {
                sum = new float[n];
                for (int i = 0; i < n; i++) sum[i] = c * d[i];
            } else {
                for (int i = 0; i < n; i++) sum[i] = sum[i] + c * d[i];
            }
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = sample[i] + sum[i];
        return out;
    }
}

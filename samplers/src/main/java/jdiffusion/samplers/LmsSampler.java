package jdiffusion.samplers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The linear multistep method (Adams-Bashforth with variable steps) on the probability-flow ODE in sigma,
 * k-diffusion's {@code sample_lms}: the coefficient of each past slope is the integral over the step of its
 * Lagrange basis polynomial through the past sigmas ({@code order}, default 4). As in ComfyUI, the last step
 * to sigma = 0 returns the denoised estimate.
 */
public final class LmsSampler extends KSampler {

    public LmsSampler() {
        super("lms", List.of(), "Linear multistep (Adams-Bashforth in sigma), order 4 by default", "order");
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        int order = r.intOption("order", 4);
        if (order < 1) throw r.options().invalid("order", order, "an integer >= 1");
        Deque<float[]> ds = new ArrayDeque<>();
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised = r.denoise(x, sigmas[i]);
            ds.addLast(V.toD(x, sigmas[i], denoised));
            if (ds.size() > order) ds.removeFirst();
            r.step(i, sigmas[i], sigmas[i], x, denoised);
            if (sigmas[i + 1] == 0) {
                x = denoised;
                continue;
            }
            int curOrder = Math.min(i + 1, order);
            List<float[]> newestFirst = new ArrayList<>(ds.reversed());
            float[] sum = null;
            for (int j = 0; j < curOrder; j++) {
                float c = (float) coefficient(curOrder, sigmas, i, j);
                float[] term = V.mul(newestFirst.get(j), c);
                sum = sum == null ? term : V.add(sum, term);
            }
            x = V.add(x, sum);
        }
        return x;
    }

    /**
     * The integral over [t_i, t_i+1] of prod_{k != j} (tau - t_{i-k}) / (t_{i-j} - t_{i-k}). The differences in
     * the denominators are taken in float32 and the rest in double, as ComfyUI's numpy arithmetic (float32
     * sigmas promoted by Python floats); the polynomial has degree below 4, so 4-point Gauss-Legendre quadrature
     * is exact. (The diffusers face's {@code LmsStep} evaluates the polynomial on float32 tensors, as diffusers
     * does, which rounds differently, so the two faces keep separate coefficients.)
     */
    static double coefficient(int order, float[] t, int i, int j) {
        double a = t[i];
        double b = t[i + 1];
        double half = (b - a) / 2;
        double mid = (a + b) / 2;
        double sum = 0;
        for (int q = 0; q < GAUSS_NODES.length; q++) {
            double tau = mid + half * GAUSS_NODES[q];
            double prod = 1.0;
            for (int k = 0; k < order; k++) {
                if (k == j) continue;
                float denom = t[i - j] - t[i - k];
                prod *= (tau - t[i - k]) / denom;
            }
            sum += GAUSS_WEIGHTS[q] * prod;
        }
        return sum * half;
    }

    private static final double[] GAUSS_NODES = {
            -0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
    private static final double[] GAUSS_WEIGHTS = {
            0.34785484513745385, 0.6521451548625461, 0.6521451548625461, 0.34785484513745385};
}

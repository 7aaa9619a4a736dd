package jdiffusion.samplers.step;

import java.util.List;

/**
 * The unified predictor-corrector of Zhao et al. (2023), "UniPC: A Unified Predictor-Corrector Framework
 * for Fast Sampling of Diffusion Models": UniP-p (Algorithm 1) and UniC-p (Algorithm 2) with the B(h)
 * choices bh1 (B(h) = h) and bh2 (B(h) = e^h - 1), for data (x0) or noise prediction, in diffusers' order
 * of operations.
 *
 * <p>Noise levels are given as arrays of (alpha, sigma) pairs: index 0 is the point stepped to, index 1
 * the point stepped from (s0), index i + 1 the earlier point s_i whose model output is
 * {@code previous.get(i - 1)}.
 */
public final class UniPcStep {

    private UniPcStep() {
    }

    /** The B(h) of the method. */
    public enum Variant { BH1, BH2 }

    /** The coefficients shared by predictor and corrector. */
    private record Setup(float hh, float hPhi1, float bH, float[] rks, float[][] r, float[] b, float[][] d1s) {
    }

    private static Setup setup(boolean predictX0, Variant variant, int order, float[] m0, List<float[]> previous,
                               float[] alpha, float[] sigma) {
        float lambdaT = Float32Math.log(alpha[0]) - Float32Math.log(sigma[0]);
        float lambdaS0 = Float32Math.log(alpha[1]) - Float32Math.log(sigma[1]);
        float h = lambdaT - lambdaS0;
        float[] rks = new float[order];
        float[][] d1s = new float[order - 1][];
        for (int i = 1; i < order; i++) {
            float lambdaSi = Float32Math.log(alpha[i + 1]) - Float32Math.log(sigma[i + 1]);
            float rk = (lambdaSi - lambdaS0) / h;
            rks[i - 1] = rk;
            float[] mi = previous.get(i - 1);
            float[] d = new float[m0.length];
            for (int k = 0; k < d.length; k++) d[k] = (mi[k] - m0[k]) / rk;
            d1s[i - 1] = d;
        }
        rks[order - 1] = 1f;
        float hh = predictX0 ? -h : h;
        float hPhi1 = Float32Math.expm1(hh);
        float hPhiK = hPhi1 / hh - 1;
        long factorial = 1;
        float bH = variant == Variant.BH1 ? hh : Float32Math.expm1(hh);
        float[][] r = new float[order][order];
        float[] b = new float[order];
        for (int i = 1; i <= order; i++) {
            for (int k = 0; k < order; k++) r[i - 1][k] = Float32Math.pow(rks[k], i - 1);
            b[i - 1] = hPhiK * (float) factorial / bH;
            factorial *= i + 1;
            hPhiK = hPhiK / hh - (float) (1.0 / factorial);
        }
        return new Setup(hh, hPhi1, bH, rks, r, b, d1s);
    }

    /** sum_k rho_k D_k, accumulated from k = 0. */
    private static float[] weighted(float[] rhos, float[][] d1s, int count) {
        float[] out = new float[d1s[0].length];
        for (int k = 0; k < count; k++) {
            for (int i = 0; i < out.length; i++) out[i] = k == 0 ? rhos[0] * d1s[0][i] : out[i] + rhos[k] * d1s[k][i];
        }
        return out;
    }

    /** The first two terms: x_t_ = (sigma_t / sigma_s0) x - alpha_t h phi_1 m0 (or its noise-prediction form). */
    private static float[] base(boolean predictX0, float[] x, float[] m0, float[] alpha, float[] sigma, float hPhi1) {
        if (predictX0) return Terms.of(sigma[0] / sigma[1], x).minus(alpha[0] * hPhi1, m0).get();
        return Terms.of(alpha[0] / alpha[1], x).minus(sigma[0] * hPhi1, m0).get();
    }

    /**
     * UniP-p: the predictor from s0 to t, {@code order} &gt;= 1. With order 2 the weight of the single
     * difference is 1/2; higher orders solve the order-1 system for the weights.
     */
    public static float[] predictor(boolean predictX0, Variant variant, int order, float[] x, float[] m0,
                                    List<float[]> previous, float[] alpha, float[] sigma) {
        Setup s = setup(predictX0, variant, order, m0, previous, alpha, sigma);
        float[] xt = base(predictX0, x, m0, alpha, sigma, s.hPhi1);
        float c = (predictX0 ? alpha[0] : sigma[0]) * s.bH;
        if (order == 1) {
            // diffusers subtracts c * 0, which is NaN when c is not finite
            float zero = c * 0f;
            for (int i = 0; i < xt.length; i++) xt[i] = xt[i] - zero;
            return xt;
        }
        float[] rhos;
        if (order == 2) {
            rhos = new float[] {0.5f};
        } else {
            float[][] r = new float[order - 1][order - 1];
            float[] b = new float[order - 1];
            for (int i = 0; i < order - 1; i++) {
                System.arraycopy(s.r[i], 0, r[i], 0, order - 1);
                b[i] = s.b[i];
            }
            // R[:-1, :-1] is a strided view in diffusers, which PyTorch factorises as it is
            rhos = SmallLinearSolve.solve(r, b);
        }
        float[] res = weighted(rhos, s.d1s, order - 1);
        return Terms.of(xt).minus(c, res).get();
    }

    /**
     * UniC-p: corrects the sample at t (reached from {@code lastSample} at s0) with the model output
     * {@code modelT} there; m0 is the output at s0.
     */
    public static float[] corrector(boolean predictX0, Variant variant, int order, float[] lastSample, float[] modelT,
                                    float[] m0, List<float[]> previous, float[] alpha, float[] sigma) {
        Setup s = setup(predictX0, variant, order, m0, previous, alpha, sigma);
        float[] xt = base(predictX0, lastSample, m0, alpha, sigma, s.hPhi1);
        // the full R is contiguous, which PyTorch solves through the LU factors of its transpose
        float[] rhos = order == 1 ? new float[] {0.5f} : SmallLinearSolve.solveTransposed(s.r, s.b);
        float last = rhos[rhos.length - 1];
        float[] corr = order > 1 ? weighted(rhos, s.d1s, order - 1) : null;
        float c = (predictX0 ? alpha[0] : sigma[0]) * s.bH;
        float[] out = new float[xt.length];
        for (int i = 0; i < out.length; i++) {
            float d1t = modelT[i] - m0[i];
            float inner = corr == null ? last * d1t : corr[i] + last * d1t;
            out[i] = xt[i] - c * inner;
        }
        return out;
    }
}

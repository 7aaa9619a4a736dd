package jdiffusion.samplers.step;

/**
 * The multistep DEIS sampler of Zhang &amp; Chen (2023), "Fast Sampling of Diffusion Models with Exponential
 * Integrator": Adams-Bashforth in rho = sigma / alpha with log-rho polynomial extrapolation of eps
 * ("logrho"), x_t = alpha_t (x_s / alpha_s + sum_k c_k eps_k), the coefficients c_k the integrals of the
 * Lagrange basis in log rho, in closed form. The logarithms of the rho values are supplied by the caller
 * (so the caller decides how they are rounded).
 */
public final class DeisStep {

    private DeisStep() {
    }

    /** The second-order update; m0 at s0 (newest), m1 at s1. */
    public static float[] secondOrder(float[] sample, float[] m0, float[] m1, float alphaT, float alphaS0,
                                      float rhoT, float rhoS0, float logT, float logS0, float logS1) {
        float coef1 = ind(rhoT, logT, logS0, logS1) - ind(rhoS0, logS0, logS0, logS1);
        float coef2 = ind(rhoT, logT, logS1, logS0) - ind(rhoS0, logS0, logS1, logS0);
        return Terms.of(divide(sample, alphaS0)).plus(coef1, m0).plus(coef2, m1).times(alphaT);
    }

    /** The third-order update; m0, m1, m2 at s0 (newest), s1, s2. */
    public static float[] thirdOrder(float[] sample, float[] m0, float[] m1, float[] m2, float alphaT, float alphaS0,
                                     float rhoT, float rhoS0, float logT, float logS0, float logS1, float logS2) {
        float coef1 = ind(rhoT, logT, logS0, logS1, logS2) - ind(rhoS0, logS0, logS0, logS1, logS2);
        float coef2 = ind(rhoT, logT, logS1, logS2, logS0) - ind(rhoS0, logS0, logS1, logS2, logS0);
        float coef3 = ind(rhoT, logT, logS2, logS0, logS1) - ind(rhoS0, logS0, logS2, logS0, logS1);
        return Terms.of(divide(sample, alphaS0)).plus(coef1, m0).plus(coef2, m1).plus(coef3, m2).times(alphaT);
    }

    /** The antiderivative of the linear Lagrange basis at t (log t = lt) for nodes b, c. */
    private static float ind(float t, float lt, float lb, float lc) {
        return t * (-lc + lt - 1) / (lb - lc);
    }

    /** The antiderivative of the quadratic Lagrange basis at t for nodes b, c, d. */
    private static float ind(float t, float lt, float lb, float lc, float ld) {
        float numerator = t * (lc * (ld - lt + 1) - ld * lt + ld + lt * lt - 2 * lt + 2);
        float denominator = (lb - lc) * (lb - ld);
        return numerator / denominator;
    }

    private static float[] divide(float[] x, float c) {
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) out[i] = x[i] / c;
        return out;
    }
}

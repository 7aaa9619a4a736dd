package jdiffusion.samplers.step;

import static jdiffusion.samplers.step.Float32Math.exp;
import static jdiffusion.samplers.step.Float32Math.log;
import static jdiffusion.samplers.step.Float32Math.sqrt;

/**
 * DPM-Solver updates in the half log-SNR lambda = log(alpha) - log(sigma): the first, second and third order
 * multistep and singlestep updates of Lu et al. (2022), "DPM-Solver: A Fast ODE Solver for Diffusion
 * Probabilistic Model Sampling in Around 10 Steps" (noise prediction, {@link Algorithm#DPMSOLVER}) and
 * "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic Models" (data prediction,
 * {@link Algorithm#DPMSOLVER_PP}), with the SDE variants ({@link Algorithm#SDE_DPMSOLVER},
 * {@link Algorithm#SDE_DPMSOLVER_PP}) and the midpoint / Heun forms of the second-order term, in diffusers'
 * order of operations. Model outputs m are x0 for data prediction and eps for noise prediction.
 *
 * <p>A noise level is given as (alpha_t, sigma_t) of the forward process x_t = alpha_t x0 + sigma_t eps.
 */
public final class DpmSolverStep {

    private DpmSolverStep() {
    }

    /** What the solver integrates. */
    public enum Algorithm {
        DPMSOLVER, DPMSOLVER_PP, SDE_DPMSOLVER, SDE_DPMSOLVER_PP;

        /** Whether the model outputs are data (x0) predictions. */
        public boolean dataPrediction() {
            return this == DPMSOLVER_PP || this == SDE_DPMSOLVER_PP;
        }

        /** Whether a noise tensor enters every update. */
        public boolean stochastic() {
            return this == SDE_DPMSOLVER || this == SDE_DPMSOLVER_PP;
        }
    }

    /** How the second-order derivative term is weighted: midpoint (eq. 3.7 style) or Heun. */
    public enum SolverType { MIDPOINT, HEUN }

    /** lambda = log(alpha) - log(sigma). */
    public static float lambda(float alpha, float sigma) {
        return log(alpha) - log(sigma);
    }

    /** The first-order update (DDIM in lambda) from s to t. */
    public static float[] firstOrder(Algorithm alg, float[] sample, float[] m, float alphaT, float sigmaT,
                                     float alphaS, float sigmaS, float[] noise) {
        float h = lambda(alphaT, sigmaT) - lambda(alphaS, sigmaS);
        return switch (alg) {
            case DPMSOLVER_PP -> Terms.of(sigmaT / sigmaS, sample).minus(alphaT * (exp(-h) - 1.0f), m).get();
            case DPMSOLVER -> Terms.of(alphaT / alphaS, sample).minus(sigmaT * (exp(h) - 1.0f), m).get();
            case SDE_DPMSOLVER_PP -> Terms.of(sigmaT / sigmaS * exp(-h), sample)
                    .plus(alphaT * (1 - exp(-2.0f * h)), m)
                    .plus(sigmaT * sqrt(1.0f - exp(-2 * h)), noise).get();
            case SDE_DPMSOLVER -> Terms.of(alphaT / alphaS, sample)
                    .minus(2.0f * (sigmaT * (exp(h) - 1.0f)), m)
                    .plus(sigmaT * sqrt(exp(2 * h) - 1.0f), noise).get();
        };
    }

    /**
     * The second-order multistep update from s0 to t using m0 (at s0) and m1 (at the previous point s1):
     * D0 = m0, D1 = (m0 - m1) / r0 with r0 = h_0 / h.
     */
    public static float[] multistepSecondOrder(Algorithm alg, SolverType type, float[] sample, float[] m0, float[] m1,
                                               float alphaT, float sigmaT, float alphaS0, float sigmaS0,
                                               float alphaS1, float sigmaS1, float[] noise) {
        float lambdaT = lambda(alphaT, sigmaT);
        float lambdaS0 = lambda(alphaS0, sigmaS0);
        float lambdaS1 = lambda(alphaS1, sigmaS1);
        float h = lambdaT - lambdaS0;
        float h0 = lambdaS0 - lambdaS1;
        float r0 = h0 / h;
        float[] d1 = Terms.scaledDifference(1.0f / r0, m0, m1);
        return secondOrderTerms(alg, type, sample, m0, d1, h, alphaT, sigmaT, alphaS0, sigmaS0, noise);
    }

    /**
     * The second-order singlestep update from s1 to t through s0 (m1 at s1, m0 at s0): D0 = m1,
     * D1 = (m0 - m1) / r0 with r0 = (lambda_s0 - lambda_s1) / (lambda_t - lambda_s1).
     */
    public static float[] singlestepSecondOrder(Algorithm alg, SolverType type, float[] sample, float[] m0, float[] m1,
                                                float alphaT, float sigmaT, float alphaS0, float sigmaS0,
                                                float alphaS1, float sigmaS1, float[] noise) {
        float lambdaT = lambda(alphaT, sigmaT);
        float lambdaS0 = lambda(alphaS0, sigmaS0);
        float lambdaS1 = lambda(alphaS1, sigmaS1);
        float h = lambdaT - lambdaS1;
        float h0 = lambdaS0 - lambdaS1;
        float r0 = h0 / h;
        float[] d1 = Terms.scaledDifference(1.0f / r0, m0, m1);
        return secondOrderTerms(alg, type, sample, m1, d1, h, alphaT, sigmaT, alphaS1, sigmaS1, noise);
    }

    private static float[] secondOrderTerms(Algorithm alg, SolverType type, float[] sample, float[] d0, float[] d1, float h,
                                            float alphaT, float sigmaT, float alphaS, float sigmaS, float[] noise) {
        boolean mid = type == SolverType.MIDPOINT;
        switch (alg) {
            case DPMSOLVER_PP: {
                float c = alphaT * (exp(-h) - 1.0f);
                Terms x = Terms.of(sigmaT / sigmaS, sample).minus(c, d0);
                return mid ? x.minus(0.5f * c, d1).get() : x.plus(alphaT * ((exp(-h) - 1.0f) / h + 1.0f), d1).get();
            }
            case DPMSOLVER: {
                float c = sigmaT * (exp(h) - 1.0f);
                Terms x = Terms.of(alphaT / alphaS, sample).minus(c, d0);
                return mid ? x.minus(0.5f * c, d1).get() : x.minus(sigmaT * ((exp(h) - 1.0f) / h - 1.0f), d1).get();
            }
            case SDE_DPMSOLVER_PP: {
                float c = alphaT * (1 - exp(-2.0f * h));
                Terms x = Terms.of(sigmaT / sigmaS * exp(-h), sample).plus(c, d0);
                x = mid ? x.plus(0.5f * c, d1) : x.plus(alphaT * ((1.0f - exp(-2.0f * h)) / (-2.0f * h) + 1.0f), d1);
                return x.plus(sigmaT * sqrt(1.0f - exp(-2 * h)), noise).get();
            }
            case SDE_DPMSOLVER: {
                float c = sigmaT * (exp(h) - 1.0f);
                Terms x = Terms.of(alphaT / alphaS, sample).minus(2.0f * c, d0);
                x = mid ? x.minus(c, d1) : x.minus(2.0f * (sigmaT * ((exp(h) - 1.0f) / h - 1.0f)), d1);
                return x.plus(sigmaT * sqrt(exp(2 * h) - 1.0f), noise).get();
            }
            default:
                throw new AssertionError(alg);
        }
    }

    /**
     * The third-order multistep update from s0 to t using m0, m1, m2 at s0, s1, s2 (newest first).
     *
     * @throws IllegalArgumentException for {@link Algorithm#SDE_DPMSOLVER}, which has no third-order form
     */
    public static float[] multistepThirdOrder(Algorithm alg, float[] sample, float[] m0, float[] m1, float[] m2,
                                              float alphaT, float sigmaT, float alphaS0, float sigmaS0, float alphaS1,
                                              float sigmaS1, float alphaS2, float sigmaS2, float[] noise) {
        float lambdaT = lambda(alphaT, sigmaT);
        float lambdaS0 = lambda(alphaS0, sigmaS0);
        float lambdaS1 = lambda(alphaS1, sigmaS1);
        float lambdaS2 = lambda(alphaS2, sigmaS2);
        float h = lambdaT - lambdaS0;
        float h0 = lambdaS0 - lambdaS1;
        float h1 = lambdaS1 - lambdaS2;
        float r0 = h0 / h;
        float r1 = h1 / h;
        float[] d10 = Terms.scaledDifference(1.0f / r0, m0, m1);
        float[] d11 = Terms.scaledDifference(1.0f / r1, m1, m2);
        float[] d1 = Terms.of(d10).plus(r0 / (r0 + r1), Terms.of(d10).minus(d11).get()).get();
        float[] d2 = Terms.scaledDifference(1.0f / (r0 + r1), d10, d11);
        switch (alg) {
            case DPMSOLVER_PP:
                return Terms.of(sigmaT / sigmaS0, sample)
                        .minus(alphaT * (exp(-h) - 1.0f), m0)
                        .plus(alphaT * ((exp(-h) - 1.0f) / h + 1.0f), d1)
                        .minus(alphaT * ((exp(-h) - 1.0f + h) / (h * h) - 0.5f), d2).get();
            case DPMSOLVER:
                return Terms.of(alphaT / alphaS0, sample)
                        .minus(sigmaT * (exp(h) - 1.0f), m0)
                        .minus(sigmaT * ((exp(h) - 1.0f) / h - 1.0f), d1)
                        .minus(sigmaT * ((exp(h) - 1.0f - h) / (h * h) - 0.5f), d2).get();
            case SDE_DPMSOLVER_PP: {
                float e = exp(-2.0f * h);
                return Terms.of(sigmaT / sigmaS0 * exp(-h), sample)
                        .plus(alphaT * (1.0f - e), m0)
                        .plus(alphaT * ((1.0f - e) / (-2.0f * h) + 1.0f), d1)
                        .plus(alphaT * ((1.0f - e - 2.0f * h) / ((2.0f * h) * (2.0f * h)) - 0.5f), d2)
                        .plus(sigmaT * sqrt(1.0f - exp(-2 * h)), noise).get();
            }
            default:
                throw new IllegalArgumentException("sde-dpmsolver has no third-order update; use solver_order 1 or 2");
        }
    }

    /**
     * The third-order singlestep update from s2 to t through s1 and s0 (m2 at s2 the oldest, m0 at s0 the
     * newest). The midpoint form uses only D1_1 = (m0 - m2) / r0; the Heun form D1 and D2.
     */
    public static float[] singlestepThirdOrder(Algorithm alg, SolverType type, float[] sample, float[] m0, float[] m1,
                                               float[] m2, float alphaT, float sigmaT, float alphaS0, float sigmaS0,
                                               float alphaS1, float sigmaS1, float alphaS2, float sigmaS2, float[] noise) {
        float lambdaT = lambda(alphaT, sigmaT);
        float lambdaS0 = lambda(alphaS0, sigmaS0);
        float lambdaS1 = lambda(alphaS1, sigmaS1);
        float lambdaS2 = lambda(alphaS2, sigmaS2);
        float h = lambdaT - lambdaS2;
        float h0 = lambdaS0 - lambdaS2;
        float h1 = lambdaS1 - lambdaS2;
        float r0 = h0 / h;
        float r1 = h1 / h;
        float[] d10 = Terms.scaledDifference(1.0f / r1, m1, m2);
        float[] d11 = Terms.scaledDifference(1.0f / r0, m0, m2);
        int n = sample.length;
        float[] d1 = new float[n];
        float[] d2 = new float[n];
        for (int i = 0; i < n; i++) {
            d1[i] = (r0 * d10[i] - r1 * d11[i]) / (r0 - r1);
            d2[i] = 2.0f * (d11[i] - d10[i]) / (r0 - r1);
        }
        boolean mid = type == SolverType.MIDPOINT;
        switch (alg) {
            case DPMSOLVER_PP: {
                Terms x = Terms.of(sigmaT / sigmaS2, sample).minus(alphaT * (exp(-h) - 1.0f), m2);
                if (mid) return x.plus(alphaT * ((exp(-h) - 1.0f) / h + 1.0f), d11).get();
                return x.plus(alphaT * ((exp(-h) - 1.0f) / h + 1.0f), d1)
                        .minus(alphaT * ((exp(-h) - 1.0f + h) / (h * h) - 0.5f), d2).get();
            }
            case DPMSOLVER: {
                Terms x = Terms.of(alphaT / alphaS2, sample).minus(sigmaT * (exp(h) - 1.0f), m2);
                if (mid) return x.minus(sigmaT * ((exp(h) - 1.0f) / h - 1.0f), d11).get();
                return x.minus(sigmaT * ((exp(h) - 1.0f) / h - 1.0f), d1)
                        .minus(sigmaT * ((exp(h) - 1.0f - h) / (h * h) - 0.5f), d2).get();
            }
            case SDE_DPMSOLVER_PP: {
                float e = exp(-2.0f * h);
                Terms x = Terms.of(sigmaT / sigmaS2 * exp(-h), sample).plus(alphaT * (1.0f - e), m2);
                if (mid) {
                    x = x.plus(alphaT * ((1.0f - e) / (-2.0f * h) + 1.0f), d11);
                } else {
                    x = x.plus(alphaT * ((1.0f - e) / (-2.0f * h) + 1.0f), d1)
                            .plus(alphaT * ((1.0f - e + (-2.0f * h)) / ((-2.0f * h) * (-2.0f * h)) - 0.5f), d2);
                }
                return x.plus(sigmaT * sqrt(1.0f - exp(-2 * h)), noise).get();
            }
            default:
                throw new IllegalArgumentException("sde-dpmsolver has no singlestep third-order update");
        }
    }
}

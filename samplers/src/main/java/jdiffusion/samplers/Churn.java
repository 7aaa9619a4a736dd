package jdiffusion.samplers;

import jdiffusion.samplers.step.EulerStep;

/**
 * The "churn" of Karras et al. (2022), Algorithm 2 lines 4-6: before a step, sigma is raised to
 * sigma_hat = sigma (1 + gamma), gamma = min(s_churn / N, sqrt(2) - 1) for sigma in [s_tmin, s_tmax], by adding
 * noise of variance sigma_hat^2 - sigma^2 (scaled by s_noise).
 */
record Churn(double sChurn, float sTmin, float sTmax, float sNoise, double gamma) {

    static Churn of(SamplerRun r, int steps) {
        double sChurn = r.option("s_churn", 0.0);
        float sTmin = (float) r.option("s_tmin", 0.0);
        float sTmax = (float) r.option("s_tmax", Double.POSITIVE_INFINITY);
        float sNoise = (float) r.option("s_noise", 1.0);
        double gamma = Math.min(sChurn / steps, Math.sqrt(2.0) - 1);
        return new Churn(sChurn, sTmin, sTmax, sNoise, gamma);
    }

    boolean inRange(float sigma) {
        return sTmin <= sigma && sigma <= sTmax;
    }

    /** Whether noise is added before this step (gamma > 0). */
    boolean active(float sigma) {
        return sChurn > 0 && inRange(sigma) && gamma > 0;
    }

    float sigmaHat(float sigma) {
        if (!(sChurn > 0)) return sigma;
        double g = inRange(sigma) ? gamma : 0.0;
        return sigma * (float) (g + 1);
    }

    /** x + eps * s_noise * sqrt(sigma_hat^2 - sigma^2), the shared churn step. */
    float[] addNoise(float[] x, float sigma, float sigmaHat, float[] eps) {
        return EulerStep.churn(x, eps, sNoise, sigma, sigmaHat);
    }
}

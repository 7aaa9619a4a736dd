package jdiffusion.samplers;

import java.util.List;

/**
 * Implements Algorithm 2 (Euler steps) from Karras et al. (2022), "Elucidating the Design Space of
 * Diffusion-Based Generative Models", with optional churn: {@code s_churn} raises sigma by a factor
 * {@code 1 + gamma} inside [{@code s_tmin}, {@code s_tmax}] adding noise of scale {@code s_noise}.
 * Follows k-diffusion's {@code sample_euler} order of operations.
 */
public final class EulerSampler extends KSampler {

    public EulerSampler() {
        super("euler", List.of(), "Euler's method on the probability-flow ODE (Karras et al. 2022, Algorithm 2), optional churn",
                "s_churn", "s_tmin", "s_tmax", "s_noise");
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        Churn churn = Churn.of(r, sigmas.length - 1);
        for (int i = 0; i < sigmas.length - 1; i++) {
            float sigmaHat = churn.sigmaHat(sigmas[i]);
            if (churn.active(sigmas[i])) x = churn.addNoise(x, sigmas[i], sigmaHat, r.randn());
            float[] denoised = r.denoise(x, sigmaHat);
            float[] d = V.toD(x, sigmaHat, denoised);
            r.step(i, sigmas[i], sigmaHat, x, denoised);
            x = Steps.euler(x, d, sigmas[i + 1] - sigmaHat);
        }
        return x;
    }
}

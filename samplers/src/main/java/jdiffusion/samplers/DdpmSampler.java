package jdiffusion.samplers;

import java.util.List;

/**
 * Ancestral sampling of DDPM (Ho et al. 2020, Algorithm 2) between the given noise levels (ComfyUI's
 * {@code sample_ddpm}): with alpha-bar = 1 / (1 + sigma^2) and alpha = alpha-bar / alpha-bar_prev, the
 * variance-preserving latent steps to the posterior mean (eq. 11) and adds posterior noise (beta-tilde,
 * eq. 7); sigmas need not be the training timesteps.
 */
public final class DdpmSampler extends KSampler {

    public DdpmSampler() {
        super("ddpm", List.of(), "DDPM ancestral sampling (Ho et al. 2020, Algorithm 2) between the given sigmas");
    }

    @Override
    public boolean isStochastic() {
        return true;
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        for (int i = 0; i < sigmas.length - 1; i++) {
            float sigma = sigmas[i];
            float sigmaPrev = sigmas[i + 1];
            float[] denoised = r.denoise(x, sigma);
            r.step(i, sigma, sigma, x, denoised);
            float scaleIn = F32.sqrt(1.0f + sigma * sigma);
            float acp = 1 / (sigma * sigma + 1);
            float acpPrev = 1 / (sigmaPrev * sigmaPrev + 1);
            float alpha = acp / acpPrev;
            float k1 = F32.sqrt(1 / alpha * 1.0f);
            float oneMinusAlpha = 1 - alpha;
            float k2 = F32.sqrt(1 - acp);
            float[] mu = new float[x.length];
            for (int j = 0; j < x.length; j++) {
                float xs = x[j] / scaleIn;
                float noise = (x[j] - denoised[j]) / sigma;
                mu[j] = k1 * (xs - oneMinusAlpha * noise / k2);
            }
            if (sigmaPrev > 0) {
                float k3 = F32.sqrt(oneMinusAlpha * (1.0f - acpPrev) / (1.0f - acp));
                float[] z = r.noise(sigma, sigmaPrev);
                for (int j = 0; j < x.length; j++) mu[j] = mu[j] + k3 * z[j];
            }
            if (sigmaPrev != 0) {
                float scaleOut = F32.sqrt(1.0f + sigmaPrev * sigmaPrev);
                for (int j = 0; j < x.length; j++) mu[j] = mu[j] * scaleOut;
            }
            x = mu;
        }
        return x;
    }
}

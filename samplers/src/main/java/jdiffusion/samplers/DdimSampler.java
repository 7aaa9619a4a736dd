package jdiffusion.samplers;

import java.util.List;

/**
 * DDIM (Song et al. 2021, eq. 12) written for sigma = sqrt((1 - alpha-bar) / alpha-bar) and x / sqrt(alpha-bar):
 * the update x0 + sigma_down eps + sigma_up z with sigma_up = eta sqrt(sigma_next^2 (sigma^2 - sigma_next^2) /
 * sigma^2) (eq. 16) is exactly an Euler step to sigma_down followed by fresh noise (Karras et al. 2022, Section
 * 3, note DDIM's deterministic sampler is Euler's method). {@code eta} defaults to 0, the deterministic DDIM,
 * which coincides with ComfyUI's "ddim" (its Euler); the last step to sigma = 0 returns x0.
 */
public final class DdimSampler extends KSampler {

    public DdimSampler() {
        super("ddim", List.of(), "DDIM (Song et al. 2021) in sigma form: Euler for eta = 0, ancestral noise for eta > 0",
                "eta", "s_noise");
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        double eta = r.option("eta", 0.0);
        float sNoise = (float) r.option("s_noise", 1.0);
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised = r.denoise(x, sigmas[i]);
            r.step(i, sigmas[i], sigmas[i], x, denoised);
            float[] d = V.toD(x, sigmas[i], denoised);
            if (eta == 0) {
                x = Steps.euler(x, d, sigmas[i + 1] - sigmas[i]);
                continue;
            }
            AncestralSplit a = AncestralSplit.of(sigmas[i], sigmas[i + 1], eta);
            if (a.down() == 0) {
                x = denoised;
            } else {
                x = Steps.euler(x, d, a.down() - sigmas[i]);
                x = Steps.addNoise(x, r.noise(sigmas[i], sigmas[i + 1]), sNoise, a.up());
            }
        }
        return x;
    }
}

package jdiffusion.samplers;

import java.util.List;

/**
 * Latent Consistency Model sampling (Luo et al. 2023, Algorithm 1 / multistep consistency sampling of Song
 * et al. 2023): each step takes the denoised estimate and re-noises it to the next sigma with fresh noise,
 * through the model sampling's noise scaling (flow models blend, others add).
 */
public final class LcmSampler extends KSampler {

    public LcmSampler() {
        super("lcm", List.of(), "LCM / consistency multistep sampling: denoise, then re-noise to the next sigma");
    }

    @Override
    public boolean isStochastic() {
        return true;
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised = r.denoise(x, sigmas[i]);
            r.step(i, sigmas[i], sigmas[i], x, denoised);
            x = denoised;
            if (sigmas[i + 1] > 0) x = r.modelSampling().noiseScaling(sigmas[i + 1], r.noise(sigmas[i], sigmas[i + 1]), x);
        }
        return x;
    }
}

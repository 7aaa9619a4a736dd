package jdiffusion.samplers;

import java.util.List;

/**
 * Ancestral sampling with DPM-Solver-2 steps (k-diffusion's {@code sample_dpm_2_ancestral}): the midpoint
 * step of {@link Dpm2Sampler} down to sigma_down, then fresh noise of scale sigma_up. On flow models it runs
 * the rectified-flow form ({@link Rf}), as ComfyUI does.
 */
public final class Dpm2AncestralSampler extends KSampler {

    public Dpm2AncestralSampler() {
        super("dpm_2_a", List.of("dpm_2_ancestral"), "DPM-2 ancestral: midpoint step down to sigma_down, then fresh noise (eta, s_noise)",
                "eta", "s_noise");
    }

    @Override
    public boolean isStochastic() {
        return true;
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        if (r.isFlow()) return Rf.sample(r, x, sigmas);
        double eta = r.option("eta", 1.0);
        float sNoise = (float) r.option("s_noise", 1.0);
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised = r.denoise(x, sigmas[i]);
            AncestralSplit a = AncestralSplit.of(sigmas[i], sigmas[i + 1], eta);
            r.step(i, sigmas[i], sigmas[i], x, denoised);
            float[] d = V.toD(x, sigmas[i], denoised);
            if (a.down() == 0) {
                x = Steps.euler(x, d, a.down() - sigmas[i]);
            } else {
                x = Dpm2Sampler.midpointStep(r, x, d, sigmas[i], a.down());
                x = Steps.addNoise(x, r.noise(sigmas[i], sigmas[i + 1]), sNoise, a.up());
            }
        }
        return x;
    }

    /**
     * The rectified-flow form (ComfyUI's {@code sample_dpm_2_ancestral_RF}); like the reference it re-noises
     * even at eta = 0, where the noise scale is the square root of a rounding residue and can be NaN.
     */
    public static final class Rf extends KSampler {

        public Rf() {
            super("dpm_2_a_rf", List.of("dpm_2_ancestral_rf"), "DPM-2 ancestral for rectified-flow models (eta, s_noise)",
                    "eta", "s_noise");
        }

        @Override
        public boolean isStochastic() {
            return true;
        }

        @Override
        float[] run(SamplerRun r, float[] x, float[] sigmas) {
            return sample(r, x, sigmas);
        }

        static float[] sample(SamplerRun r, float[] x, float[] sigmas) {
            double eta = r.option("eta", 1.0);
            float sNoise = (float) r.option("s_noise", 1.0);
            for (int i = 0; i < sigmas.length - 1; i++) {
                float s = sigmas[i];
                float[] denoised = r.denoise(x, s);
                FlowDownStep f = FlowDownStep.of(s, sigmas[i + 1], eta);
                r.step(i, s, s, x, denoised);
                float[] d = V.toD(x, s, denoised);
                if (f.down() == 0) {
                    x = Steps.euler(x, d, f.down() - s);
                } else {
                    x = Dpm2Sampler.midpointStep(r, x, d, s, f.down());
                    float scale = f.alphaNext() / f.alphaDown();
                    float[] noise = r.noise(s, sigmas[i + 1]);
                    float[] o = new float[x.length];
                    for (int j = 0; j < o.length; j++) o[j] = scale * x[j] + (noise[j] * sNoise) * f.renoise();
                    x = o;
                }
            }
            return x;
        }
    }
}

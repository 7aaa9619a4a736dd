package jdiffusion.samplers;

import java.util.List;

/**
 * Ancestral sampling with Euler steps (k-diffusion's {@code sample_euler_ancestral}): each step goes down
 * to sigma_down deterministically, then adds fresh noise of scale sigma_up ({@link AncestralStep}, options
 * {@code eta}, {@code s_noise}). On flow models it runs the rectified-flow form ({@link Rf}), as ComfyUI does.
 */
public final class EulerAncestralSampler extends KSampler {

    public EulerAncestralSampler() {
        super("euler_a", List.of("euler_ancestral"), "Euler ancestral: Euler step down to sigma_down, then fresh noise (eta, s_noise)",
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
            if (a.down() == 0) {
                x = denoised;
            } else {
                float[] d = V.toD(x, sigmas[i], denoised);
                x = Steps.euler(x, d, a.down() - sigmas[i]);
                x = Steps.addNoise(x, r.noise(sigmas[i], sigmas[i + 1]), sNoise, a.up());
            }
        }
        return x;
    }

    /**
     * The rectified-flow form (ComfyUI's {@code sample_euler_ancestral_RF}): for x = (1 - t) x0 + t eps the step
     * goes to t_down = t_next (1 + (t_next / t - 1) eta), then rescales by alpha_next / alpha_down and re-noises
     * to t_next.
     */
    public static final class Rf extends KSampler {

        public Rf() {
            super("euler_a_rf", List.of("euler_ancestral_rf"), "Euler ancestral for rectified-flow models (eta, s_noise)",
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
                float next = sigmas[i + 1];
                float[] denoised = r.denoise(x, s);
                r.step(i, s, s, x, denoised);
                if (next == 0) {
                    x = denoised;
                    continue;
                }
                FlowDownStep f = FlowDownStep.of(s, next, eta);
                float ratio = f.down() / s;
                x = V.lincomb(ratio, x, 1.0f - ratio, denoised);
                if (eta > 0) {
                    float scale = f.alphaNext() / f.alphaDown();
                    float[] noise = r.noise(s, next);
                    float[] o = new float[x.length];
                    for (int j = 0; j < o.length; j++) o[j] = scale * x[j] + (noise[j] * sNoise) * f.renoise();
                    x = o;
                }
            }
            return x;
        }
    }
}

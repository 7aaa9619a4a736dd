package jdiffusion.samplers;

import java.util.List;

/**
 * Ancestral sampling with DPM-Solver++(2S) steps (Lu et al. 2022b, arXiv:2211.01095, Algorithm 1 with
 * r = 1/2; k-diffusion's {@code sample_dpmpp_2s_ancestral}): a second-order singlestep exponential-integrator
 * step down to sigma_down, then fresh noise of scale sigma_up ({@code eta}, {@code s_noise}). On flow models
 * it runs the rectified-flow form ({@link Rf}), as ComfyUI does.
 */
public final class DpmPp2sAncestralSampler extends KSampler {

    public DpmPp2sAncestralSampler() {
        super("dpmpp_2s_a", List.of("dpmpp_2s_ancestral"), "DPM-Solver++(2S) ancestral (eta, s_noise)", "eta", "s_noise");
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
                x = Steps.euler(x, V.toD(x, sigmas[i], denoised), a.down() - sigmas[i]);
            } else {
                float t = -F32.log(sigmas[i]);
                float tNext = -F32.log(a.down());
                float h = tNext - t;
                float s = t + 0.5f * h;
                float c1 = F32.exp(-s) / F32.exp(-t);
                float c2 = F32.expm1(-h * 0.5f);
                float[] x2 = new float[x.length];
                for (int j = 0; j < x.length; j++) x2[j] = c1 * x[j] - c2 * denoised[j];
                float[] denoised2 = r.denoise(x2, F32.exp(-s));
                float c3 = F32.exp(-tNext) / F32.exp(-t);
                float c4 = F32.expm1(-h);
                float[] o = new float[x.length];
                for (int j = 0; j < x.length; j++) o[j] = c3 * x[j] - c4 * denoised2[j];
                x = o;
            }
            if (sigmas[i + 1] > 0) x = Steps.addNoise(x, r.noise(sigmas[i], sigmas[i + 1]), sNoise, a.up());
        }
        return x;
    }

    /** The rectified-flow form (ComfyUI's {@code sample_dpmpp_2s_ancestral_RF}), in lambda = log((1 - t) / t). */
    public static final class Rf extends KSampler {

        public Rf() {
            super("dpmpp_2s_a_rf", List.of("dpmpp_2s_ancestral_rf"), "DPM-Solver++(2S) ancestral for rectified-flow models (eta, s_noise)",
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
                float si = sigmas[i];
                float next = sigmas[i + 1];
                float[] denoised = r.denoise(x, si);
                FlowDownStep f = FlowDownStep.of(si, next, eta);
                r.step(i, si, si, x, denoised);
                if (next == 0) {
                    x = Steps.euler(x, V.toD(x, si, denoised), f.down() - si);
                } else {
                    float sigmaS;
                    if (si == 1.0f) {
                        sigmaS = (float) 0.9999;
                    } else {
                        float ti = lambda(si);
                        float tDown = lambda(f.down());
                        float h = tDown - ti;
                        float s = ti + 0.5f * h;
                        sigmaS = 1.0f / (F32.exp(s) + 1);
                    }
                    float sRatio = sigmaS / si;
                    float[] u = V.lincomb(sRatio, x, 1 - sRatio, denoised);
                    float[] d = r.denoise(u, sigmaS);
                    float dRatio = f.down() / si;
                    x = V.lincomb(dRatio, x, 1 - dRatio, d);
                }
                if (next > 0 && eta > 0) {
                    float scale = f.alphaNext() / f.alphaDown();
                    float[] noise = r.noise(si, next);
                    float[] o = new float[x.length];
                    for (int j = 0; j < o.length; j++) o[j] = scale * x[j] + (noise[j] * sNoise) * f.renoise();
                    x = o;
                }
            }
            return x;
        }

        private static float lambda(float sigma) {
            return F32.log((1 - sigma) / sigma);
        }
    }
}

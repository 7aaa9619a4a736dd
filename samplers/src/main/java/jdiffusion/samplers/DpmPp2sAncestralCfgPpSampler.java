package jdiffusion.samplers;

import java.util.List;
import jdiffusion.core.sampling.Denoiser;

/**
 * DPM-Solver++(2S) ancestral with CFG++ (ComfyUI's {@code sample_dpmpp_2s_ancestral_cfg_pp}): as
 * {@link DpmPp2sAncestralSampler}, with the state moved by (guided - unconditional) before each exponential
 * step. As in the reference, the second stage uses the unconditional estimate of its own model call.
 */
public final class DpmPp2sAncestralCfgPpSampler extends KSampler {

    public DpmPp2sAncestralCfgPpSampler() {
        super("dpmpp_2s_a_cfg_pp", List.of("dpmpp_2s_ancestral_cfg_pp"), "DPM-Solver++(2S) ancestral with CFG++ (eta, s_noise)",
                "eta", "s_noise");
    }

    @Override
    public boolean isStochastic() {
        return true;
    }

    @Override
    public boolean needsUnconditional() {
        return true;
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        double eta = r.option("eta", 1.0);
        float sNoise = (float) r.option("s_noise", 1.0);
        for (int i = 0; i < sigmas.length - 1; i++) {
            Denoiser.Guided g = r.guided(x, sigmas[i]);
            float[] denoised = g.denoised();
            float[] uncond = g.uncondDenoised();
            AncestralSplit a = AncestralSplit.of(sigmas[i], sigmas[i + 1], eta);
            r.step(i, sigmas[i], sigmas[i], x, denoised);
            if (a.down() == 0) {
                float[] d = V.toD(x, sigmas[i], uncond);
                float[] o = new float[x.length];
                for (int j = 0; j < o.length; j++) o[j] = denoised[j] + d[j] * a.down();
                x = o;
            } else {
                float t = -F32.log(sigmas[i]);
                float tNext = -F32.log(a.down());
                float h = tNext - t;
                float s = t + 0.5f * h;
                float c1 = F32.exp(-s) / F32.exp(-t);
                float c2 = F32.expm1(-h * 0.5f);
                float[] x2 = new float[x.length];
                for (int j = 0; j < x.length; j++) x2[j] = c1 * (x[j] + (denoised[j] - uncond[j])) - c2 * denoised[j];
                Denoiser.Guided g2 = r.guided(x2, F32.exp(-s));
                float[] denoised2 = g2.denoised();
                float[] uncond2 = g2.uncondDenoised();
                float c3 = F32.exp(-tNext) / F32.exp(-t);
                float c4 = F32.expm1(-h);
                float[] o = new float[x.length];
                for (int j = 0; j < x.length; j++) o[j] = c3 * (x[j] + (denoised[j] - uncond2[j])) - c4 * denoised2[j];
                x = o;
            }
            if (sigmas[i + 1] > 0) x = Steps.addNoise(x, r.noise(sigmas[i], sigmas[i + 1]), sNoise, a.up());
        }
        return x;
    }
}

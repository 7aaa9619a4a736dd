package jdiffusion.samplers;

import java.util.List;
import jdiffusion.core.sampling.Denoiser;

/**
 * DPM-Solver++(2M) with CFG++ (ComfyUI's {@code sample_dpmpp_2m_cfg_pp}): the multistep update of
 * {@link DpmPp2mSampler} with the exponential decay applied to the unconditional estimate and the guided
 * estimate added back in full.
 */
public final class DpmPp2mCfgPpSampler extends KSampler {

    public DpmPp2mCfgPpSampler() {
        super("dpmpp_2m_cfg_pp", List.of(), "DPM-Solver++(2M) with CFG++");
    }

    @Override
    public boolean needsUnconditional() {
        return true;
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        float[] oldUncond = null;
        for (int i = 0; i < sigmas.length - 1; i++) {
            Denoiser.Guided g = r.guided(x, sigmas[i]);
            float[] denoised = g.denoised();
            float[] uncond = g.uncondDenoised();
            r.step(i, sigmas[i], sigmas[i], x, denoised);
            float t = -F32.log(sigmas[i]);
            float tNext = -F32.log(sigmas[i + 1]);
            float h = tNext - t;
            float decay = F32.exp(-h);
            float[] o = new float[x.length];
            if (oldUncond == null || sigmas[i + 1] == 0) {
                for (int j = 0; j < o.length; j++) {
                    float mix = -decay * uncond[j];
                    o[j] = denoised[j] + mix + decay * x[j];
                }
            } else {
                float hLast = t - (-F32.log(sigmas[i - 1]));
                float rr = hLast / h;
                float k = F32.expm1(-h) * (1 / (2 * rr));
                for (int j = 0; j < o.length; j++) {
                    float mix = -decay * uncond[j] - k * (denoised[j] - oldUncond[j]);
                    o[j] = denoised[j] + mix + decay * x[j];
                }
            }
            x = o;
            oldUncond = uncond;
        }
        return x;
    }
}

package jdiffusion.samplers;

import java.util.List;

/**
 * DPM-Solver++(2M) (Lu et al. 2022b, arXiv:2211.01095, Algorithm 2; k-diffusion's {@code sample_dpmpp_2m}):
 * the second-order multistep exponential integrator in data prediction, t = -log sigma; the first step and
 * the last step to sigma = 0 are first order.
 */
public final class DpmPp2mSampler extends KSampler {

    public DpmPp2mSampler() {
        super("dpmpp_2m", List.of(), "DPM-Solver++(2M): second-order multistep exponential integrator");
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        float[] oldDenoised = null;
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised = r.denoise(x, sigmas[i]);
            r.step(i, sigmas[i], sigmas[i], x, denoised);
            float t = -F32.log(sigmas[i]);
            float tNext = -F32.log(sigmas[i + 1]);
            float h = tNext - t;
            float ratio = F32.exp(-tNext) / F32.exp(-t);
            float em1 = F32.expm1(-h);
            float[] o = new float[x.length];
            if (oldDenoised == null || sigmas[i + 1] == 0) {
                for (int j = 0; j < o.length; j++) o[j] = ratio * x[j] - em1 * denoised[j];
            } else {
                float hLast = t - (-F32.log(sigmas[i - 1]));
                float rr = hLast / h;
                float inv2r = 1f / (2 * rr);
                float a = 1 + inv2r;
                for (int j = 0; j < o.length; j++) {
                    float dd = a * denoised[j] - inv2r * oldDenoised[j];
                    o[j] = ratio * x[j] - em1 * dd;
                }
            }
            x = o;
            oldDenoised = denoised;
        }
        return x;
    }
}

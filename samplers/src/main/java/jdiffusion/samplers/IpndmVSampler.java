package jdiffusion.samplers;

import java.util.List;

/**
 * iPNDM with variable step sizes (ComfyUI's {@code sample_ipndm_v} from zju-pi/diff-sampler): Adams-Bashforth
 * coefficients of orders 1-4 ({@code max_order}, default 4) recomputed for the actual, unequal sigma steps.
 * As the reference, the listener's {@code x} is the initial latent at every step.
 */
public final class IpndmVSampler extends KSampler {

    public IpndmVSampler() {
        super("ipndm_v", List.of(), "iPNDM with variable-step Adams-Bashforth coefficients, up to 4th order (max_order)", "max_order");
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        int maxOrder = r.intOption("max_order", 4);
        if (maxOrder < 1 || maxOrder > 4) throw r.options().invalid("max_order", maxOrder, "1, 2, 3 or 4");
        float[] xNext = x;
        IpndmSampler.History buffer = new IpndmSampler.History(maxOrder - 1);
        for (int i = 0; i < sigmas.length - 1; i++) {
            float tCur = sigmas[i];
            float tNext = sigmas[i + 1];
            float[] xCur = xNext;
            float[] denoised = r.denoise(xCur, tCur);
            r.step(i, tCur, tCur, x, denoised);
            float[] d = V.toD(xCur, tCur, denoised);
            int order = Math.min(maxOrder, i + 1);
            float dt = tNext - tCur;
            float[] o = new float[x.length];
            if (tNext == 0) {
                o = denoised;
            } else if (order == 1) {
                for (int j = 0; j < o.length; j++) o[j] = xCur[j] + dt * d[j];
            } else if (order == 2) {
                float hn = tNext - tCur;
                float hn1 = tCur - sigmas[i - 1];
                float c1 = (2 + (hn / hn1)) / 2;
                float c2 = -(hn / hn1) / 2;
                float[] b1 = buffer.back(1);
                for (int j = 0; j < o.length; j++) o[j] = xCur[j] + dt * (c1 * d[j] + c2 * b1[j]);
            } else if (order == 3) {
                float hn = tNext - tCur;
                float hn1 = tCur - sigmas[i - 1];
                float hn2 = sigmas[i - 1] - sigmas[i - 2];
                float temp = (1 - hn / (3 * (hn + hn1)) * (hn * (hn + hn1)) / (hn1 * (hn1 + hn2))) / 2;
                float c1 = (2 + (hn / hn1)) / 2 + temp;
                float c2 = -(hn / hn1) / 2 - (1 + hn1 / hn2) * temp;
                float c3 = temp * hn1 / hn2;
                float[] b1 = buffer.back(1);
                float[] b2 = buffer.back(2);
                for (int j = 0; j < o.length; j++) o[j] = xCur[j] + dt * (c1 * d[j] + c2 * b1[j] + c3 * b2[j]);
            } else {
                float hn = tNext - tCur;
                float hn1 = tCur - sigmas[i - 1];
                float hn2 = sigmas[i - 1] - sigmas[i - 2];
                float hn3 = sigmas[i - 2] - sigmas[i - 3];
                float temp1 = (1 - hn / (3 * (hn + hn1)) * (hn * (hn + hn1)) / (hn1 * (hn1 + hn2))) / 2;
                float temp2 = ((1 - hn / (3 * (hn + hn1))) / 2 + (1 - hn / (2 * (hn + hn1))) * hn / (6 * (hn + hn1 + hn2)))
                        * (hn * (hn + hn1) * (hn + hn1 + hn2)) / (hn1 * (hn1 + hn2) * (hn1 + hn2 + hn3));
                float q = hn1 * (hn1 + hn2) / (hn2 * (hn2 + hn3));
                float c1 = (2 + (hn / hn1)) / 2 + temp1 + temp2;
                float c2 = -(hn / hn1) / 2 - (1 + hn1 / hn2) * temp1 - (1 + (hn1 / hn2) + q) * temp2;
                float c3 = temp1 * hn1 / hn2 + ((hn1 / hn2) + q * (1 + hn2 / hn3)) * temp2;
                float c4 = -temp2 * q * hn1 / hn2;
                float[] b1 = buffer.back(1);
                float[] b2 = buffer.back(2);
                float[] b3 = buffer.back(3);
                for (int j = 0; j < o.length; j++) {
                    o[j] = xCur[j] + dt * (c1 * d[j] + c2 * b1[j] + c3 * b2[j] + c4 * b3[j]);
                }
            }
            xNext = o;
            buffer.push(d);
        }
        return xNext;
    }
}

package jdiffusion.samplers;

import java.util.ArrayList;
import java.util.List;

/**
 * Improved PNDM (Zhang &amp; Chen 2023, "Fast Sampling of Diffusion Models with Exponential Integrator",
 * iPNDM; ComfyUI's {@code sample_ipndm} from zju-pi/diff-sampler): Adams-Bashforth steps in sigma with the
 * fixed-step coefficients of orders 1-4 ({@code max_order}, default 4), the last step to 0 returning the
 * denoised estimate. As the reference, the listener's {@code x} is the initial latent at every step.
 */
public final class IpndmSampler extends KSampler {

    public IpndmSampler() {
        super("ipndm", List.of(), "iPNDM: fixed-coefficient Adams-Bashforth in sigma, up to 4th order (max_order)", "max_order");
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        int maxOrder = r.intOption("max_order", 4);
        if (maxOrder < 1 || maxOrder > 4) throw r.options().invalid("max_order", maxOrder, "1, 2, 3 or 4");
        float[] xNext = x;
        History buffer = new History(maxOrder - 1);
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
                float[] b1 = buffer.back(1);
                for (int j = 0; j < o.length; j++) o[j] = xCur[j] + dt * (3 * d[j] - b1[j]) / 2;
            } else if (order == 3) {
                float[] b1 = buffer.back(1);
                float[] b2 = buffer.back(2);
                for (int j = 0; j < o.length; j++) o[j] = xCur[j] + dt * (23 * d[j] - 16 * b1[j] + 5 * b2[j]) / 12;
            } else {
                float[] b1 = buffer.back(1);
                float[] b2 = buffer.back(2);
                float[] b3 = buffer.back(3);
                for (int j = 0; j < o.length; j++) {
                    o[j] = xCur[j] + dt * (55 * d[j] - 59 * b1[j] + 37 * b2[j] - 9 * b3[j]) / 24;
                }
            }
            xNext = o;
            buffer.push(d);
        }
        return xNext;
    }

    /** The last {@code capacity} slopes, newest last (the reference's {@code buffer_model}). */
    static final class History {
        private final int capacity;
        private final List<float[]> items = new ArrayList<>();

        History(int capacity) {
            this.capacity = capacity;
        }

        void push(float[] d) {
            if (capacity == 0) return;
            if (items.size() == capacity) items.remove(0);
            items.add(d);
        }

        /** The k-th newest entry (1 = newest). */
        float[] back(int k) {
            return items.get(items.size() - k);
        }
    }
}

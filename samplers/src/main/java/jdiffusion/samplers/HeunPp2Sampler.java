package jdiffusion.samplers;

import java.util.List;

/**
 * Heun++ (ComfyUI's {@code sample_heunpp2}, from sd-webui-samplers-scheduler): an Euler step followed by
 * one or two further Euler evaluations at the next sigmas, whose slopes are averaged with weights proportional
 * to those sigmas (w_k = sigma_k / (2 or 3 sigma_0)). Like the reference it draws a churn noise every step,
 * used only where gamma > 0.
 */
public final class HeunPp2Sampler extends KSampler {

    public HeunPp2Sampler() {
        super("heunpp2", List.of(), "Heun++: Euler predictor plus up to two weighted slope corrections, optional churn",
                "s_churn", "s_tmin", "s_tmax", "s_noise");
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        Churn churn = Churn.of(r, sigmas.length - 1);
        float sEnd = sigmas[sigmas.length - 1];
        for (int i = 0; i < sigmas.length - 1; i++) {
            double gamma = churn.inRange(sigmas[i]) ? churn.gamma() : 0.0;
            float[] eps = r.randn();
            float sigmaHat = sigmas[i] * (float) (gamma + 1);
            if (gamma > 0) x = churn.addNoise(x, sigmas[i], sigmaHat, eps);
            float[] denoised = r.denoise(x, sigmaHat);
            float[] d = V.toD(x, sigmaHat, denoised);
            r.step(i, sigmas[i], sigmaHat, x, denoised);
            float dt = sigmas[i + 1] - sigmaHat;
            if (sigmas[i + 1] == sEnd) {
                x = Steps.euler(x, d, dt);
            } else if (sigmas[i + 2] == sEnd) {
                float[] x2 = Steps.euler(x, d, dt);
                float[] d2 = V.toD(x2, sigmas[i + 1], r.denoise(x2, sigmas[i + 1]));
                float w = 2 * sigmas[0];
                float w2 = sigmas[i + 1] / w;
                float w1 = 1 - w2;
                float[] o = new float[x.length];
                for (int j = 0; j < o.length; j++) o[j] = x[j] + (d[j] * w1 + d2[j] * w2) * dt;
                x = o;
            } else {
                float[] x2 = Steps.euler(x, d, dt);
                float[] d2 = V.toD(x2, sigmas[i + 1], r.denoise(x2, sigmas[i + 1]));
                float dt2 = sigmas[i + 2] - sigmas[i + 1];
                float[] x3 = Steps.euler(x2, d2, dt2);
                float[] d3 = V.toD(x3, sigmas[i + 2], r.denoise(x3, sigmas[i + 2]));
                float w = 3 * sigmas[0];
                float w2 = sigmas[i + 1] / w;
                float w3 = sigmas[i + 2] / w;
                float w1 = 1 - w2 - w3;
                float[] o = new float[x.length];
                for (int j = 0; j < o.length; j++) o[j] = x[j] + ((w1 * d[j] + w2 * d2[j]) + w3 * d3[j]) * dt;
                x = o;
            }
        }
        return x;
    }
}

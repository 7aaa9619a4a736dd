package jdiffusion.samplers;

import jdiffusion.core.sampling.Denoiser;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.sampling.SamplingContext;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.core.sampling.StepListener;

/**
 * Implements Algorithm 2 (Euler steps) from Karras et al. (2022), "Elucidating the Design Space of
 * Diffusion-Based Generative Models", with optional churn ({@code s_churn}, {@code s_tmin},
 * {@code s_tmax}, {@code s_noise}), in k-diffusion's {@code sample_euler} order of operations.
 */
public final class EulerSampler implements Sampler {

    @Override
    public String name() {
        return "euler";
    }

    @Override
    public String description() {
        return "Euler's method (Karras et al. 2022, Algorithm 2), optional churn";
    }

    @Override
    public float[] sample(Denoiser denoiser, float[] x0, Sigmas sigmas, SamplingContext ctx) {
        double sChurn = ctx.options().getDouble("s_churn", 0.0);
        double sTmin = ctx.options().getDouble("s_tmin", 0.0);
        double sTmax = ctx.options().getDouble("s_tmax", Double.POSITIVE_INFINITY);
        float sNoise = (float) ctx.options().getDouble("s_noise", 1.0);
        NoiseSource noise = ctx.noise();
        float[] x = x0.clone();
        int n = sigmas.steps();
        for (int i = 0; i < n; i++) {
            float sigma = sigmas.get(i);
            float gamma = (sChurn > 0 && sTmin <= sigma && sigma <= sTmax)
                    ? (float) Math.min(sChurn / n, Math.sqrt(2.0) - 1) : 0f;
            float sigmaHat = sigma * (gamma + 1f);
            if (gamma > 0) {
                float[] eps = noise.next(x.length);
                float extra = (float) Math.sqrt(sigmaHat * sigmaHat - sigma * sigma);
                for (int j = 0; j < x.length; j++) x[j] = x[j] + eps[j] * sNoise * extra;
            }
            float[] denoised = denoiser.denoise(x, sigmaHat);
            ctx.listener().onStep(new StepListener.Step(i, n, sigma, sigmaHat, x, denoised));
            float dt = sigmas.get(i + 1) - sigmaHat;
            float[] next = new float[x.length];
            for (int j = 0; j < x.length; j++) {
                float d = (x[j] - denoised[j]) / sigmaHat;
                next[j] = x[j] + d * dt;
            }
            x = next;
        }
        return x;
    }
}

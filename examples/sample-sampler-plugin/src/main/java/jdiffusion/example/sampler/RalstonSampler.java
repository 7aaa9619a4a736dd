package jdiffusion.example.sampler;

import jdiffusion.core.sampling.Denoiser;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.sampling.SamplingContext;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.core.sampling.StepListener;

/**
 * Ralston's second-order Runge-Kutta method (Ralston 1962, the RK2 with minimal truncation error bound)
 * on the probability-flow ODE dx/dsigma = (x - D(x; sigma)) / sigma (Karras et al. 2022, eq. 4): a
 * stage at 2/3 of the step, then weights 1/4 and 3/4. The last step to sigma = 0 is an Euler step.
 */
public final class RalstonSampler implements Sampler {

    @Override
    public String name() {
        return "ralston";
    }

    @Override
    public String description() {
        return "Ralston's RK2 (example third-party plugin)";
    }

    @Override
    public float[] sample(Denoiser denoiser, float[] x0, Sigmas sigmas, SamplingContext ctx) {
        float[] x = x0.clone();
        int n = sigmas.steps();
        for (int i = 0; i < n; i++) {
            float sigma = sigmas.get(i);
            float next = sigmas.get(i + 1);
            float[] denoised = denoiser.denoise(x, sigma);
            ctx.listener().onStep(new StepListener.Step(i, n, sigma, sigma, x, denoised));
            float h = next - sigma;
            float[] d1 = new float[x.length];
            for (int j = 0; j < x.length; j++) d1[j] = (x[j] - denoised[j]) / sigma;
            float[] out = new float[x.length];
            if (next == 0f) {
                for (int j = 0; j < x.length; j++) out[j] = x[j] + h * d1[j];
            } else {
                float sigmaMid = sigma + h * 2f / 3f;
                float[] xMid = new float[x.length];
                for (int j = 0; j < x.length; j++) xMid[j] = x[j] + h * 2f / 3f * d1[j];
                float[] denoisedMid = denoiser.denoise(xMid, sigmaMid);
                for (int j = 0; j < x.length; j++) {
                    float d2 = (xMid[j] - denoisedMid[j]) / sigmaMid;
                    out[j] = x[j] + h * (0.25f * d1[j] + 0.75f * d2);
                }
            }
            x = out;
        }
        return x;
    }
}

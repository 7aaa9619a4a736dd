package jdiffusion.samplers;

import java.util.List;
import jdiffusion.samplers.step.Dpm2Step;

/**
 * A sampler inspired by DPM-Solver-2 (Lu et al. 2022) and Algorithm 2 of Karras et al. (2022): an Euler
 * half-step to the geometric midpoint sigma_mid = sqrt(sigma sigma_next), then the full step with the slope
 * there. The last step to 0 is Euler. Optional churn as {@link EulerSampler}.
 */
public final class Dpm2Sampler extends KSampler {

    public Dpm2Sampler() {
        super("dpm_2", List.of(), "DPM-Solver-2 style midpoint method in log sigma (k-diffusion), optional churn",
                "s_churn", "s_tmin", "s_tmax", "s_noise");
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        Churn churn = Churn.of(r, sigmas.length - 1);
        for (int i = 0; i < sigmas.length - 1; i++) {
            float sigmaHat = churn.sigmaHat(sigmas[i]);
            if (churn.active(sigmas[i])) x = churn.addNoise(x, sigmas[i], sigmaHat, r.randn());
            float[] denoised = r.denoise(x, sigmaHat);
            float[] d = V.toD(x, sigmaHat, denoised);
            r.step(i, sigmas[i], sigmaHat, x, denoised);
            if (sigmas[i + 1] == 0) {
                x = Steps.euler(x, d, sigmas[i + 1] - sigmaHat);
            } else {
                x = midpointStep(r, x, d, sigmaHat, sigmas[i + 1]);
            }
        }
        return x;
    }

    /** The DPM-Solver-2 step from sigma to sigmaNext given the slope d at sigma. */
    static float[] midpointStep(SamplerRun r, float[] x, float[] d, float sigma, float sigmaNext) {
        float sigmaMid = Dpm2Step.midpoint(sigma, sigmaNext);
        float dt1 = sigmaMid - sigma;
        float dt2 = sigmaNext - sigma;
        float[] x2 = Steps.euler(x, d, dt1);
        float[] d2 = V.toD(x2, sigmaMid, r.denoise(x2, sigmaMid));
        return Steps.euler(x, d2, dt2);
    }
}

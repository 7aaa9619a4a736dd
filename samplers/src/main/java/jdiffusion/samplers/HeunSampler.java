package jdiffusion.samplers;

import java.util.List;
import jdiffusion.samplers.step.HeunStep;

/**
 * Implements Algorithm 2 (Heun steps) from Karras et al. (2022): an Euler predictor and the trapezoidal
 * corrector, second order; the last step to sigma = 0 is an Euler step. Optional churn as {@link EulerSampler}.
 */
public final class HeunSampler extends KSampler {

    public HeunSampler() {
        super("heun", List.of(), "Heun's second-order method (Karras et al. 2022, Algorithm 2), optional churn",
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
            float dt = sigmas[i + 1] - sigmaHat;
            if (sigmas[i + 1] == 0) {
                x = Steps.euler(x, d, dt);
            } else {
                float[] x2 = Steps.euler(x, d, dt);
                float[] d2 = V.toD(x2, sigmas[i + 1], r.denoise(x2, sigmas[i + 1]));
                x = Steps.euler(x, HeunStep.averageDerivative(d, d2), dt);
            }
        }
        return x;
    }
}

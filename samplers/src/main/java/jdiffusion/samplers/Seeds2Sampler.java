package jdiffusion.samplers;

import java.util.List;

/**
 * SEEDS-2, the stochastic explicit exponential derivative-free solver of Gonzalez et al. (2023,
 * arXiv:2305.14267, VP data prediction), as ComfyUI's {@code sample_seeds_2}: two stages per step with the
 * intermediate point at fraction {@code r} (default 1/2) in half-logSNR, noise scaled by {@code eta} and
 * {@code s_noise} (eta = 0 gives a deterministic exponential Runge-Kutta method).
 */
public final class Seeds2Sampler extends KSampler {

    public Seeds2Sampler() {
        super("seeds_2", List.of(), "SEEDS-2: stochastic exponential two-stage solver (eta, s_noise, r)", "eta", "s_noise", "r");
    }

    @Override
    public boolean isStochastic() {
        return true;
    }

    @Override
    float[] run(SamplerRun run, float[] x, float[] sigmas) {
        double eta = run.option("eta", 1.0);
        double sNoiseD = run.option("s_noise", 1.0);
        float sNoise = (float) sNoiseD;
        double r = run.option("r", 0.5);
        boolean inject = eta > 0 && sNoiseD > 0;
        boolean flow = run.isFlow();
        sigmas = HalfLogSnr.offsetFirstSigma(sigmas, flow ? run.modelSampling() : null);
        float fac = (float) (1 / (2 * r));
        float etaF = (float) eta;
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised = run.denoise(x, sigmas[i]);
            run.step(i, sigmas[i], sigmas[i], x, denoised);
            if (sigmas[i + 1] == 0) {
                x = denoised;
                continue;
            }
            float lambdaS = HalfLogSnr.lambda(sigmas[i], flow);
            float lambdaT = HalfLogSnr.lambda(sigmas[i + 1], flow);
            float h = lambdaT - lambdaS;
            float hEta = h * (float) (eta + 1);
            float lambdaS1 = F32.lerp(lambdaS, lambdaT, (float) r);
            float sigmaS1 = HalfLogSnr.sigma(lambdaS1, flow);
            float alphaS1 = sigmaS1 * F32.exp(lambdaS1);
            float alphaT = sigmas[i + 1] * F32.exp(lambdaT);

            // Step 1
            float k1 = sigmaS1 / sigmas[i] * F32.exp((float) -r * h * etaF);
            float k2 = alphaS1 * F32.expm1((float) -r * hEta);
            float[] x2 = new float[x.length];
            for (int j = 0; j < x.length; j++) x2[j] = k1 * x[j] - k2 * denoised[j];
            float[] sdeNoise = null;
            if (inject) {
                float c = F32.sqrt(-F32.expm1((float) (-2 * r) * h * etaF));
                float[] n = run.noise(sigmas[i], sigmaS1);
                sdeNoise = new float[x.length];
                for (int j = 0; j < x.length; j++) {
                    sdeNoise[j] = c * n[j];
                    x2[j] = x2[j] + (sdeNoise[j] * sigmaS1) * sNoise;
                }
            }
            float[] denoised2 = run.denoise(x2, sigmaS1);

            // Step 2
            float[] dd = V.lerp(denoised, denoised2, fac);
            float k3 = sigmas[i + 1] / sigmas[i] * F32.exp(-h * etaF);
            float k4 = alphaT * F32.expm1(-hEta);
            float[] o = new float[x.length];
            for (int j = 0; j < x.length; j++) o[j] = k3 * x[j] - k4 * dd[j];
            if (inject) {
                float segment = (float) (r - 1) * h * etaF;
                float decay = F32.exp(segment);
                float c = F32.sqrt(-F32.expm1(segment * 2));
                float[] n = run.noise(sigmaS1, sigmas[i + 1]);
                for (int j = 0; j < x.length; j++) {
                    float sn = sdeNoise[j] * decay + c * n[j];
                    o[j] = o[j] + (sn * sigmas[i + 1]) * sNoise;
                }
            }
            x = o;
        }
        return x;
    }
}

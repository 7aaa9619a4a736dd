package jdiffusion.samplers;

import java.util.List;

/**
 * SEEDS-3 (Gonzalez et al. 2023, arXiv:2305.14267, VP data prediction), as ComfyUI's {@code sample_seeds_3}:
 * three stages per step at fractions {@code r_1} = 1/3 and {@code r_2} = 2/3 in half-logSNR, with noise
 * scaled by {@code eta} and {@code s_noise} (eta = 0 gives a deterministic third-order exponential
 * Runge-Kutta method).
 */
public final class Seeds3Sampler extends KSampler {

    public Seeds3Sampler() {
        super("seeds_3", List.of(), "SEEDS-3: stochastic exponential three-stage solver (eta, s_noise, r_1, r_2)",
                "eta", "s_noise", "r_1", "r_2");
    }

    @Override
    public boolean isStochastic() {
        return true;
    }

    /** h phi_1(h) = e^h - 1. */
    private static float phi1(float h) {
        return F32.expm1(h);
    }

    /** h phi_2(h) = (e^h - 1 - h) / h. */
    private static float phi2(float h) {
        return (F32.expm1(h) - h) / h;
    }

    @Override
    float[] run(SamplerRun run, float[] x, float[] sigmas) {
        double eta = run.option("eta", 1.0);
        double sNoiseD = run.option("s_noise", 1.0);
        float sNoise = (float) sNoiseD;
        double r1 = run.option("r_1", 1.0 / 3);
        double r2 = run.option("r_2", 2.0 / 3);
        boolean inject = eta > 0 && sNoiseD > 0;
        boolean flow = run.isFlow();
        sigmas = HalfLogSnr.offsetFirstSigma(sigmas, flow ? run.modelSampling() : null);
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
            float lambdaS1 = F32.lerp(lambdaS, lambdaT, (float) r1);
            float lambdaS2 = F32.lerp(lambdaS, lambdaT, (float) r2);
            float sigmaS1 = HalfLogSnr.sigma(lambdaS1, flow);
            float sigmaS2 = HalfLogSnr.sigma(lambdaS2, flow);
            float alphaS1 = sigmaS1 * F32.exp(lambdaS1);
            float alphaS2 = sigmaS2 * F32.exp(lambdaS2);
            float alphaT = sigmas[i + 1] * F32.exp(lambdaT);

            // Step 1
            float k1 = sigmaS1 / sigmas[i] * F32.exp((float) -r1 * h * etaF);
            float k2 = alphaS1 * phi1((float) -r1 * hEta);
            float[] x2 = new float[x.length];
            for (int j = 0; j < x.length; j++) x2[j] = k1 * x[j] - k2 * denoised[j];
            float[] sdeNoise = null;
            if (inject) {
                float c = F32.sqrt(-F32.expm1((float) (-2 * r1) * h * etaF));
                float[] n = run.noise(sigmas[i], sigmaS1);
                sdeNoise = new float[x.length];
                for (int j = 0; j < x.length; j++) {
                    sdeNoise[j] = c * n[j];
                    x2[j] = x2[j] + (sdeNoise[j] * sigmaS1) * sNoise;
                }
            }
            float[] denoised2 = run.denoise(x2, sigmaS1);

            // Step 2
            float a32 = (float) (r2 / r1) * phi2((float) -r2 * hEta);
            float a31 = phi1((float) -r2 * hEta) - a32;
            float k3 = sigmaS2 / sigmas[i] * F32.exp((float) -r2 * h * etaF);
            float[] x3 = new float[x.length];
            for (int j = 0; j < x.length; j++) x3[j] = k3 * x[j] - alphaS2 * (a31 * denoised[j] + a32 * denoised2[j]);
            if (inject) {
                float segment = (float) (r1 - r2) * h * etaF;
                float decay = F32.exp(segment);
                float c = F32.sqrt(-F32.expm1(segment * 2));
                float[] n = run.noise(sigmaS1, sigmaS2);
                for (int j = 0; j < x.length; j++) {
                    sdeNoise[j] = sdeNoise[j] * decay + c * n[j];
                    x3[j] = x3[j] + (sdeNoise[j] * sigmaS2) * sNoise;
                }
            }
            float[] denoised3 = run.denoise(x3, sigmaS2);

            // Step 3
            float b3 = phi2(-hEta) / (float) r2;
            float b1 = phi1(-hEta) - b3;
            float k4 = sigmas[i + 1] / sigmas[i] * F32.exp(-h * etaF);
            float[] o = new float[x.length];
            for (int j = 0; j < x.length; j++) o[j] = k4 * x[j] - alphaT * (b1 * denoised[j] + b3 * denoised3[j]);
            if (inject) {
                float segment = (float) (r2 - 1) * h * etaF;
                float decay = F32.exp(segment);
                float c = F32.sqrt(-F32.expm1(segment * 2));
                float[] n = run.noise(sigmaS2, sigmas[i + 1]);
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

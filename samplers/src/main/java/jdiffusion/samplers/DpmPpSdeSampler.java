package jdiffusion.samplers;

import java.util.List;

/**
 * DPM-Solver++ (stochastic), k-diffusion's {@code sample_dpmpp_sde} in ComfyUI's half-logSNR form: a
 * second-order singlestep method (intermediate point at fraction {@code r} of the step in lambda, default
 * 1/2) where each stage goes down to an ancestral sigma_down and re-noises with sigma_up ({@code eta},
 * {@code s_noise}). Meant for a Brownian-tree noise source ({@link jdiffusion.samplers.noise.BrownianTreeNoise}).
 */
public final class DpmPpSdeSampler extends KSampler {

    public DpmPpSdeSampler() {
        super("dpmpp_sde", List.of("dpmpp_sde_gpu"), "DPM-Solver++ SDE: stochastic second-order singlestep (eta, s_noise, r)",
                "eta", "s_noise", "r");
    }

    @Override
    public boolean isStochastic() {
        return true;
    }

    @Override
    public boolean prefersBrownianNoise() {
        return true;
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        if (sigmas.length <= 1) return x.clone();
        double eta = r.option("eta", 1.0);
        double sNoiseD = r.option("s_noise", 1.0);
        float sNoise = (float) sNoiseD;
        double rr = r.option("r", 0.5);
        boolean flow = r.isFlow();
        boolean noisy = eta > 0 && sNoiseD > 0;
        sigmas = HalfLogSnr.offsetFirstSigma(sigmas, r.isFlow() ? r.modelSampling() : null);
        double fac = 1 / (2 * rr);
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised = r.denoise(x, sigmas[i]);
            r.step(i, sigmas[i], sigmas[i], x, denoised);
            if (sigmas[i + 1] == 0) {
                x = denoised;
                continue;
            }
            float lambdaS = HalfLogSnr.lambda(sigmas[i], flow);
            float lambdaT = HalfLogSnr.lambda(sigmas[i + 1], flow);
            float h = lambdaT - lambdaS;
            float lambdaS1 = lambdaS + (float) rr * h;
            float sigmaS1 = HalfLogSnr.sigma(lambdaS1, flow);
            float alphaS = sigmas[i] * F32.exp(lambdaS);
            float alphaS1 = sigmaS1 * F32.exp(lambdaS1);
            float alphaT = sigmas[i + 1] * F32.exp(lambdaT);

            // Step 1
            AncestralSplit a = AncestralSplit.of(F32.exp(-lambdaS), F32.exp(-lambdaS1), eta);
            float h1 = -F32.log(a.down()) - lambdaS;
            float k1 = alphaS1 / alphaS * F32.exp(-h1);
            float k2 = alphaS1 * F32.expm1(-h1);
            float[] x2 = new float[x.length];
            for (int j = 0; j < x.length; j++) x2[j] = k1 * x[j] - k2 * denoised[j];
            if (noisy) {
                float[] n = r.noise(sigmas[i], sigmaS1);
                for (int j = 0; j < x.length; j++) x2[j] = x2[j] + ((alphaS1 * n[j]) * sNoise) * a.up();
            }
            float[] denoised2 = r.denoise(x2, sigmaS1);

            // Step 2
            AncestralSplit b = AncestralSplit.of(F32.exp(-lambdaS), F32.exp(-lambdaT), eta);
            float h2 = -F32.log(b.down()) - lambdaS;
            float w1 = (float) (1 - fac);
            float w2 = (float) fac;
            float k3 = alphaT / alphaS * F32.exp(-h2);
            float k4 = alphaT * F32.expm1(-h2);
            float[] o = new float[x.length];
            for (int j = 0; j < x.length; j++) {
                float dd = w1 * denoised[j] + w2 * denoised2[j];
                o[j] = k3 * x[j] - k4 * dd;
            }
            if (noisy) {
                float[] n = r.noise(sigmas[i], sigmas[i + 1]);
                for (int j = 0; j < x.length; j++) o[j] = o[j] + ((alphaT * n[j]) * sNoise) * b.up();
            }
            x = o;
        }
        return x;
    }
}

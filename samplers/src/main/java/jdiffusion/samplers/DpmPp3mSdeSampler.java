package jdiffusion.samplers;

import java.util.List;

/**
 * DPM-Solver++(3M) SDE (k-diffusion's {@code sample_dpmpp_3m_sde} in ComfyUI's half-logSNR form): the
 * third-order multistep data-prediction solver with noise scaled by {@code eta} (0 gives the ODE solver);
 * the first steps use the 1st- and 2nd-order forms. Meant for a Brownian-tree noise source.
 */
public final class DpmPp3mSdeSampler extends KSampler {

    public DpmPp3mSdeSampler() {
        super("dpmpp_3m_sde", List.of("dpmpp_3m_sde_gpu"), "DPM-Solver++(3M) SDE: third-order multistep (eta, s_noise)",
                "eta", "s_noise");
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
        boolean flow = r.isFlow();
        sigmas = HalfLogSnr.offsetFirstSigma(sigmas, flow ? r.modelSampling() : null);
        float[] denoised1 = null;
        float[] denoised2 = null;
        Float h = null;
        Float h1 = null;
        Float h2 = null;
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised = r.denoise(x, sigmas[i]);
            r.step(i, sigmas[i], sigmas[i], x, denoised);
            if (sigmas[i + 1] == 0) {
                x = denoised;
            } else {
                float lambdaS = HalfLogSnr.lambda(sigmas[i], flow);
                float lambdaT = HalfLogSnr.lambda(sigmas[i + 1], flow);
                float hh = lambdaT - lambdaS;
                h = hh;
                float hEta = hh * (float) (eta + 1);
                float alphaT = sigmas[i + 1] * F32.exp(lambdaT);
                float k1 = sigmas[i + 1] / sigmas[i] * F32.exp(-hh * (float) eta);
                float k2 = alphaT * -F32.expm1(-hEta);
                float[] o = new float[x.length];
                for (int j = 0; j < o.length; j++) o[j] = k1 * x[j] + k2 * denoised[j];
                if (h2 != null) {
                    float r0 = h1 / hh;
                    float r1 = h2 / hh;
                    float phi2 = F32.expm1(-hEta) / hEta + 1;
                    float phi3 = phi2 / hEta - 0.5f;
                    float c2 = alphaT * phi2;
                    float c3 = alphaT * phi3;
                    float r01 = r0 + r1;
                    for (int j = 0; j < o.length; j++) {
                        float d10 = (denoised[j] - denoised1[j]) / r0;
                        float d11 = (denoised1[j] - denoised2[j]) / r1;
                        float d1 = d10 + (d10 - d11) * r0 / r01;
                        float d2 = (d10 - d11) / r01;
                        o[j] = o[j] + c2 * d1 - c3 * d2;
                    }
                } else if (h1 != null) {
                    float rr = h1 / hh;
                    float phi2 = F32.expm1(-hEta) / hEta + 1;
                    float c2 = alphaT * phi2;
                    for (int j = 0; j < o.length; j++) o[j] = o[j] + c2 * ((denoised[j] - denoised1[j]) / rr);
                }
                if (eta > 0 && sNoiseD > 0) {
                    float[] n = r.noise(sigmas[i], sigmas[i + 1]);
                    float scale = F32.sqrt(-F32.expm1(-2 * hh * (float) eta));
                    for (int j = 0; j < o.length; j++) o[j] = o[j] + ((n[j] * sigmas[i + 1]) * scale) * sNoise;
                }
                x = o;
            }
            denoised2 = denoised1;
            denoised1 = denoised;
            h2 = h1;
            h1 = h;
        }
        return x;
    }
}

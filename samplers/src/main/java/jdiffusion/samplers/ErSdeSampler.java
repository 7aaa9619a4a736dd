package jdiffusion.samplers;

import java.util.List;

/**
 * The extended reverse-time SDE solver ER-SDE-Solver-3 (Cui et al. 2023, arXiv:2309.06169, VP form), as
 * ComfyUI's {@code sample_er_sde}: in er_lambda = sigma / alpha with the default noise scaler
 * x (e^{x^0.3} + 10), stages 1-3 ({@code max_stage}) whose integrals are 200-point Riemann sums, and noise
 * scaled by {@code s_noise} (0 gives a deterministic solver).
 */
public final class ErSdeSampler extends KSampler {

    private static final int POINTS = 200;

    public ErSdeSampler() {
        super("er_sde", List.of(), "ER-SDE-Solver-3: extended reverse-time SDE, up to 3 stages (max_stage, s_noise)",
                "s_noise", "max_stage");
    }

    @Override
    public boolean isStochastic() {
        return true;
    }

    static float noiseScaler(float x) {
        return x * (F32.exp(F32.pow(x, 0.3)) + 10.0f);
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        double sNoiseD = r.option("s_noise", 1.0);
        float sNoise = (float) sNoiseD;
        int maxStage = r.intOption("max_stage", 3);
        boolean flow = r.isFlow();
        sigmas = HalfLogSnr.offsetFirstSigma(sigmas, flow ? r.modelSampling() : null);
        float[] erLambdas = HalfLogSnr.lambdas(sigmas, flow);
        for (int i = 0; i < sigmas.length; i++) erLambdas[i] = F32.exp(-erLambdas[i]);
        float[] oldDenoised = null;
        float[] oldDenoisedD = null;
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised = r.denoise(x, sigmas[i]);
            r.step(i, sigmas[i], sigmas[i], x, denoised);
            int stageUsed = Math.min(maxStage, i + 1);
            if (sigmas[i + 1] == 0) {
                x = denoised;
            } else {
                float ls = erLambdas[i];
                float lt = erLambdas[i + 1];
                float alphaS = sigmas[i] / ls;
                float alphaT = sigmas[i + 1] / lt;
                float rAlpha = alphaT / alphaS;
                float rr = noiseScaler(lt) / noiseScaler(ls);
                float k1 = rAlpha * rr;
                float k2 = alphaT * (1 - rr);
                float[] o = new float[x.length];
                for (int j = 0; j < o.length; j++) o[j] = k1 * x[j] + k2 * denoised[j];
                if (stageUsed >= 2) {
                    float dt = lt - ls;
                    float stepSize = -dt / POINTS;
                    float[] pos = new float[POINTS];
                    for (int p = 0; p < POINTS; p++) pos[p] = lt + p * stepSize;
                    float[] powed = TorchMath.pow(pos, 0.3);
                    float[] scaled = new float[POINTS];
                    float[] inv = new float[POINTS];
                    for (int p = 0; p < POINTS; p++) {
                        scaled[p] = pos[p] * (F32.exp(powed[p]) + 10.0f);
                        inv[p] = 1 / scaled[p];
                    }
                    float s = TorchSum.of(inv) * stepSize;
                    float dl = ls - erLambdas[i - 1];
                    float[] denoisedD = new float[x.length];
                    for (int j = 0; j < o.length; j++) denoisedD[j] = (denoised[j] - oldDenoised[j]) / dl;
                    float k3 = alphaT * (dt + s * noiseScaler(lt));
                    for (int j = 0; j < o.length; j++) o[j] = o[j] + k3 * denoisedD[j];
                    if (stageUsed >= 3) {
                        float[] w = new float[POINTS];
                        for (int p = 0; p < POINTS; p++) w[p] = (pos[p] - ls) / scaled[p];
                        float su = TorchSum.of(w) * stepSize;
                        float dl2 = (ls - erLambdas[i - 2]) / 2;
                        float k4 = alphaT * ((dt * dt) / 2 + su * noiseScaler(lt));
                        for (int j = 0; j < o.length; j++) o[j] = o[j] + k4 * ((denoisedD[j] - oldDenoisedD[j]) / dl2);
                    }
                    oldDenoisedD = denoisedD;
                }
                if (sNoiseD > 0) {
                    float scale = F32.nanToNum(F32.sqrt(lt * lt - ls * ls * (rr * rr)));
                    float[] n = r.noise(sigmas[i], sigmas[i + 1]);
                    for (int j = 0; j < o.length; j++) o[j] = o[j] + ((alphaT * n[j]) * sNoise) * scale;
                }
                x = o;
            }
            oldDenoised = denoised;
        }
        return x;
    }
}

package jdiffusion.samplers;

import java.util.List;

/**
 * DPM-Solver++(2M) SDE (k-diffusion's {@code sample_dpmpp_2m_sde} in ComfyUI's half-logSNR form): the
 * multistep data-prediction SDE solver of Lu et al. (2022b) with {@code eta} scaling the noise (eta = 0 is
 * the ODE solver) and {@code solver_type} {@code midpoint} (default) or {@code heun} for the second-order
 * correction. Meant for a Brownian-tree noise source. {@link Heun} defaults to the heun correction.
 */
public class DpmPp2mSdeSampler extends KSampler {

    private final String defaultSolverType;

    public DpmPp2mSdeSampler() {
        this("dpmpp_2m_sde", List.of("dpmpp_2m_sde_gpu"), "midpoint");
    }

    DpmPp2mSdeSampler(String name, List<String> aliases, String defaultSolverType) {
        super(name, aliases, "DPM-Solver++(2M) SDE, " + defaultSolverType + " correction by default (eta, s_noise, solver_type)",
                "eta", "s_noise", "solver_type");
        this.defaultSolverType = defaultSolverType;
    }

    @Override
    public boolean isStochastic() {
        return true;
    }

    @Override
    public final boolean prefersBrownianNoise() {
        return true;
    }

    @Override
    final float[] run(SamplerRun r, float[] x, float[] sigmas) {
        if (sigmas.length <= 1) return x.clone();
        String solverType = r.options().getChoice("solver_type", defaultSolverType, "heun", "midpoint");
        boolean heun = solverType.equals("heun");
        double eta = r.option("eta", 1.0);
        double sNoiseD = r.option("s_noise", 1.0);
        float sNoise = (float) sNoiseD;
        boolean flow = r.isFlow();
        sigmas = HalfLogSnr.offsetFirstSigma(sigmas, flow ? r.modelSampling() : null);
        float[] oldDenoised = null;
        float h = Float.NaN;
        float hLast = Float.NaN;
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised = r.denoise(x, sigmas[i]);
            r.step(i, sigmas[i], sigmas[i], x, denoised);
            if (sigmas[i + 1] == 0) {
                x = denoised;
            } else {
                float lambdaS = HalfLogSnr.lambda(sigmas[i], flow);
                float lambdaT = HalfLogSnr.lambda(sigmas[i + 1], flow);
                h = lambdaT - lambdaS;
                float hEta = h * (float) (eta + 1);
                float alphaT = sigmas[i + 1] * F32.exp(lambdaT);
                float k1 = sigmas[i + 1] / sigmas[i] * F32.exp(-h * (float) eta);
                float k2 = alphaT * -F32.expm1(-hEta);
                float[] o = new float[x.length];
                for (int j = 0; j < o.length; j++) o[j] = k1 * x[j] + k2 * denoised[j];
                if (oldDenoised != null) {
                    float rr = hLast / h;
                    float k3 = heun
                            ? alphaT * (-F32.expm1(-hEta) / -hEta + 1) * (1 / rr)
                            : 0.5f * alphaT * -F32.expm1(-hEta) * (1 / rr);
                    for (int j = 0; j < o.length; j++) o[j] = o[j] + k3 * (denoised[j] - oldDenoised[j]);
                }
                if (eta > 0 && sNoiseD > 0) {
                    float[] n = r.noise(sigmas[i], sigmas[i + 1]);
                    float scale = F32.sqrt(-F32.expm1(-2 * h * (float) eta));
                    for (int j = 0; j < o.length; j++) o[j] = o[j] + ((n[j] * sigmas[i + 1]) * scale) * sNoise;
                }
                x = o;
            }
            oldDenoised = denoised;
            hLast = h;
        }
        return x;
    }

    /** {@code dpmpp_2m_sde_heun}: the same solver with the heun correction by default. */
    public static final class Heun extends DpmPp2mSdeSampler {
        public Heun() {
            super("dpmpp_2m_sde_heun", List.of("dpmpp_2m_sde_heun_gpu"), "heun");
        }
    }
}

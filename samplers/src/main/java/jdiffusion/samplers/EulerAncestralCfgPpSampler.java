package jdiffusion.samplers;

import java.util.List;
import jdiffusion.core.sampling.Denoiser;

/**
 * Euler ancestral with CFG++ (Chung et al. 2024, "CFG++: Manifold-constrained Classifier Free Guidance for
 * Diffusion Models"), as ComfyUI's {@code sample_euler_ancestral_cfg_pp}: the step re-noises the guided
 * estimate along the direction of the unconditional one, in the model's alpha/sigma scaling. {@link EulerCfgPp}
 * is its eta = 0 form.
 */
public class EulerAncestralCfgPpSampler extends KSampler {

    private final boolean deterministic;

    public EulerAncestralCfgPpSampler() {
        this("euler_a_cfg_pp", List.of("euler_ancestral_cfg_pp"), false);
    }

    EulerAncestralCfgPpSampler(String name, List<String> aliases, boolean deterministic) {
        super(name, aliases, deterministic ? "Euler with CFG++ (Chung et al. 2024)" : "Euler ancestral with CFG++ (eta, s_noise)",
                deterministic ? new String[0] : new String[] {"eta", "s_noise"});
        this.deterministic = deterministic;
    }

    @Override
    public final boolean isStochastic() {
        return !deterministic;
    }

    @Override
    public final boolean needsUnconditional() {
        return true;
    }

    @Override
    final float[] run(SamplerRun r, float[] x, float[] sigmas) {
        double eta = deterministic ? 0.0 : r.option("eta", 1.0);
        double sNoiseD = deterministic ? 0.0 : r.option("s_noise", 1.0);
        float sNoise = (float) sNoiseD;
        boolean flow = r.isFlow();
        for (int i = 0; i < sigmas.length - 1; i++) {
            Denoiser.Guided g = r.guided(x, sigmas[i]);
            float[] denoised = g.denoised();
            float[] uncond = g.uncondDenoised();
            r.step(i, sigmas[i], sigmas[i], x, denoised);
            if (sigmas[i + 1] == 0) {
                x = denoised;
                continue;
            }
            float alphaS = sigmas[i] * F32.exp(HalfLogSnr.lambda(sigmas[i], flow));
            float alphaT = sigmas[i + 1] * F32.exp(HalfLogSnr.lambda(sigmas[i + 1], flow));
            float[] scaledUncond = V.mul(alphaS, uncond);
            float[] d = V.toD(x, sigmas[i], scaledUncond);
            AncestralSplit a = AncestralSplit.of(sigmas[i] / alphaS, sigmas[i + 1] / alphaT, eta);
            float sigmaDown = alphaT * a.down();
            float[] o = new float[x.length];
            for (int j = 0; j < o.length; j++) o[j] = alphaT * denoised[j] + sigmaDown * d[j];
            if (eta > 0 && sNoiseD > 0) {
                float[] n = r.noise(sigmas[i], sigmas[i + 1]);
                for (int j = 0; j < o.length; j++) o[j] = o[j] + ((alphaT * n[j]) * sNoise) * a.up();
            }
            x = o;
        }
        return x;
    }

    /** {@code euler_cfg_pp}: Euler with CFG++. */
    public static final class EulerCfgPp extends EulerAncestralCfgPpSampler {
        public EulerCfgPp() {
            super("euler_cfg_pp", List.of(), true);
        }
    }
}

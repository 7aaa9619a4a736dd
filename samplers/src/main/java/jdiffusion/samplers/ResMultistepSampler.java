package jdiffusion.samplers;

import java.util.List;
import jdiffusion.core.sampling.Denoiser;

/**
 * The second-order multistep exponential integrator of Zhang et al. (2023, "Improved order analysis and design
 * of exponential integrator for diffusion models", arXiv:2308.02157; "RES"), as ComfyUI's
 * {@code res_multistep}: b1 = phi1 - phi2 / c2 and b2 = phi2 / c2 weigh the current and previous denoised
 * estimates. The plain form is deterministic (eta = 0, though like the reference it draws and discards noise);
 * {@link Ancestral} adds noise with {@code eta}; the {@code _cfg_pp} forms use the unconditional estimate
 * for the direction (CFG++, Chung et al. 2024).
 */
public class ResMultistepSampler extends KSampler {

    private final boolean ancestral;
    private final boolean cfgPp;

    public ResMultistepSampler() {
        this("res_multistep", List.of(), false, false);
    }

    ResMultistepSampler(String name, List<String> aliases, boolean ancestral, boolean cfgPp) {
        super(name, aliases, "RES second-order multistep exponential integrator"
                        + (ancestral ? ", ancestral (eta, s_noise)" : "") + (cfgPp ? ", CFG++" : ""),
                ancestral ? new String[] {"eta", "s_noise"} : new String[] {"s_noise"});
        this.ancestral = ancestral;
        this.cfgPp = cfgPp;
    }

    @Override
    public final boolean isStochastic() {
        return ancestral;
    }

    @Override
    public final boolean needsUnconditional() {
        return cfgPp;
    }

    @Override
    final float[] run(SamplerRun r, float[] x, float[] sigmas) {
        double eta = ancestral ? r.option("eta", 1.0) : 0.0;
        float sNoise = (float) r.option("s_noise", 1.0);
        float oldSigmaDown = Float.NaN;
        float[] oldDenoised = null;
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised;
            float[] uncond = null;
            if (cfgPp) {
                Denoiser.Guided g = r.guided(x, sigmas[i]);
                denoised = g.denoised();
                uncond = g.uncondDenoised();
            } else {
                denoised = r.denoise(x, sigmas[i]);
            }
            AncestralSplit a = AncestralSplit.of(sigmas[i], sigmas[i + 1], eta);
            r.step(i, sigmas[i], sigmas[i], x, denoised);
            if (a.down() == 0 || oldDenoised == null) {
                if (cfgPp) {
                    float[] d = V.toD(x, sigmas[i], uncond);
                    float[] o = new float[x.length];
                    for (int j = 0; j < o.length; j++) o[j] = denoised[j] + d[j] * a.down();
                    x = o;
                } else {
                    x = Steps.euler(x, V.toD(x, sigmas[i], denoised), a.down() - sigmas[i]);
                }
            } else {
                float t = -F32.log(sigmas[i]);
                float tOld = -F32.log(oldSigmaDown);
                float tNext = -F32.log(a.down());
                float tPrev = -F32.log(sigmas[i - 1]);
                float h = tNext - t;
                float c2 = (tPrev - tOld) / h;
                float phi1 = F32.expm1(-h) / -h;
                float phi2 = (phi1 - 1.0f) / -h;
                float b1 = F32.nanToNum(phi1 - phi2 / c2);
                float b2 = F32.nanToNum(phi2 / c2);
                float decay = F32.exp(-h);
                float[] o = new float[x.length];
                if (cfgPp) {
                    for (int j = 0; j < o.length; j++) {
                        float xx = x[j] + (denoised[j] - uncond[j]);
                        o[j] = decay * xx + h * (b1 * uncond[j] + b2 * oldDenoised[j]);
                    }
                } else {
                    for (int j = 0; j < o.length; j++) o[j] = decay * x[j] + h * (b1 * denoised[j] + b2 * oldDenoised[j]);
                }
                x = o;
            }
            if (sigmas[i + 1] > 0) x = Steps.addNoise(x, r.noise(sigmas[i], sigmas[i + 1]), sNoise, a.up());
            oldDenoised = cfgPp ? uncond : denoised;
            oldSigmaDown = a.down();
        }
        return x;
    }

    /** {@code res_multistep_a}: with ancestral noise. */
    public static final class Ancestral extends ResMultistepSampler {
        public Ancestral() {
            super("res_multistep_a", List.of("res_multistep_ancestral"), true, false);
        }
    }

    /** {@code res_multistep_cfg_pp}: CFG++. */
    public static final class CfgPp extends ResMultistepSampler {
        public CfgPp() {
            super("res_multistep_cfg_pp", List.of(), false, true);
        }
    }

    /** {@code res_multistep_a_cfg_pp}: ancestral and CFG++. */
    public static final class AncestralCfgPp extends ResMultistepSampler {
        public AncestralCfgPp() {
            super("res_multistep_a_cfg_pp", List.of("res_multistep_ancestral_cfg_pp"), true, true);
        }
    }
}

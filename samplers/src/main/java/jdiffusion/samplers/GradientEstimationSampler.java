package jdiffusion.samplers;

import java.util.List;
import jdiffusion.core.sampling.Denoiser;

/**
 * The gradient-estimation sampler of Permenter &amp; Yuan (2024, "Interpreting and Improving Diffusion Models
 * from an Optimization Perspective"): Euler steps plus a correction (ge_gamma - 1)(d - d_prev) dt that
 * extrapolates the denoising direction ({@code ge_gamma}, default 2); the {@link CfgPp} form uses the
 * unconditional estimate for the direction.
 */
public class GradientEstimationSampler extends KSampler {

    private final boolean cfgPp;

    public GradientEstimationSampler() {
        this("gradient_estimation", false);
    }

    GradientEstimationSampler(String name, boolean cfgPp) {
        super(name, List.of(), "Gradient estimation: Euler plus extrapolated direction (ge_gamma)" + (cfgPp ? ", CFG++" : ""), "ge_gamma");
        this.cfgPp = cfgPp;
    }

    @Override
    public final boolean needsUnconditional() {
        return cfgPp;
    }

    @Override
    final float[] run(SamplerRun r, float[] x, float[] sigmas) {
        float gammaMinusOne = (float) (r.option("ge_gamma", 2.0) - 1);
        float[] oldD = null;
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised;
            float[] d;
            if (cfgPp) {
                Denoiser.Guided g = r.guided(x, sigmas[i]);
                denoised = g.denoised();
                d = V.toD(x, sigmas[i], g.uncondDenoised());
            } else {
                denoised = r.denoise(x, sigmas[i]);
                d = V.toD(x, sigmas[i], denoised);
            }
            r.step(i, sigmas[i], sigmas[i], x, denoised);
            float dt = sigmas[i + 1] - sigmas[i];
            if (sigmas[i + 1] == 0) {
                x = denoised;
            } else {
                float[] o = new float[x.length];
                if (cfgPp) {
                    for (int j = 0; j < o.length; j++) o[j] = denoised[j] + d[j] * sigmas[i + 1];
                } else {
                    for (int j = 0; j < o.length; j++) o[j] = x[j] + d[j] * dt;
                }
                if (i >= 1) {
                    for (int j = 0; j < o.length; j++) o[j] = o[j] + (gammaMinusOne * (d[j] - oldD[j])) * dt;
                }
                x = o;
            }
            oldD = d;
        }
        return x;
    }

    /** {@code gradient_estimation_cfg_pp}: CFG++. */
    public static final class CfgPp extends GradientEstimationSampler {
        public CfgPp() {
            super("gradient_estimation_cfg_pp", true);
        }
    }
}

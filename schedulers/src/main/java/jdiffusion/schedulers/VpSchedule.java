package jdiffusion.schedulers;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.samplers.TorchLinspace;
import jdiffusion.samplers.TorchMath;

/**
 * The continuous variance-preserving schedule of Song et al. (2021, score SDE): sigma(t) =
 * sqrt(exp(beta_d t^2 / 2 + beta_min t) - 1) for t from 1 to eps_s, then 0 (k-diffusion's {@code get_sigmas_vp},
 * with expm1 as ComfyUI). Options {@code beta_d} (19.9), {@code beta_min} (0.1), {@code eps_s} (1e-3).
 */
public final class VpSchedule extends KSchedule {

    public VpSchedule() {
        super("vp", List.of(), "continuous VP schedule of the score SDE (beta_d, beta_min, eps_s)", "beta_d", "beta_min", "eps_s");
    }

    @Override
    float[] compute(ModelSampling ms, int n, Config o) {
        float betaD = (float) o.getDouble("beta_d", 19.9);
        float betaMin = (float) o.getDouble("beta_min", 0.1);
        float epsS = (float) o.getDouble("eps_s", 1e-3);
        float[] t = TorchLinspace.of(1f, epsS, n);
        float[] s = new float[n + 1];
        for (int i = 0; i < n; i++) {
            float e = betaD * (t[i] * t[i]) / 2 + betaMin * t[i];
            s[i] = (float) Math.sqrt(TorchMath.expm1(e));
        }
        return s;
    }
}

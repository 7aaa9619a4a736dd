package jdiffusion.schedulers;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.samplers.TorchLinspace;
import jdiffusion.samplers.TorchMath;

/**
 * The Laplace schedule of Tiankai et al. (2024): log sigma follows the quantiles of a Laplace distribution,
 * lambda = mu - beta sign(1/2 - x) log(1 - 2 |1/2 - x| + 1e-5) for x uniform in [0, 1], clamped to
 * [sigma_min, sigma_max] (k-diffusion's {@code get_sigmas_laplace}; like it, no trailing 0). Options {@code mu}
 * (0), {@code beta} (0.5), {@code sigma_min}, {@code sigma_max}.
 */
public final class LaplaceSchedule extends KSchedule {

    public LaplaceSchedule() {
        super("laplace", List.of(), "Laplace-quantile log sigmas (Tiankai et al. 2024), no trailing zero", "mu", "beta", "sigma_min", "sigma_max");
    }

    @Override
    float[] compute(ModelSampling ms, int n, Config o) {
        float min = (float) sigmaMin(ms, o, name());
        float max = (float) sigmaMax(ms, o, name());
        float mu = (float) o.getDouble("mu", 0.0);
        float beta = (float) o.getDouble("beta", 0.5);
        float[] x = TorchLinspace.of(0f, 1f, n);
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            float c = 0.5f - x[i];
            float lmb = mu - beta * Math.signum(c) * TorchMath.log(1 - 2 * Math.abs(c) + 1e-5f);
            s[i] = Math.min(Math.max(TorchMath.exp(lmb), min), max);
        }
        return s;
    }
}

package jdiffusion.schedulers;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.samplers.TorchLinspace;
import jdiffusion.samplers.TorchMath;

/**
 * Sigmas evenly spaced in log sigma from sigma_max to sigma_min, then 0 (k-diffusion's
 * {@code get_sigmas_exponential}). Options {@code sigma_min}, {@code sigma_max}.
 */
public final class ExponentialSchedule extends KSchedule {

    public ExponentialSchedule() {
        super("exponential", List.of(), "uniform in log sigma from sigma_max to sigma_min", "sigma_min", "sigma_max");
    }

    @Override
    float[] compute(ModelSampling ms, int n, Config o) {
        double min = sigmaMin(ms, o, name());
        double max = sigmaMax(ms, o, name());
        float[] l = TorchLinspace.of((float) Math.log(max), (float) Math.log(min), n);
        float[] s = new float[n + 1];
        for (int i = 0; i < n; i++) s[i] = TorchMath.exp(l[i]);
        return s;
    }
}

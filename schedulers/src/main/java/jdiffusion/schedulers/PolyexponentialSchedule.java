package jdiffusion.schedulers;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.samplers.TorchLinspace;
import jdiffusion.samplers.TorchMath;

/**
 * Sigmas polynomial in log sigma: log sigma_i = log sigma_min + (1 - i/(n-1))^rho (log sigma_max - log sigma_min),
 * then 0 (k-diffusion's {@code get_sigmas_polyexponential}; rho = 1 is the exponential schedule). Options
 * {@code rho}, {@code sigma_min}, {@code sigma_max}.
 */
public final class PolyexponentialSchedule extends KSchedule {

    public PolyexponentialSchedule() {
        super("polyexponential", List.of(), "polynomial in log sigma (rho = 1: exponential)", "rho", "sigma_min", "sigma_max");
    }

    @Override
    float[] compute(ModelSampling ms, int n, Config o) {
        double min = sigmaMin(ms, o, name());
        double max = sigmaMax(ms, o, name());
        double rho = o.getDouble("rho", 1.0);
        float[] ramp = TorchLinspace.of(1f, 0f, n);
        float span = (float) (Math.log(max) - Math.log(min));
        float logMin = (float) Math.log(min);
        float[] powed = TorchMath.pow(ramp, rho);
        float[] s = new float[n + 1];
        for (int i = 0; i < n; i++) s[i] = TorchMath.exp(powed[i] * span + logMin);
        return s;
    }
}

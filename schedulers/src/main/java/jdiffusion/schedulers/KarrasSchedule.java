package jdiffusion.schedulers;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.samplers.TorchLinspace;
import jdiffusion.samplers.TorchMath;

/**
 * The noise levels of Karras et al. (2022), eq. 5: sigma_i = (sigma_max^(1/rho) + i/(n-1)
 * (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho, followed by 0; rho = 7 by default (k-diffusion's
 * {@code get_sigmas_karras}, float32 as torch). Options {@code rho}, {@code sigma_min}, {@code sigma_max}.
 */
public final class KarrasSchedule extends KSchedule {

    public KarrasSchedule() {
        super("karras", List.of(), "Karras et al. (2022) eq. 5, rho = 7: dense near sigma_min", "rho", "sigma_min", "sigma_max");
    }

    @Override
    float[] compute(ModelSampling ms, int n, Config o) {
        return of(n, sigmaMin(ms, o, name()), sigmaMax(ms, o, name()), o.getDouble("rho", 7.0));
    }

    /** The schedule for explicit bounds. */
    public static float[] of(int n, double sigmaMin, double sigmaMax, double rho) {
        float[] ramp = TorchLinspace.of(0f, 1f, n);
        double minInv = Math.pow(sigmaMin, 1 / rho);
        double maxInv = Math.pow(sigmaMax, 1 / rho);
        float span = (float) (minInv - maxInv);
        float[] base = new float[n];
        for (int i = 0; i < n; i++) base[i] = (float) maxInv + ramp[i] * span;
        return appendZero(TorchMath.pow(base, rho));
    }
}

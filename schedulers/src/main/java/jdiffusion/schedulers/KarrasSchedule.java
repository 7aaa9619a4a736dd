package jdiffusion.schedulers;

import jdiffusion.core.Config;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.SigmaSchedule;

/**
 * The noise levels of Karras et al. (2022), eq. 5: sigma_i = (sigma_max^(1/rho) + i/(n-1)
 * (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho, followed by 0; rho = 7 by default.
 */
public final class KarrasSchedule implements SigmaSchedule {

    @Override
    public String name() {
        return "karras";
    }

    @Override
    public String description() {
        return "Karras et al. (2022) eq. 5, rho = 7: dense near sigma_min";
    }

    @Override
    public Sigmas sigmas(ModelSampling ms, int steps, Config options) {
        double rho = options.getDouble("rho", 7.0);
        double sigmaMin = options.getDouble("sigma_min", ms.sigmaMin());
        double sigmaMax = options.getDouble("sigma_max", ms.sigmaMax());
        double minInvRho = Math.pow(sigmaMin, 1 / rho);
        double maxInvRho = Math.pow(sigmaMax, 1 / rho);
        double[] s = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            double ramp = steps == 1 ? 0 : (double) i / (steps - 1);
            s[i] = Math.pow(maxInvRho + ramp * (minInvRho - maxInvRho), rho);
        }
        return Sigmas.ofDoubles(s);
    }
}

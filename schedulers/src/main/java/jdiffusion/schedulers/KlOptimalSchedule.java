package jdiffusion.schedulers;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.samplers.TorchMath;

/**
 * The KL-optimal schedule of Sabour et al. (2024, "Align Your Steps", eq. for the KL-optimal discretization):
 * sigma_i = tan((i/(n-1)) atan(sigma_min) + (1 - i/(n-1)) atan(sigma_max)), then 0 (ComfyUI's
 * {@code kl_optimal_scheduler}, float32). Needs at least 2 steps (ComfyUI returns NaN for 1). Options
 * {@code sigma_min}, {@code sigma_max}.
 */
public final class KlOptimalSchedule extends KSchedule {

    public KlOptimalSchedule() {
        super("kl_optimal", List.of(), "KL-optimal: uniform in atan(sigma) (Sabour et al. 2024)", "sigma_min", "sigma_max");
    }

    @Override
    float[] compute(ModelSampling ms, int n, Config o) {
        if (n < 2) {
            throw new IllegalArgumentException("schedule kl_optimal needs at least 2 steps (its ramp i / (n - 1) is undefined for n = 1)");
        }
        float aMin = (float) Math.atan(sigmaMin(ms, o, name()));
        float aMax = (float) Math.atan(sigmaMax(ms, o, name()));
        float[] s = new float[n + 1];
        for (int i = 0; i < n; i++) {
            float w = (float) i / (float) (n - 1);
            s[i] = TorchMath.tan(w * aMin + (1 - w) * aMax);
        }
        return s;
    }
}

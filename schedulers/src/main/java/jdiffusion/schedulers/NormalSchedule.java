package jdiffusion.schedulers;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.samplers.TorchLinspace;

/**
 * Timesteps evenly spaced from the model's largest to its smallest, mapped to sigmas through the model
 * sampling, then 0 (ComfyUI's {@code normal_scheduler}; if the smallest sigma is already 0 it becomes the last
 * of one extra step instead). A1111 and stable-diffusion.cpp call it "discrete".
 */
public final class NormalSchedule extends KSchedule {

    public NormalSchedule() {
        super("normal", List.of("discrete"), "timesteps uniform from the model's last to first, mapped to sigmas");
    }

    @Override
    float[] compute(ModelSampling ms, int n, Config o) {
        return uniformTimesteps(require(ms, name()), n, false);
    }

    /** ComfyUI's normal_scheduler, with {@code sgm} dropping the last point of n + 1 instead. */
    static float[] uniformTimesteps(ModelSampling ms, int steps, boolean sgm) {
        float start = (float) ms.timestep(ms.sigmaMax());
        float end = (float) ms.timestep(ms.sigmaMin());
        boolean appendZero = true;
        float[] ts;
        if (sgm) {
            float[] all = TorchLinspace.of(start, end, steps + 1);
            ts = java.util.Arrays.copyOf(all, steps);
        } else {
            if (Math.abs((float) ms.sigma(end)) <= 0.00001) {
                steps += 1;
                appendZero = false;
            }
            ts = TorchLinspace.of(start, end, steps);
        }
        float[] s = new float[ts.length + (appendZero ? 1 : 0)];
        for (int i = 0; i < ts.length; i++) s[i] = (float) ms.sigma(ts[i]);
        return s;
    }
}

package jdiffusion.schedulers;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;

/**
 * As {@link NormalSchedule} but with n + 1 uniform timesteps of which the last is dropped before the 0
 * (ComfyUI's {@code normal_scheduler(sgm=True)}, the spacing of Stability's sgm code).
 */
public final class SgmUniformSchedule extends KSchedule {

    public SgmUniformSchedule() {
        super("sgm_uniform", List.of(), "n + 1 uniform timesteps without the last, then 0 (sgm)");
    }

    @Override
    float[] compute(ModelSampling ms, int n, Config o) {
        return NormalSchedule.uniformTimesteps(require(ms, name()), n, true);
    }
}

package jdiffusion.schedulers;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.samplers.TorchLinspace;
import jdiffusion.schedulers.modelsampling.FlowModelSampling;

/**
 * Rectified-flow times t = 1 - i/n shifted towards noise, then 0: with a static {@code shift} (SD3:
 * sigma = shift t / (1 + (shift - 1) t)) or, given {@code mu} or an image size ({@code width}, {@code height},
 * {@code base_shift} 0.5, {@code max_shift} 1.15), Flux's resolution-dependent exponential shift
 * sigma = e^mu / (e^mu + 1/t - 1). Without options it uses the model sampling's own shift (3 for a plain
 * model sampling).
 */
public final class FlowShiftSchedule extends KSchedule {

    public FlowShiftSchedule() {
        super("flow_shift", List.of("shift"), "rectified-flow times shifted statically (SD3) or by resolution (Flux)",
                "shift", "mu", "width", "height", "base_shift", "max_shift");
    }

    @Override
    float[] compute(ModelSampling ms, int n, Config o) {
        FlowModelSampling flow;
        if (o.has("mu")) {
            flow = FlowModelSampling.flux(o.getDouble("mu", 0));
        } else if (o.has("width") || o.has("height")) {
            flow = FlowModelSampling.fluxForResolution(o.getInt("width", 1024), o.getInt("height", 1024),
                    o.getDouble("base_shift", 0.5), o.getDouble("max_shift", 1.15));
        } else if (o.has("shift")) {
            flow = FlowModelSampling.shifted(o.getDouble("shift", 3.0), 1.0);
        } else if (ms instanceof FlowModelSampling f) {
            flow = f;
        } else {
            flow = FlowModelSampling.shifted(3.0, 1.0);
        }
        float[] t = TorchLinspace.of(1f, 0f, n + 1);
        float[] s = new float[n + 1];
        for (int i = 0; i < n; i++) s[i] = (float) flow.sigma(flow.isFluxShift() ? t[i] : flow.timestep(t[i]));
        return s;
    }
}

package jdiffusion.schedulers;

import java.util.List;
import java.util.Locale;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;

/**
 * Align Your Steps (Sabour et al. 2024, arXiv:2404.14507): NVIDIA's optimized 10-step sigmas for SD 1.5, SDXL
 * and SVD, log-linearly interpolated to other step counts, ending in 0 (ComfyUI's
 * {@code AlignYourStepsScheduler}). Options {@code model_type} (SD1, SDXL, SVD; default SD1) and {@code denoise}
 * (below 1 keeps the last round(n denoise) steps).
 */
public final class AlignYourStepsSchedule extends KSchedule {

    /** The published 10-step noise levels. */
    private static final double[] SD1 = {14.6146412293, 6.4745760956, 3.8636745985, 2.6946151520, 1.8841921177,
            1.3943805092, 0.9642583904, 0.6523686016, 0.3977456272, 0.1515232662, 0.0291671582};
    private static final double[] SDXL = {14.6146412293, 6.3184485287, 3.7681790315, 2.1811480769, 1.3405244945,
            0.8620721141, 0.5550693289, 0.3798540708, 0.2332364134, 0.1114188177, 0.0291671582};
    private static final double[] SVD = {700.00, 54.5, 15.886, 7.977, 4.248, 1.789, 0.981, 0.403, 0.173, 0.034, 0.002};

    public AlignYourStepsSchedule() {
        super("align_your_steps", List.of("ays"), "Align Your Steps (Sabour et al. 2024) tables for SD1/SDXL/SVD (model_type, denoise)",
                "model_type", "denoise");
    }

    @Override
    float[] compute(ModelSampling ms, int steps, Config o) {
        String type = o.getString("model_type", "SD1").toUpperCase(Locale.ROOT);
        double[] levels = switch (type) {
            case "SD1" -> SD1;
            case "SDXL" -> SDXL;
            case "SVD" -> SVD;
            default -> throw o.invalid("model_type", o.raw("model_type"), "SD1, SDXL or SVD");
        };
        return TableSchedules.finish(steps + 1 == levels.length ? levels.clone() : LogLinear.interpolate(levels, steps + 1),
                steps, o.getDouble("denoise", 1.0));
    }
}

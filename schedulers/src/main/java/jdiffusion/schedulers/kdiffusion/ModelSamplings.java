package jdiffusion.schedulers.kdiffusion;

import java.util.List;
import java.util.Map;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.schedulers.modelsampling.DiscreteModelSampling;
import jdiffusion.schedulers.modelsampling.FlowModelSampling;

/** Builds the model sampling a reference {@code model_sampling/<name>.json} file describes, the way ComfyUI does. */
final class ModelSamplings {

    private ModelSamplings() {
    }

    /**
     * Flow files ({@code shift}) give a {@link FlowModelSampling}; discrete files are rebuilt from their betas,
     * in float32 or float64 as {@code betas_dtype} says (ComfyUI's own SD default is rebuilt from its beta
     * schedule, not read).
     */
    static ModelSampling build(Map<String, Object> file) {
        if (file.containsKey("shift")) {
            double multiplier = file.containsKey("multiplier") ? Cases.number(file.get("multiplier")) : 1000;
            return FlowModelSampling.shifted(Cases.number(file.get("shift")), multiplier);
        }
        Object betas = file.get("betas");
        if (!(betas instanceof List<?>)) throw new IllegalArgumentException("model sampling " + file.get("name") + " has neither betas nor shift");
        String dtype = String.valueOf(file.getOrDefault("betas_dtype", "float32"));
        String construction = String.valueOf(file.getOrDefault("construction", ""));
        if (dtype.equals("float64")) {
            if (construction.contains("make_beta_schedule('linear', 1000, 0.00085, 0.012)")) {
                return DiscreteModelSampling.stableDiffusion(Parameterization.EPSILON);
            }
            return DiscreteModelSampling.fromBetas(Parameterization.EPSILON, Cases.doubles(betas));
        }
        return DiscreteModelSampling.fromBetas(Parameterization.EPSILON, Cases.floats(betas));
    }
}

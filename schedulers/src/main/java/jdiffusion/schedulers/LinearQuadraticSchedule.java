package jdiffusion.schedulers;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;

/**
 * Mochi's linear-quadratic schedule (genmoai/models; ComfyUI's {@code linear_quadratic_schedule}): noise
 * 1 - sigma/sigma_max falls linearly to {@code threshold_noise} (0.025) over the first {@code linear_steps}
 * (n / 2) steps, then quadratically to 1, scaled by the model's sigma_max.
 */
public final class LinearQuadraticSchedule extends KSchedule {

    public LinearQuadraticSchedule() {
        super("linear_quadratic", List.of(), "Mochi's linear then quadratic schedule (threshold_noise, linear_steps)",
                "threshold_noise", "linear_steps");
    }

    @Override
    float[] compute(ModelSampling ms, int steps, Config o) {
        double thresholdNoise = o.getDouble("threshold_noise", 0.025);
        float sigmaMax = require(ms, name()).sigmaMax();
        double[] schedule;
        if (steps == 1) {
            schedule = new double[] {1.0, 0.0};
        } else {
            int linearSteps = o.has("linear_steps") ? o.getInt("linear_steps", 0) : steps / 2;
            int quadraticSteps = steps - linearSteps;
            if (linearSteps < 1 || quadraticSteps == 0) {
                throw o.invalid("linear_steps", linearSteps, "at least 1 and not equal to the step count (" + steps
                        + "): the quadratic part needs at least one step");
            }
            double diff = linearSteps - thresholdNoise * steps;
            double quadraticCoef = diff / (linearSteps * (double) (quadraticSteps * quadraticSteps));
            double linearCoef = thresholdNoise / linearSteps - 2 * diff / (double) (quadraticSteps * quadraticSteps);
            double constant = quadraticCoef * (double) (linearSteps * linearSteps);
            int quad = Math.max(0, steps - linearSteps);
            schedule = new double[linearSteps + quad + 1];
            for (int i = 0; i < linearSteps; i++) schedule[i] = i * thresholdNoise / linearSteps;
            for (int i = linearSteps; i < steps; i++) {
                schedule[i] = quadraticCoef * (double) (i * i) + linearCoef * i + constant;
            }
            schedule[schedule.length - 1] = 1.0;
            for (int i = 0; i < schedule.length; i++) schedule[i] = 1.0 - schedule[i];
        }
        float[] s = new float[schedule.length];
        for (int i = 0; i < s.length; i++) s[i] = (float) schedule[i] * sigmaMax;
        return s;
    }
}

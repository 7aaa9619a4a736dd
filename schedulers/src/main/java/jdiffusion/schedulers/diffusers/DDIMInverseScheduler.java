package jdiffusion.schedulers.diffusers;

import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.DdimStep;

/**
 * diffusers' {@code DDIMInverseScheduler}: the deterministic DDIM update run backwards (DDIM inversion,
 * Song et al. 2021 section 4.3), mapping an image towards noise. The model is evaluated at t and the step
 * goes from t - T / n up to t; {@code set_alpha_to_one} sets alpha-bar below t = 0.
 */
public final class DDIMInverseScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "DDIM inversion (Song et al. 2021): image to noise", DDIMInverseScheduler::new);
        }
    }

    static final String NAME = "DDIMInverseScheduler";

    private final TrainingTables tables;
    private final float initialAlphaCumprod;
    private final String prediction;
    private final AlphaBar.Range range;
    private final String spacing;
    private final int stepsOffset;

    DDIMInverseScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        tables = TrainingTables.read(o, 0.0001, 0.02, "linear", true, false, "linear", "scaled_linear", "squaredcos_cap_v2");
        boolean one = o.has("set_alpha_to_zero") ? o.flag("set_alpha_to_zero", true) : o.flag("set_alpha_to_one", true);
        initialAlphaCumprod = one ? 1f : tables.alphasCumprod[0];
        prediction = o.choice("prediction_type", "epsilon", "epsilon", "sample", "v_prediction");
        range = AlphaBar.Range.read(o, false, true);
        spacing = o.choice("timestep_spacing", "leading", "leading", "trailing");
        stepsOffset = o.integer("steps_offset", 0);
    }

    @Override
    public NoiseSchedule trainingSchedule() {
        return tables.schedule;
    }

    @Override
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        if (n > tables.size()) {
            throw options.error("num_inference_steps = " + n + " cannot be larger than num_train_timesteps = " + tables.size());
        }
        return new Run(n);
    }

    private final class Run extends BaseRun {

        Run(int n) {
            super(NAME);
            timesteps = Numpy.reverse(Spacing.integer(spacing, tables.size(), n, stepsOffset));
            timestepType = DType.INT64;
            numInferenceSteps = n;
            internals.put("initial_alpha_cumprod", new double[] {initialAlphaCumprod});
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            return sample;
        }

        @Override
        public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
            consume(i);
            double target = timestepAt(i);
            double t = Math.min(target - tables.size() / numInferenceSteps, tables.size() - 1);
            float alphaProd = t >= 0 ? AlphaBar.at(tables.alphasCumprod, t, NAME) : initialAlphaCumprod;
            float alphaProdNext = AlphaBar.at(tables.alphasCumprod, target, NAME);
            float[] x0 = AlphaBar.x0(prediction, sample, modelOutput, alphaProd);
            float[] eps = AlphaBar.epsilon(prediction, sample, modelOutput, x0, alphaProd);
            x0 = range.apply(x0);
            return DdimStep.step(x0, eps, alphaProdNext, 0f);
        }
    }
}

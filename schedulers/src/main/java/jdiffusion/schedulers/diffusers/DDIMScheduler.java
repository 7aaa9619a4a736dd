package jdiffusion.schedulers.diffusers;

import java.util.Set;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.DdimStep;
import jdiffusion.samplers.step.Float32Math;

/**
 * diffusers' {@code DDIMScheduler}: the generalised update of Song et al. (2021), deterministic for
 * eta = 0, with x0 clipping or dynamic thresholding, {@code set_alpha_to_one} for the final step, and zero
 * terminal SNR rescaling. The previous timestep is always t - T / n, whatever the spacing.
 */
public final class DDIMScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "DDIM (Song et al. 2021), eta-controlled stochasticity", DDIMScheduler::new);
        }
    }

    static final String NAME = "DDIMScheduler";

    private final TrainingTables tables;
    private final float finalAlphaCumprod;
    private final String prediction;
    private final AlphaBar.Range range;
    private final String spacing;
    private final int stepsOffset;

    DDIMScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        tables = TrainingTables.read(o, 0.0001, 0.02, "linear", true, false, "linear", "scaled_linear", "squaredcos_cap_v2");
        finalAlphaCumprod = o.flag("set_alpha_to_one", true) ? 1f : tables.alphasCumprod[0];
        prediction = o.choice("prediction_type", "epsilon", "epsilon", "sample", "v_prediction");
        range = AlphaBar.Range.read(o, true, true);
        spacing = o.choice("timestep_spacing", "leading", Spacing.NAMES);
        stepsOffset = o.integer("steps_offset", 0);
    }

    @Override
    public NoiseSchedule trainingSchedule() {
        return tables.schedule;
    }

    @Override
    Set<String> stepKeys() {
        return Set.of("eta", "use_clipped_model_output");
    }

    @Override
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        if (n > tables.size()) {
            throw options.error("num_inference_steps = " + n + " cannot be larger than num_train_timesteps = " + tables.size());
        }
        return new Run(n, stepOptions);
    }

    private final class Run extends BaseRun {
        private final double eta;
        private final boolean useClipped;

        Run(int n, Config step) {
            super(NAME);
            eta = step.getDouble("eta", 0.0);
            useClipped = step.getBoolean("use_clipped_model_output", false);
            timesteps = Spacing.integer(spacing, tables.size(), n, stepsOffset);
            timestepType = DType.INT64;
            numInferenceSteps = n;
            internals.put("final_alpha_cumprod", new double[] {finalAlphaCumprod});
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            return sample;
        }

        @Override
        public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
            consume(i);
            double t = timestepAt(i);
            double prevT = t - tables.size() / numInferenceSteps;
            float alphaProd = AlphaBar.at(tables.alphasCumprod, t, NAME);
            float alphaProdPrev = prevT >= 0 ? AlphaBar.at(tables.alphasCumprod, prevT, NAME) : finalAlphaCumprod;
            float[] x0 = AlphaBar.x0(prediction, sample, modelOutput, alphaProd);
            float[] eps = AlphaBar.epsilon(prediction, sample, modelOutput, x0, alphaProd);
            x0 = range.apply(x0);
            float std = (float) eta * Float32Math.sqrt(DdimStep.variance(alphaProd, alphaProdPrev));
            if (useClipped) eps = AlphaBar.epsilon("sample", sample, x0, x0, alphaProd);
            float[] prev = DdimStep.step(x0, eps, alphaProdPrev, std);
            if (eta > 0) prev = DdimStep.addNoise(prev, std, noise.next(sample.length));
            return prev;
        }

        @Override
        public float[] addNoise(float[] original, float[] noise, double[] ts) {
            return Forward.addNoiseVp(tables.alphasCumprod, original, noise, ts, NAME);
        }

        @Override
        public float[] velocity(float[] sample, float[] noise, double[] ts) {
            return Forward.velocityVp(tables.alphasCumprod, sample, noise, ts, NAME);
        }
    }
}

package jdiffusion.schedulers.diffusers;

import java.util.Set;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.ConsistencyStep;

/**
 * diffusers' {@code LCMScheduler}: multistep latent consistency sampling (Luo et al. 2023): denoise with the
 * consistency boundary scalings, then re-noise to the next timestep (no noise after the last).
 */
public final class LCMScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "latent consistency models (Luo et al. 2023)", LCMScheduler::new);
        }
    }

    static final String NAME = "LCMScheduler";

    private final TrainingTables tables;
    private final int originalSteps;
    private final float finalAlphaCumprod;
    private final String prediction;
    private final AlphaBar.Range range;
    private final double timestepScaling;

    LCMScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        tables = TrainingTables.read(o, 0.00085, 0.012, "scaled_linear", true, false, "linear", "scaled_linear", "squaredcos_cap_v2");
        originalSteps = o.integer("original_inference_steps", 50);
        finalAlphaCumprod = o.flag("set_alpha_to_one", true) ? 1f : tables.alphasCumprod[0];
        prediction = o.choice("prediction_type", "epsilon", "epsilon", "sample", "v_prediction");
        range = AlphaBar.Range.read(o, true, false);
        o.choice("timestep_spacing", "leading", Spacing.NAMES);
        o.integer("steps_offset", 0);
        timestepScaling = o.real("timestep_scaling", 10.0);
    }

    @Override
    public NoiseSchedule trainingSchedule() {
        return tables.schedule;
    }

    @Override
    Set<String> timestepKeys() {
        return Set.of("strength", "original_inference_steps");
    }

    @Override
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        int original = timestepOptions.getInt("original_inference_steps", originalSteps);
        double strength = timestepOptions.getDouble("strength", 1.0);
        return new Run(ConsistencyTimesteps.schedule(options, NAME, tables.size(), original, strength, false, n), n);
    }

    private final class Run extends BaseRun {

        Run(double[] ts, int n) {
            super(NAME);
            timesteps = ts;
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
            initStepIndex(t, IndexRule.SECOND_IF_REPEATED);
            double prevT = stepIndex + 1 < timesteps.length ? timesteps[stepIndex + 1] : t;
            float alphaProd = AlphaBar.at(tables.alphasCumprod, t, NAME);
            float alphaProdPrev = prevT >= 0 ? AlphaBar.at(tables.alphasCumprod, prevT, NAME) : finalAlphaCumprod;
            float[] scalings = ConsistencyStep.boundaryScalings((float) t, timestepScaling);
            float[] x0 = range.apply(AlphaBar.x0(prediction, sample, modelOutput, alphaProd));
            float[] denoised = ConsistencyStep.denoise(x0, sample, scalings[0], scalings[1]);
            float[] prev = stepIndex != numInferenceSteps - 1
                    ? ConsistencyStep.renoise(denoised, alphaProdPrev, noise.next(sample.length)) : denoised;
            stepIndex++;
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

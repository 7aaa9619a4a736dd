package jdiffusion.schedulers.diffusers;

import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.DdpmStep;
import jdiffusion.samplers.step.Float32Math;

/**
 * diffusers' {@code DDPMScheduler}: ancestral sampling of Ho et al. (2020) over the inference timesteps,
 * with the posterior variance "fixed_small", "fixed_small_log", "fixed_large", or learned by the model
 * ("learned", "learned_range" of Nichol &amp; Dhariwal 2021: the model output then holds twice the sample's
 * values, the prediction followed by the variance, for a batch of one), x0 clipping or dynamic
 * thresholding, and epsilon, sample or v prediction.
 */
public final class DDPMScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "DDPM ancestral sampling (Ho et al. 2020)", DDPMScheduler::new);
        }
    }

    static final String NAME = "DDPMScheduler";

    private final TrainingTables tables;
    private final String variance;
    private final String prediction;
    private final AlphaBar.Range range;
    private final String spacing;
    private final int stepsOffset;

    DDPMScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        tables = TrainingTables.read(o, 0.0001, 0.02, "linear", true, false,
                "linear", "scaled_linear", "squaredcos_cap_v2", "laplace", "sigmoid");
        variance = o.choice("variance_type", "fixed_small", "fixed_small", "fixed_small_log", "fixed_large",
                "fixed_large_log", "learned", "learned_range");
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
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        if (n > tables.size()) {
            throw options.error("num_inference_steps = " + n + " cannot be larger than num_train_timesteps = " + tables.size());
        }
        return new Run(n);
    }

    private final class Run extends BaseRun {

        Run(int n) {
            super(NAME);
            timesteps = Spacing.integer(spacing, tables.size(), n, stepsOffset);
            timestepType = DType.INT64;
            numInferenceSteps = n;
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            return sample;
        }

        @Override
        public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
            consume(i);
            double t = timestepAt(i);
            float[] predictedVariance = null;
            if (modelOutput.length == 2 * sample.length && variance.startsWith("learned")) {
                predictedVariance = java.util.Arrays.copyOfRange(modelOutput, sample.length, modelOutput.length);
                modelOutput = java.util.Arrays.copyOf(modelOutput, sample.length);
            }
            int index = firstIndex(t);
            double prevT = index == timesteps.length - 1 ? -1 : timesteps[index + 1];
            float alphaProd = AlphaBar.at(tables.alphasCumprod, t, NAME);
            float alphaProdPrev = prevT >= 0 ? AlphaBar.at(tables.alphasCumprod, prevT, NAME) : 1f;
            float[] x0 = range.apply(AlphaBar.x0(prediction, sample, modelOutput, alphaProd));
            float[] prev = DdpmStep.posteriorMean(x0, sample, alphaProd, alphaProdPrev);
            if (t > 0) {
                float[] z = noise.next(sample.length);
                if (variance.startsWith("learned")) {
                    if (predictedVariance == null) {
                        throw new IllegalStateException(NAME + ": variance_type " + variance + " needs the model to predict the variance too"
                                + " (an output of " + 2 * sample.length + " values, prediction then variance), got " + modelOutput.length);
                    }
                    return DdpmStep.addNoise(prev, learnedStd(predictedVariance, alphaProd, alphaProdPrev), z);
                }
                float std = switch (variance) {
                    case "fixed_small" -> Float32Math.sqrt(DdpmStep.posteriorVariance(alphaProd, alphaProdPrev));
                    case "fixed_small_log" -> Float32Math.exp(0.5f * Float32Math.log(DdpmStep.posteriorVariance(alphaProd, alphaProdPrev)));
                    case "fixed_large" -> Float32Math.sqrt(DdpmStep.beta(alphaProd, alphaProdPrev));
                    // diffusers takes the square root of the log-variance here, which is NaN
                    case "fixed_large_log" -> Float32Math.sqrt(Float32Math.log(DdpmStep.beta(alphaProd, alphaProdPrev)));
                    default -> throw new IllegalStateException(variance);
                };
                prev = DdpmStep.addNoise(prev, std, z);
            }
            return prev;
        }

        /** Per element: sqrt(v) for "learned", exp(v / 2) of the interpolated log-variance for "learned_range". */
        private float[] learnedStd(float[] v, float alphaProd, float alphaProdPrev) {
            float[] std = new float[v.length];
            if (variance.equals("learned")) {
                for (int k = 0; k < v.length; k++) std[k] = Float32Math.sqrt(v[k]);
                return std;
            }
            float minLog = Float32Math.log(DdpmStep.posteriorVariance(alphaProd, alphaProdPrev));
            float maxLog = Float32Math.log(DdpmStep.beta(alphaProd, alphaProdPrev));
            for (int k = 0; k < v.length; k++) {
                float frac = (v[k] + 1) / 2;
                std[k] = Float32Math.exp(0.5f * (frac * maxLog + (1 - frac) * minLog));
            }
            return std;
        }

        private int firstIndex(double t) {
            for (int k = 0; k < timesteps.length; k++) {
                if (timesteps[k] == t) return k;
            }
            throw new IllegalStateException(NAME + ": timestep " + t + " is not in the schedule");
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

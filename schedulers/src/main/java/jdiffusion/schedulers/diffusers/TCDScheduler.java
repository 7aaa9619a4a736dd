package jdiffusion.schedulers.diffusers;

import java.util.Set;
import jdiffusion.core.Config;
import jdiffusion.core.ConfigException;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.ConsistencyStep;

/**
 * diffusers' {@code TCDScheduler}: trajectory consistency distillation sampling (Zheng et al. 2024) with
 * strategic stochastic sampling controlled by {@code eta} (the {@code gamma} of the paper, 0.3 by default).
 */
public final class TCDScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "trajectory consistency distillation (Zheng et al. 2024)", TCDScheduler::new);
        }
    }

    static final String NAME = "TCDScheduler";

    private final TrainingTables tables;
    private final int originalSteps;
    private final float finalAlphaCumprod;
    private final String prediction;

    TCDScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        tables = TrainingTables.read(o, 0.00085, 0.012, "scaled_linear", true, false, "linear", "scaled_linear", "squaredcos_cap_v2");
        originalSteps = o.integer("original_inference_steps", 50);
        finalAlphaCumprod = o.flag("set_alpha_to_one", true) ? 1f : tables.alphasCumprod[0];
        prediction = o.choice("prediction_type", "epsilon", "epsilon", "sample", "v_prediction");
        o.flag("clip_sample", false);
        o.flag("thresholding", false);
        o.choice("timestep_spacing", "leading", Spacing.NAMES);
        o.integer("steps_offset", 0);
        o.real("timestep_scaling", 10.0);
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
    Set<String> stepKeys() {
        return Set.of("eta");
    }

    @Override
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        double eta = stepOptions.getDouble("eta", 0.3);
        if (!(eta >= 0 && eta <= 1)) {
            throw new ConfigException(NAME + ".step(): eta = " + eta + " is not supported; expected a value in [0, 1]");
        }
        boolean explicitOriginal = timestepOptions.has("original_inference_steps");
        int original = timestepOptions.getInt("original_inference_steps", originalSteps);
        double strength = timestepOptions.getDouble("strength", 1.0);
        double[] ts = ConsistencyTimesteps.schedule(options, NAME, tables.size(), original, strength, explicitOriginal, n);
        return new Run(ts, n, eta);
    }

    private final class Run extends BaseRun {
        private final double eta;

        Run(double[] ts, int n, double eta) {
            super(NAME);
            this.eta = eta;
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
            double prevT = stepIndex + 1 < timesteps.length ? timesteps[stepIndex + 1] : 0;
            double ts = Math.floor((float) (1 - eta) * (float) prevT);
            float alphaProd = AlphaBar.at(tables.alphasCumprod, t, NAME);
            float alphaProdPrev = prevT >= 0 ? AlphaBar.at(tables.alphasCumprod, prevT, NAME) : finalAlphaCumprod;
            float alphaProdS = AlphaBar.at(tables.alphasCumprod, ts, NAME);
            float[] x0 = AlphaBar.x0(prediction, sample, modelOutput, alphaProd);
            float[] eps = AlphaBar.epsilon(prediction, sample, modelOutput, x0, alphaProd);
            float[] noised = ConsistencyStep.tcdNoised(x0, eps, alphaProdS);
            float[] prev = noised;
            if (eta > 0 && stepIndex != numInferenceSteps - 1) {
                prev = ConsistencyStep.tcdRenoise(noised, alphaProdPrev, alphaProdS, noise.next(sample.length));
            }
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

package jdiffusion.schedulers.diffusers;

import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.AncestralStep;
import jdiffusion.samplers.step.EulerStep;
import jdiffusion.samplers.step.VeParameterization;

/**
 * diffusers' {@code EulerAncestralDiscreteScheduler}: an Euler step down to sigma_down, then fresh noise of
 * size sigma_up (k-diffusion's {@code sample_euler_ancestral}), over the sigmas of a DDPM training schedule.
 * A noise tensor is drawn at every step, the last included.
 */
public final class EulerAncestralDiscreteScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "Euler ancestral (k-diffusion sample_euler_ancestral)", EulerAncestralDiscreteScheduler::new);
        }
    }

    static final String NAME = "EulerAncestralDiscreteScheduler";

    private final TrainingTables tables;
    private final String prediction;
    private final String spacing;
    private final int stepsOffset;

    EulerAncestralDiscreteScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        tables = TrainingTables.read(o, 0.0001, 0.02, "linear", true, true, "linear", "scaled_linear", "squaredcos_cap_v2");
        prediction = o.choice("prediction_type", "epsilon", "epsilon", "v_prediction");
        spacing = o.choice("timestep_spacing", "linspace", Spacing.NAMES);
        stepsOffset = o.integer("steps_offset", 0);
    }

    @Override
    public NoiseSchedule trainingSchedule() {
        return tables.schedule;
    }

    @Override
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        return new Run(n);
    }

    private final class Run extends BaseRun {

        Run(int n) {
            super(NAME);
            double[] spaced = Spacing.float32(spacing, tables.size(), n, stepsOffset);
            KarrasSigmas ks = KarrasSigmas.build(tables, spaced, KarrasSigmas.Kind.INTERPOLATED, null, null, n, false);
            sigmas = new float[ks.sigmas.length + 1];
            for (int i = 0; i < ks.sigmas.length; i++) sigmas[i] = (float) ks.sigmas[i];
            timesteps = spaced;
            timestepType = DType.FLOAT32;
            numInferenceSteps = n;
            initNoiseSigma = KarrasSigmas.initNoiseSigma(sigmas, spacing);
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            initStepIndex(timestepAt(i), IndexRule.SECOND_IF_REPEATED);
            return VeParameterization.scaleInput(sample, sigmaAt(stepIndex));
        }

        @Override
        public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
            consume(i);
            initStepIndex(timestepAt(i), IndexRule.SECOND_IF_REPEATED);
            float sigma = sigmaAt(stepIndex);
            float[] x0 = prediction.equals("epsilon") ? VeParameterization.x0FromEpsilon(sample, modelOutput, sigma)
                    : VeParameterization.x0FromVelocity(sample, modelOutput, sigma);
            float sigmaTo = sigmaAt(stepIndex + 1);
            float sigmaUp = AncestralStep.sigmaUp(sigma, sigmaTo);
            float sigmaDown = AncestralStep.sigmaDown(sigmaTo, sigmaUp);
            float[] prev = EulerStep.step(sample, x0, sigma, sigmaDown);
            prev = AncestralStep.addNoise(prev, noise.next(sample.length), sigmaUp);
            stepIndex++;
            return prev;
        }

        @Override
        public float[] addNoise(float[] original, float[] noise, double[] ts) {
            return Forward.addNoiseVe(this, original, noise, ts, IndexRule.SECOND_IF_REPEATED);
        }
    }
}

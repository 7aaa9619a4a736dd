package jdiffusion.schedulers.diffusers;

import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.EulerStep;
import jdiffusion.samplers.step.HeunStep;
import jdiffusion.samplers.step.Thresholding;
import jdiffusion.samplers.step.VeParameterization;

/**
 * diffusers' {@code HeunDiscreteScheduler}: Heun's second-order method (Karras et al. 2022, Algorithm 1) as
 * pairs of steps: every sigma after the first appears twice in the schedule, the first of a pair an Euler
 * predictor, the second the trapezoidal correction.
 */
public final class HeunDiscreteScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "Heun's method (Karras et al. 2022 Algorithm 1)", HeunDiscreteScheduler::new);
        }
    }

    static final String NAME = "HeunDiscreteScheduler";

    private final TrainingTables tables;
    private final String prediction;
    private final KarrasSigmas.Kind kind;
    private final boolean clip;
    private final float clipRange;
    private final String spacing;
    private final int stepsOffset;

    HeunDiscreteScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        tables = TrainingTables.read(o, 0.00085, 0.012, "linear", false, false, "linear", "scaled_linear", "squaredcos_cap_v2", "exp");
        prediction = o.choice("prediction_type", "epsilon", "epsilon", "v_prediction", "sample");
        kind = KarrasSigmas.kind(o);
        clip = o.flag("clip_sample", false);
        clipRange = (float) o.real("clip_sample_range", 1.0);
        spacing = o.choice("timestep_spacing", "linspace", Spacing.NAMES);
        stepsOffset = o.integer("steps_offset", 0);
    }

    @Override
    public NoiseSchedule trainingSchedule() {
        return tables.schedule;
    }

    @Override
    public int order() {
        return 2;
    }

    @Override
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        return new Run(n);
    }

    private final class Run extends BaseRun {
        private float[] prevDerivative;
        private float dt;
        private float[] firstSample;

        Run(int n) {
            super(NAME);
            double[] spaced = Spacing.float32(spacing, tables.size(), n, stepsOffset);
            KarrasSigmas ks = KarrasSigmas.build(tables, spaced, kind, null, null, n, false);
            int m = ks.sigmas.length;
            float[] s = new float[m + 1];
            for (int i = 0; i < m; i++) s[i] = (float) ks.sigmas[i];
            sigmas = Interleave.sigmas(s);
            timesteps = Interleave.timesteps(BaseRun.toFloats(ks.timesteps));
            timestepType = DType.FLOAT32;
            numInferenceSteps = n;
            initNoiseSigma = KarrasSigmas.initNoiseSigma(sigmas, spacing);
        }

        private boolean firstOrder() {
            return firstSample == null;
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
            boolean first = firstOrder();
            float sigma = first ? sigmaAt(stepIndex) : sigmaAt(stepIndex - 1);
            float sigmaNext = first ? sigmaAt(stepIndex + 1) : sigmaAt(stepIndex);
            float sigmaInput = first ? sigma : sigmaNext;
            float[] x0 = switch (prediction) {
                case "epsilon" -> VeParameterization.x0FromEpsilon(sample, modelOutput, sigmaInput);
                case "v_prediction" -> VeParameterization.x0FromVelocity(sample, modelOutput, sigmaInput);
                default -> modelOutput;
            };
            if (clip) x0 = Thresholding.clip(x0, clipRange);
            float[] prev;
            if (first) {
                float[] d = EulerStep.derivative(sample, x0, sigma);
                prevDerivative = d;
                dt = sigmaNext - sigma;
                firstSample = sample;
                prev = EulerStep.advance(sample, d, dt);
            } else {
                float[] d = HeunStep.averageDerivative(prevDerivative, EulerStep.derivative(sample, x0, sigmaNext));
                prev = EulerStep.advance(firstSample, d, dt);
                prevDerivative = null;
                firstSample = null;
            }
            stepIndex++;
            return prev;
        }

        @Override
        public float[] addNoise(float[] original, float[] noise, double[] ts) {
            return Forward.addNoiseVe(this, original, noise, ts, IndexRule.SECOND_IF_REPEATED);
        }
    }
}

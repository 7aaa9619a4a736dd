package jdiffusion.schedulers.diffusers;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.EulerStep;
import jdiffusion.samplers.step.LmsStep;
import jdiffusion.samplers.step.VeParameterization;

/**
 * diffusers' {@code LMSDiscreteScheduler}: k-diffusion's linear multistep method ({@code sample_lms}, order
 * 4 by default, the step argument {@code order}) over the sigmas of a DDPM training schedule.
 */
public final class LMSDiscreteScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "linear multistep (k-diffusion sample_lms)", LMSDiscreteScheduler::new);
        }
    }

    static final String NAME = "LMSDiscreteScheduler";

    private final TrainingTables tables;
    private final String prediction;
    private final KarrasSigmas.Kind kind;
    private final String spacing;
    private final int stepsOffset;

    LMSDiscreteScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        tables = TrainingTables.read(o, 0.0001, 0.02, "linear", false, false, "linear", "scaled_linear", "squaredcos_cap_v2");
        kind = KarrasSigmas.kind(o);
        prediction = o.choice("prediction_type", "epsilon", "epsilon", "v_prediction", "sample");
        spacing = o.choice("timestep_spacing", "linspace", Spacing.NAMES);
        stepsOffset = o.integer("steps_offset", 0);
    }

    @Override
    public NoiseSchedule trainingSchedule() {
        return tables.schedule;
    }

    @Override
    Set<String> stepKeys() {
        return Set.of("order");
    }

    @Override
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        int order = stepOptions.getInt("order", 4);
        if (order < 1) throw new jdiffusion.core.ConfigException(NAME + ".step(): order = " + order + " is not supported; expected at least 1");
        return new Run(n, order);
    }

    private final class Run extends BaseRun {
        private final int order;
        private final List<float[]> derivatives = new ArrayList<>();

        Run(int n, int order) {
            super(NAME);
            this.order = order;
            double[] spaced = Spacing.float32(spacing, tables.size(), n, stepsOffset);
            KarrasSigmas ks = KarrasSigmas.build(tables, spaced, kind, null, null, n, false);
            int m = ks.sigmas.length;
            sigmas = new float[m + 1];
            for (int i = 0; i < m; i++) sigmas[i] = (float) ks.sigmas[i];
            timesteps = BaseRun.toDoubles(BaseRun.toFloats(ks.timesteps));
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
            sigmaAt(stepIndex + 1);
            float[] x0 = switch (prediction) {
                case "epsilon" -> VeParameterization.x0FromEpsilon(sample, modelOutput, sigma);
                case "v_prediction" -> VeParameterization.x0FromVelocity(sample, modelOutput, sigma);
                default -> modelOutput;
            };
            derivatives.add(EulerStep.derivative(sample, x0, sigma));
            if (derivatives.size() > order) derivatives.remove(0);
            int o = Math.min(stepIndex + 1, order);
            double[] coeffs = new double[o];
            for (int k = 0; k < o; k++) coeffs[k] = LmsStep.coefficient(sigmas, o, stepIndex, k);
            float[] prev = LmsStep.step(sample, coeffs, derivatives);
            stepIndex++;
            return prev;
        }

        @Override
        public float[] addNoise(float[] original, float[] noise, double[] ts) {
            return Forward.addNoiseVe(this, original, noise, ts, IndexRule.SECOND_IF_REPEATED);
        }
    }
}

package jdiffusion.schedulers.diffusers;

import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.Dpm2Step;
import jdiffusion.samplers.step.EulerStep;
import jdiffusion.samplers.step.VeParameterization;

/**
 * diffusers' {@code KDPM2DiscreteScheduler}: k-diffusion's {@code sample_dpm_2}, a second-order step through
 * the geometric midpoint sigma_mid = exp((log sigma + log sigma_next) / 2) (the DPM-Solver-2 idea of Lu et
 * al. 2022 in Karras et al.'s sigma parameterisation), laid out as pairs of model calls.
 */
public final class KDPM2DiscreteScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "DPM2 (k-diffusion sample_dpm_2)", KDPM2DiscreteScheduler::new);
        }
    }

    static final String NAME = "KDPM2DiscreteScheduler";

    private final TrainingTables tables;
    private final String prediction;
    private final KarrasSigmas.Kind kind;
    private final String spacing;
    private final int stepsOffset;

    KDPM2DiscreteScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        tables = TrainingTables.read(o, 0.00085, 0.012, "linear", false, false, "linear", "scaled_linear", "squaredcos_cap_v2");
        kind = KarrasSigmas.kind(o);
        prediction = o.choice("prediction_type", "epsilon", "epsilon", "v_prediction");
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
        private final float[] sigmasInterpol;
        private float[] firstSample;

        Run(int n) {
            super(NAME);
            double[] spaced = Spacing.float32(spacing, tables.size(), n, stepsOffset);
            KarrasSigmas ks = KarrasSigmas.build(tables, spaced, kind, null, null, n, true);
            int m = ks.sigmas.length;
            float[] s = new float[m + 1];
            for (int i = 0; i < m; i++) s[i] = (float) ks.sigmas[i];
            float[] interpol = Dpm2Step.midpoints(s);
            sigmas = Interleave.withLast(s);
            sigmasInterpol = Interleave.withLast(interpol);
            boolean float64 = kind != KarrasSigmas.Kind.INTERPOLATED;
            double[] t = float64 ? ks.timesteps : BaseRun.toDoubles(BaseRun.toFloats(ks.timesteps));
            timesteps = new double[2 * t.length - 1];
            timesteps[0] = t[0];
            for (int k = 1; k < t.length; k++) {
                timesteps[2 * k - 1] = SigmaConversions.sigmaToTFloat32(interpol[k], ks.logSigmas);
                timesteps[2 * k] = t[k];
            }
            timestepType = float64 ? DType.FLOAT64 : DType.FLOAT32;
            numInferenceSteps = n;
            initNoiseSigma = KarrasSigmas.initNoiseSigma(sigmas, spacing);
            internals.put("sigmas_interpol", BaseRun.toDoubles(sigmasInterpol));
        }

        private float sigmaInterpolAt(int index) {
            if (index < 0 || index >= sigmasInterpol.length) {
                throw new IllegalStateException(NAME + ": the schedule has no interpolated sigma at step " + index);
            }
            return sigmasInterpol[index];
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            initStepIndex(timestepAt(i), IndexRule.SECOND_IF_REPEATED);
            float sigma = firstSample == null ? sigmaAt(stepIndex) : sigmaInterpolAt(stepIndex);
            return VeParameterization.scaleInput(sample, sigma);
        }

        @Override
        public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
            consume(i);
            initStepIndex(timestepAt(i), IndexRule.SECOND_IF_REPEATED);
            boolean first = firstSample == null;
            float sigma = first ? sigmaAt(stepIndex) : sigmaAt(stepIndex - 1);
            float sigmaInterpol = first ? sigmaInterpolAt(stepIndex + 1) : sigmaInterpolAt(stepIndex);
            float sigmaNext = first ? sigmaAt(stepIndex + 1) : sigmaAt(stepIndex);
            float sigmaInput = first ? sigma : sigmaInterpol;
            float[] x0 = prediction.equals("epsilon") ? VeParameterization.x0FromEpsilon(sample, modelOutput, sigmaInput)
                    : VeParameterization.x0FromVelocity(sample, modelOutput, sigmaInput);
            float[] prev;
            if (first) {
                float[] d = EulerStep.derivative(sample, x0, sigma);
                firstSample = sample;
                prev = EulerStep.advance(sample, d, sigmaInterpol - sigma);
            } else {
                float[] d = EulerStep.derivative(sample, x0, sigmaInterpol);
                prev = EulerStep.advance(firstSample, d, sigmaNext - sigma);
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

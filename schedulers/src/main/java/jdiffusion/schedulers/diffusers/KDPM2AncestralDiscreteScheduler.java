package jdiffusion.schedulers.diffusers;

import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.AncestralStep;
import jdiffusion.samplers.step.Dpm2Step;
import jdiffusion.samplers.step.EulerStep;
import jdiffusion.samplers.step.VeParameterization;

/**
 * diffusers' {@code KDPM2AncestralDiscreteScheduler}: k-diffusion's {@code sample_dpm_2_ancestral}, the DPM2
 * step through the geometric midpoint towards sigma_down, then fresh noise of size sigma_up; one noise
 * tensor per pair of model calls, drawn at the second.
 */
public final class KDPM2AncestralDiscreteScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "DPM2 ancestral (k-diffusion sample_dpm_2_ancestral)", KDPM2AncestralDiscreteScheduler::new);
        }
    }

    static final String NAME = "KDPM2AncestralDiscreteScheduler";

    private final TrainingTables tables;
    private final String prediction;
    private final KarrasSigmas.Kind kind;
    private final String spacing;
    private final int stepsOffset;

    KDPM2AncestralDiscreteScheduler(Config config) {
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
        private final float[] sigmasUp;
        private final float[] sigmasDown;
        private float[] firstSample;

        Run(int n) {
            super(NAME);
            double[] spaced = Spacing.float32(spacing, tables.size(), n, stepsOffset);
            KarrasSigmas ks = KarrasSigmas.build(tables, spaced, kind, null, null, n, true);
            int m = ks.sigmas.length;
            float[] s = new float[m + 1];
            for (int i = 0; i < m; i++) s[i] = (float) ks.sigmas[i];
            float[] up = new float[m + 1];
            float[] down = new float[m + 1];
            float[] interpol = new float[m + 1];
            for (int k = 0; k <= m; k++) {
                float next = k < m ? s[k + 1] : 0f;
                up[k] = AncestralStep.sigmaUp(s[k], next);
                down[k] = k < m ? AncestralStep.sigmaDown(next, up[k]) : 0f;
            }
            for (int k = 0; k <= m; k++) {
                interpol[k] = k >= m - 1 ? 0f : Dpm2Step.midpoint(s[k], down[k]);
            }
            sigmas = Interleave.withLast(s);
            sigmasInterpol = Interleave.withLast(interpol);
            sigmasUp = Interleave.withLast(up);
            sigmasDown = Interleave.withLast(down);
            boolean float64 = kind != KarrasSigmas.Kind.INTERPOLATED;
            double[] t = float64 ? ks.timesteps : BaseRun.toDoubles(BaseRun.toFloats(ks.timesteps));
            timesteps = new double[2 * t.length - 1];
            timesteps[0] = t[0];
            for (int k = 1; k < t.length; k++) {
                timesteps[2 * k - 1] = SigmaConversions.sigmaToTFloat32(interpol[k - 1], ks.logSigmas);
                timesteps[2 * k] = t[k];
            }
            timestepType = float64 ? DType.FLOAT64 : DType.FLOAT32;
            numInferenceSteps = n;
            initNoiseSigma = KarrasSigmas.initNoiseSigma(sigmas, spacing);
            internals.put("sigmas_interpol", BaseRun.toDoubles(sigmasInterpol));
            internals.put("sigmas_up", BaseRun.toDoubles(sigmasUp));
            internals.put("sigmas_down", BaseRun.toDoubles(sigmasDown));
        }

        private static float at(float[] table, int index) {
            // diffusers indexes with Python semantics: -1 is the last element
            return table[index < 0 ? index + table.length : index];
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            initStepIndex(timestepAt(i), IndexRule.SECOND_IF_REPEATED);
            float sigma = firstSample == null ? sigmaAt(stepIndex) : at(sigmasInterpol, stepIndex - 1);
            return VeParameterization.scaleInput(sample, sigma);
        }

        @Override
        public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
            consume(i);
            initStepIndex(timestepAt(i), IndexRule.SECOND_IF_REPEATED);
            boolean first = firstSample == null;
            int k = first ? stepIndex : stepIndex - 1;
            float sigma = sigmaAt(k);
            float sigmaInterpol = at(sigmasInterpol, k);
            float sigmaUp = at(sigmasUp, k);
            float sigmaDown = at(sigmasDown, stepIndex - 1);
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
                prev = EulerStep.advance(firstSample, d, sigmaDown - sigma);
                firstSample = null;
                prev = AncestralStep.addNoise(prev, noise.next(sample.length), sigmaUp);
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

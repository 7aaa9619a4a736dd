package jdiffusion.schedulers.diffusers;

import java.util.Set;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.EulerStep;
import jdiffusion.samplers.step.Float32Math;
import jdiffusion.samplers.step.VeParameterization;
import jdiffusion.schedulers.training.TorchLinspace;

/**
 * diffusers' {@code EulerDiscreteScheduler}: Euler steps (Karras et al. 2022, Algorithm 2, with optional
 * churn) over the sigmas of a DDPM training schedule, with linear or log-linear interpolation, karras /
 * exponential / beta noise levels, continuous timesteps for v-prediction and a zero or sigma_min final sigma.
 */
public final class EulerDiscreteScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "Euler steps (Karras et al. 2022 Algorithm 2) over a DDPM schedule", EulerDiscreteScheduler::new);
        }
    }

    static final String NAME = "EulerDiscreteScheduler";

    private final TrainingTables tables;
    private final String prediction;
    private final String interpolation;
    private final KarrasSigmas.Kind kind;
    private final Double sigmaMin;
    private final Double sigmaMax;
    private final String spacing;
    private final boolean continuous;
    private final int stepsOffset;
    private final boolean finalSigmaMin;

    EulerDiscreteScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        tables = TrainingTables.read(o, 0.0001, 0.02, "linear", true, true, "linear", "scaled_linear", "squaredcos_cap_v2");
        prediction = o.choice("prediction_type", "epsilon", "epsilon", "v_prediction", "sample", "original_sample");
        interpolation = o.choice("interpolation_type", "linear", "linear", "log_linear");
        kind = KarrasSigmas.kind(o);
        sigmaMin = o.optionalReal("sigma_min");
        sigmaMax = o.optionalReal("sigma_max");
        spacing = o.choice("timestep_spacing", "linspace", Spacing.NAMES);
        continuous = o.choice("timestep_type", "discrete", "discrete", "continuous").equals("continuous")
                && prediction.equals("v_prediction");
        stepsOffset = o.integer("steps_offset", 0);
        finalSigmaMin = o.choice("final_sigmas_type", "zero", "zero", "sigma_min").equals("sigma_min");
    }

    @Override
    public NoiseSchedule trainingSchedule() {
        return tables.schedule;
    }

    @Override
    Set<String> stepKeys() {
        return Set.of("s_churn", "s_tmin", "s_tmax", "s_noise");
    }

    @Override
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        return new Run(n, stepOptions);
    }

    private final class Run extends BaseRun {
        private final double sChurn;
        private final double sTmin;
        private final double sTmax;
        private final float sNoise;

        Run(int n, Config step) {
            super(NAME);
            sChurn = step.getDouble("s_churn", 0.0);
            sTmin = step.getDouble("s_tmin", 0.0);
            sTmax = step.getDouble("s_tmax", Double.POSITIVE_INFINITY);
            sNoise = (float) step.getDouble("s_noise", 1.0);
            double[] spaced = Spacing.float32(spacing, tables.size(), n, stepsOffset);
            double[] base = null;
            if (interpolation.equals("log_linear")) {
                // torch.linspace(log sigma_max, log sigma_min, n + 1).exp(): n + 1 sigmas before the final one
                float[] table = tables.sigmas();
                float[] lin = TorchLinspace.float32(Numpy.log32(table[table.length - 1]), Numpy.log32(table[0]), n + 1);
                base = new double[lin.length];
                for (int i = 0; i < lin.length; i++) base[i] = Float32Math.exp(lin[i]);
            }
            KarrasSigmas ks = KarrasSigmas.build(tables, spaced, base, kind, sigmaMin, sigmaMax, n, false);
            int m = ks.sigmas.length;
            sigmas = new float[m + 1];
            for (int i = 0; i < m; i++) sigmas[i] = (float) ks.sigmas[i];
            sigmas[m] = finalSigmaMin ? tables.sigmaMin() : 0f;
            if (continuous) {
                timesteps = new double[m];
                for (int i = 0; i < m; i++) timesteps[i] = 0.25f * Float32Math.log(sigmas[i]);
            } else {
                timesteps = new double[ks.timesteps.length];
                for (int i = 0; i < timesteps.length; i++) timesteps[i] = (float) ks.timesteps[i];
            }
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
            double gamma = EulerStep.churnGamma(sChurn, sigmas.length - 1, sTmin, sTmax, sigma);
            float sigmaHat = sigma * (float) (gamma + 1);
            if (gamma > 0) {
                sample = EulerStep.churn(sample, noise.next(sample.length), sNoise, sigma, sigmaHat);
            }
            float[] x0 = switch (prediction) {
                case "epsilon" -> VeParameterization.x0FromEpsilon(sample, modelOutput, sigmaHat);
                case "v_prediction" -> VeParameterization.x0FromVelocity(sample, modelOutput, sigma);
                default -> modelOutput;
            };
            float[] prev = EulerStep.step(sample, x0, sigmaHat, sigmaAt(stepIndex + 1));
            stepIndex++;
            return prev;
        }

        @Override
        public float[] addNoise(float[] original, float[] noise, double[] ts) {
            return Forward.addNoiseVe(this, original, noise, ts, IndexRule.SECOND_IF_REPEATED);
        }

        @Override
        public float[] velocity(float[] sample, float[] noise, double[] ts) {
            // diffusers indexes alphas_cumprod by the step index of each timestep here, not by the timestep
            int len = rowLength(sample, ts, className);
            float[] out = new float[sample.length];
            for (int r = 0; r < ts.length; r++) {
                float ac = tables.alphasCumprod[indexForTimestep(ts[r], IndexRule.SECOND_IF_REPEATED)];
                float a = Float32Math.sqrt(ac);
                float s = Float32Math.sqrt(1 - ac);
                for (int k = r * len; k < (r + 1) * len; k++) out[k] = a * noise[k] - s * sample[k];
            }
            return out;
        }
    }
}

package jdiffusion.schedulers.diffusers;

import java.util.Set;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.FlowMatchStep;

/**
 * diffusers' {@code FlowMatchEulerDiscreteScheduler}: Euler steps for flow-matching models (SD3, Flux) with
 * a timestep shift (fixed, or dynamic from {@code mu} with exponential or linear time shifting), terminal
 * stretching, karras / exponential / beta noise levels, inverted sigmas and stochastic sampling.
 */
public final class FlowMatchEulerDiscreteScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "Euler for flow matching (SD3, Flux), shifted timesteps", FlowMatchEulerDiscreteScheduler::new);
        }
    }

    static final String NAME = "FlowMatchEulerDiscreteScheduler";

    private final int trainSteps;
    private final double shift;
    private final boolean dynamicShifting;
    private final boolean invert;
    private final Double shiftTerminal;
    private final KarrasSigmas.Kind kind;
    private final boolean exponentialShift;
    private final boolean stochastic;
    private final double sigmaMin;
    private final double sigmaMax;

    FlowMatchEulerDiscreteScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        trainSteps = o.integer("num_train_timesteps", 1000);
        shift = o.real("shift", 1.0);
        dynamicShifting = o.flag("use_dynamic_shifting", false);
        o.real("base_shift", 0.5);
        o.real("max_shift", 1.15);
        o.integer("base_image_seq_len", 256);
        o.integer("max_image_seq_len", 4096);
        invert = o.flag("invert_sigmas", false);
        shiftTerminal = o.optionalReal("shift_terminal");
        kind = KarrasSigmas.kind(o);
        exponentialShift = o.choice("time_shift_type", "exponential", "exponential", "linear").equals("exponential");
        stochastic = o.flag("stochastic_sampling", false);
        // the training sigmas t / T, shifted unless the shift is dynamic, in float32
        float first = shifted(1f);
        float last = shifted((float) 1 / trainSteps);
        sigmaMax = first;
        sigmaMin = last;
    }

    private float shifted(float t) {
        float s = t;
        if (!dynamicShifting) s = (float) shift * s / (1 + (float) (shift - 1) * s);
        return s;
    }

    @Override
    Set<String> timestepKeys() {
        return Set.of("mu");
    }

    @Override
    Set<String> stepKeys() {
        return Set.of("s_churn", "s_tmin", "s_tmax", "s_noise");
    }

    @Override
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        Double mu = timestepOptions.has("mu") ? timestepOptions.getDouble("mu", 0) : null;
        if (dynamicShifting && mu == null) throw options.error("set_timesteps needs mu when use_dynamic_shifting = true");
        return new Run(n, mu);
    }

    private final class Run extends BaseRun {

        Run(int n, Double mu) {
            super(NAME);
            double[] t = Numpy.linspace(sigmaMax * trainSteps, sigmaMin * trainSteps, n);
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                double x = t[i] / trainSteps;
                if (dynamicShifting) {
                    s[i] = exponentialShift ? Math.exp(mu) / (Math.exp(mu) + (1 / x - 1)) : mu / (mu + (1 / x - 1));
                } else {
                    s[i] = shift * x / (1 + (shift - 1) * x);
                }
            }
            if (shiftTerminal != null && shiftTerminal != 0) {
                double scale = (1 - s[n - 1]) / (1 - shiftTerminal);
                for (int i = 0; i < n; i++) s[i] = 1 - ((1 - s[i]) / scale);
            }
            if (kind != KarrasSigmas.Kind.INTERPOLATED) {
                double lo = s[n - 1];
                double hi = s[0];
                s = switch (kind) {
                    case KARRAS -> SigmaConversions.karras(lo, hi, n, 7.0);
                    case EXPONENTIAL -> SigmaConversions.exponential(lo, hi, n);
                    default -> SigmaConversions.beta(lo, hi, n, 0.6, 0.6);
                };
            }
            sigmas = new float[n + 1];
            timesteps = new double[n];
            for (int i = 0; i < n; i++) {
                float sigma = (float) s[i];
                if (invert) sigma = 1.0f - sigma;
                sigmas[i] = sigma;
                timesteps[i] = sigma * (float) trainSteps;
            }
            sigmas[n] = invert ? 1f : 0f;
            timestepType = DType.FLOAT32;
            numInferenceSteps = n;
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            return sample;
        }

        @Override
        public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
            consume(i);
            initStepIndex(timestepAt(i), IndexRule.SECOND_IF_REPEATED);
            float sigma = sigmaAt(stepIndex);
            float sigmaNext = sigmaAt(stepIndex + 1);
            float[] prev = stochastic
                    ? FlowMatchStep.stochastic(sample, modelOutput, sigma, sigmaNext, noise.next(sample.length))
                    : FlowMatchStep.euler(sample, modelOutput, sigmaNext - sigma);
            stepIndex++;
            return prev;
        }

        @Override
        public float[] scaleNoise(float[] sample, double[] ts, float[] noise) {
            int len = rowLength(sample, ts, NAME);
            float[] out = new float[sample.length];
            for (int r = 0; r < ts.length; r++) {
                float sigma = sigmas[indexForTimestep(ts[r], IndexRule.SECOND_IF_REPEATED)];
                for (int k = r * len; k < (r + 1) * len; k++) out[k] = sigma * noise[k] + (1.0f - sigma) * sample[k];
            }
            return out;
        }
    }
}

package jdiffusion.schedulers.diffusers;

import java.util.Set;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.EdmPreconditioning;
import jdiffusion.samplers.step.EulerStep;

/**
 * diffusers' {@code EDMEulerScheduler}: Algorithm 2 of Karras et al. (2022) (Euler with optional churn) with
 * the EDM preconditioning and noise levels (karras or exponential) for continuous-time models.
 */
public final class EDMEulerScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "EDM Euler (Karras et al. 2022 Algorithm 2, EDM preconditioning)", EDMEulerScheduler::new);
        }
    }

    static final String NAME = "EDMEulerScheduler";

    private final double sigmaMin;
    private final double sigmaMax;
    private final double sigmaData;
    private final boolean karras;
    private final boolean velocity;
    private final double rho;
    private final boolean finalSigmaMin;

    EDMEulerScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        sigmaMin = o.real("sigma_min", 0.002);
        sigmaMax = o.real("sigma_max", 80.0);
        sigmaData = o.real("sigma_data", 0.5);
        karras = o.choice("sigma_schedule", "karras", "karras", "exponential").equals("karras");
        o.integer("num_train_timesteps", 1000);
        velocity = o.choice("prediction_type", "epsilon", "epsilon", "v_prediction").equals("v_prediction");
        rho = o.real("rho", 7.0);
        finalSigmaMin = o.choice("final_sigmas_type", "zero", "zero", "sigma_min").equals("sigma_min");
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
            float[] s = karras ? EdmSigmas.karras64(sigmaMin, sigmaMax, rho, n) : EdmSigmas.exponential(sigmaMin, sigmaMax, n);
            timesteps = new double[n];
            for (int i = 0; i < n; i++) timesteps[i] = EdmPreconditioning.noise(s[i]);
            sigmas = new float[n + 1];
            System.arraycopy(s, 0, sigmas, 0, n);
            sigmas[n] = finalSigmaMin ? s[n - 1] : 0f;
            timestepType = DType.FLOAT32;
            numInferenceSteps = n;
            initNoiseSigma = Math.sqrt(sigmaMax * sigmaMax + 1);
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            initStepIndex(timestepAt(i), IndexRule.SECOND_IF_REPEATED);
            return EdmPreconditioning.input(sample, sigmaAt(stepIndex), sigmaData);
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
            float[] x0 = EdmPreconditioning.output(sample, modelOutput, sigmaHat, sigmaData, velocity);
            float[] prev = EulerStep.step(sample, x0, sigmaHat, sigmaAt(stepIndex + 1));
            stepIndex++;
            return prev;
        }

        @Override
        public float[] addNoise(float[] original, float[] noise, double[] ts) {
            return Forward.addNoiseVe(this, original, noise, ts, IndexRule.SECOND_IF_REPEATED);
        }
    }
}

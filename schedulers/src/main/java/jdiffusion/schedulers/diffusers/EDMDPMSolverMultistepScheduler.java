package jdiffusion.schedulers.diffusers;

import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.DpmSolverStep;
import jdiffusion.samplers.step.EdmPreconditioning;
import jdiffusion.samplers.step.Thresholding;

/**
 * diffusers' {@code EDMDPMSolverMultistepScheduler}: multistep DPM-Solver++ (Lu et al. 2022) and its SDE
 * variant in the EDM formulation (alpha_t = 1, sigma_t = sigma) with the EDM preconditioning and noise
 * levels. diffusers has no third-order SDE update here (it fails); this class uses the third-order
 * SDE-DPM-Solver++ update of {@code DPMSolverMultistepScheduler} instead.
 */
public final class EDMDPMSolverMultistepScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "EDM multistep DPM-Solver++ (Lu et al. 2022, Karras et al. 2022)", EDMDPMSolverMultistepScheduler::new);
        }
    }

    static final String NAME = "EDMDPMSolverMultistepScheduler";

    private final double sigmaMin;
    private final double sigmaMax;
    private final double sigmaData;
    private final boolean karras;
    private final boolean velocity;
    private final double rho;
    private final int solverOrder;
    private final boolean thresholding;
    private final double ratio;
    private final double maxValue;
    private final DpmSolverStep.Algorithm algorithm;
    private final DpmSolverStep.SolverType solverType;
    private final boolean lowerOrderFinal;
    private final boolean eulerAtFinal;
    private final boolean finalSigmaMin;

    EDMDPMSolverMultistepScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        sigmaMin = o.real("sigma_min", 0.002);
        sigmaMax = o.real("sigma_max", 80.0);
        sigmaData = o.real("sigma_data", 0.5);
        karras = o.choice("sigma_schedule", "karras", "karras", "exponential").equals("karras");
        o.integer("num_train_timesteps", 1000);
        velocity = o.choice("prediction_type", "epsilon", "epsilon", "v_prediction").equals("v_prediction");
        rho = o.real("rho", 7.0);
        solverOrder = o.integer("solver_order", 2);
        if (solverOrder < 1 || solverOrder > 3) throw o.invalid("solver_order", solverOrder, "1, 2 or 3");
        thresholding = o.flag("thresholding", false);
        ratio = o.real("dynamic_thresholding_ratio", 0.995);
        maxValue = o.real("sample_max_value", 1.0);
        algorithm = SolverModel.algorithm(o.choice("algorithm_type", "dpmsolver++", "dpmsolver++", "sde-dpmsolver++", "deis"));
        String type = o.choice("solver_type", "midpoint", "midpoint", "heun", "logrho", "bh1", "bh2");
        solverType = type.equals("heun") ? DpmSolverStep.SolverType.HEUN : DpmSolverStep.SolverType.MIDPOINT;
        lowerOrderFinal = o.flag("lower_order_final", true);
        eulerAtFinal = o.flag("euler_at_final", false);
        finalSigmaMin = o.choice("final_sigmas_type", "zero", "zero", "sigma_min").equals("sigma_min");
    }

    @Override
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        return new Run(n);
    }

    private final class Run extends BaseRun {
        private final float[][] modelOutputs = new float[solverOrder][];
        private int lowerOrderNums;

        Run(int n) {
            super(NAME);
            float[] s = karras ? EdmSigmas.karras32(sigmaMin, sigmaMax, rho, n) : EdmSigmas.exponential(sigmaMin, sigmaMax, n);
            timesteps = new double[n];
            for (int i = 0; i < n; i++) timesteps[i] = EdmPreconditioning.noise(s[i]);
            sigmas = new float[n + 1];
            System.arraycopy(s, 0, sigmas, 0, n);
            sigmas[n] = finalSigmaMin ? (float) sigmaMin : 0f;
            timestepType = DType.FLOAT32;
            numInferenceSteps = n;
            initNoiseSigma = Math.sqrt(sigmaMax * sigmaMax + 1);
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            initStepIndex(timestepAt(i), IndexRule.SECOND_IF_REPEATED_ELSE_LAST);
            return EdmPreconditioning.input(sample, sigmaAt(stepIndex), sigmaData);
        }

        @Override
        public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
            consume(i);
            initStepIndex(timestepAt(i), IndexRule.SECOND_IF_REPEATED_ELSE_LAST);
            int len = timesteps.length;
            boolean lowerFinal = stepIndex == len - 1
                    && (eulerAtFinal || (lowerOrderFinal && len < 15) || !finalSigmaMin);
            boolean lowerSecond = stepIndex == len - 2 && lowerOrderFinal && len < 15;
            float sigmaS0 = sigmaAt(stepIndex);
            float[] m = EdmPreconditioning.output(sample, modelOutput, sigmaS0, sigmaData, velocity);
            if (thresholding) m = Thresholding.dynamic(m, 1, ratio, maxValue);
            System.arraycopy(modelOutputs, 1, modelOutputs, 0, solverOrder - 1);
            modelOutputs[solverOrder - 1] = m;
            float[] z = algorithm.stochastic() ? noise.next(sample.length) : null;
            float sigmaT = sigmaAt(stepIndex + 1);
            float[] prev;
            if (solverOrder == 1 || lowerOrderNums < 1 || lowerFinal) {
                prev = DpmSolverStep.firstOrder(algorithm, sample, m, 1f, sigmaT, 1f, sigmaS0, z);
            } else if (solverOrder == 2 || lowerOrderNums < 2 || lowerSecond) {
                prev = DpmSolverStep.multistepSecondOrder(algorithm, solverType, sample, modelOutputs[solverOrder - 1],
                        modelOutputs[solverOrder - 2], 1f, sigmaT, 1f, sigmaS0, 1f, sigmaAt(stepIndex - 1), z);
            } else {
                prev = DpmSolverStep.multistepThirdOrder(algorithm, sample, modelOutputs[2], modelOutputs[1], modelOutputs[0],
                        1f, sigmaT, 1f, sigmaS0, 1f, sigmaAt(stepIndex - 1), 1f, sigmaAt(stepIndex - 2), z);
            }
            if (lowerOrderNums < solverOrder) lowerOrderNums++;
            stepIndex++;
            return prev;
        }

        @Override
        public float[] addNoise(float[] original, float[] noise, double[] ts) {
            return Forward.addNoiseVe(this, original, noise, ts, IndexRule.SECOND_IF_REPEATED_ELSE_LAST);
        }
    }
}

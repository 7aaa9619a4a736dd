package jdiffusion.schedulers.diffusers;

import java.util.Set;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.DpmSolverStep;

/**
 * diffusers' {@code DPMSolverMultistepScheduler}: multistep DPM-Solver / DPM-Solver++ of order 1 to 3
 * (Lu et al. 2022) and their SDE variants, with lower-order final steps, karras / exponential / beta / Lu /
 * flow noise levels, log-SNR clipping and dynamic thresholding.
 */
public final class DPMSolverMultistepScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "multistep DPM-Solver(++) (Lu et al. 2022), orders 1-3, SDE variants", DPMSolverMultistepScheduler::new);
        }
    }

    static final String NAME = "DPMSolverMultistepScheduler";

    private final TrainingTables tables;
    private final int solverOrder;
    private final SolverModel model;
    private final DpmSolverStep.Algorithm algorithm;
    private final DpmSolverStep.SolverType solverType;
    private final boolean lowerOrderFinal;
    private final boolean eulerAtFinal;
    private final SolverSigmas.Kind kind;
    private final double flowShift;
    private final boolean finalSigmaMin;
    private final double lambdaMinClipped;
    private final String spacing;
    private final int stepsOffset;
    private final boolean dynamicShifting;

    DPMSolverMultistepScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        KarrasSigmas.kind(o);
        tables = TrainingTables.read(o, 0.0001, 0.02, "linear", true, true, "linear", "scaled_linear", "squaredcos_cap_v2");
        solverOrder = o.integer("solver_order", 2);
        if (solverOrder < 1 || solverOrder > 3) throw o.invalid("solver_order", solverOrder, "1, 2 or 3");
        String alg = o.choice("algorithm_type", "dpmsolver++", "dpmsolver", "dpmsolver++", "sde-dpmsolver", "sde-dpmsolver++", "deis");
        algorithm = SolverModel.algorithm(alg);
        String type = o.choice("solver_type", "midpoint", "midpoint", "heun", "logrho", "bh1", "bh2");
        solverType = type.equals("heun") ? DpmSolverStep.SolverType.HEUN : DpmSolverStep.SolverType.MIDPOINT;
        kind = SolverSigmas.kind(o, true, true);
        model = new SolverModel(o, kind == SolverSigmas.Kind.FLOW, true, "epsilon", "sample", "v_prediction", "flow_prediction");
        if (!algorithm.dataPrediction() && model.prediction.equals("flow_prediction")) {
            throw o.invalid("prediction_type", model.prediction, "epsilon, sample or v_prediction with algorithm_type " + alg);
        }
        lowerOrderFinal = o.flag("lower_order_final", true);
        eulerAtFinal = o.flag("euler_at_final", false);
        flowShift = o.real("flow_shift", 1.0);
        finalSigmaMin = o.choice("final_sigmas_type", "zero", "zero", "sigma_min").equals("sigma_min");
        if (!algorithm.dataPrediction() && !finalSigmaMin) {
            throw o.invalid("final_sigmas_type", "zero", "sigma_min with algorithm_type " + alg);
        }
        lambdaMinClipped = o.real("lambda_min_clipped", Double.NEGATIVE_INFINITY);
        spacing = o.choice("timestep_spacing", "linspace", Spacing.NAMES);
        stepsOffset = o.integer("steps_offset", 0);
        dynamicShifting = o.flag("use_dynamic_shifting", false);
        o.choice("time_shift_type", "exponential", "exponential");
    }

    @Override
    public NoiseSchedule trainingSchedule() {
        return tables.schedule;
    }

    @Override
    Set<String> timestepKeys() {
        return Set.of("mu");
    }

    @Override
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        double shift = flowShift;
        if (timestepOptions.has("mu")) {
            if (!dynamicShifting) throw options.error("set_timesteps(mu=...) needs use_dynamic_shifting = true");
            shift = Math.exp(timestepOptions.getDouble("mu", 0));
        }
        return new Run(n, shift);
    }

    private final class Run extends BaseRun {
        private final float[][] modelOutputs = new float[solverOrder][];
        private int lowerOrderNums;

        Run(int n, double shift) {
            super(NAME);
            int t = tables.size();
            int last = t - SolverSigmas.clippedIndex(tables, lambdaMinClipped);
            double[] spaced = Spacing.multistep(spacing, t, last, n, stepsOffset);
            // diffusers keeps karras / Lu timesteps fractional (then truncates them) for the cosine schedule
            boolean round = !"squaredcos_cap_v2".equals(options.config().getString("beta_schedule", "linear"));
            SolverSigmas ss = SolverSigmas.build(tables, spaced, kind, n, round, shift, null, null);
            int m = ss.sigmas.length;
            sigmas = new float[m + 1];
            for (int i = 0; i < m; i++) sigmas[i] = (float) ss.sigmas[i];
            sigmas[m] = finalSigmaMin ? tables.sigmaMin() : 0f;
            timesteps = ss.timesteps;
            timestepType = DType.INT64;
            numInferenceSteps = timesteps.length;
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            return sample;
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
            float[] m = algorithm.dataPrediction() ? model.x0(modelOutput, sample, sigmaS0) : model.epsilon(modelOutput, sample, sigmaS0);
            System.arraycopy(modelOutputs, 1, modelOutputs, 0, solverOrder - 1);
            modelOutputs[solverOrder - 1] = m;
            float[] z = algorithm.stochastic() ? noise.next(sample.length) : null;
            float sigmaT = sigmaAt(stepIndex + 1);
            float[] prev;
            if (solverOrder == 1 || lowerOrderNums < 1 || lowerFinal) {
                prev = DpmSolverStep.firstOrder(algorithm, sample, m, model.alpha(sigmaT), model.sigmaT(sigmaT),
                        model.alpha(sigmaS0), model.sigmaT(sigmaS0), z);
            } else if (solverOrder == 2 || lowerOrderNums < 2 || lowerSecond) {
                float sigmaS1 = sigmaAt(stepIndex - 1);
                prev = DpmSolverStep.multistepSecondOrder(algorithm, solverType, sample, modelOutputs[solverOrder - 1],
                        modelOutputs[solverOrder - 2], model.alpha(sigmaT), model.sigmaT(sigmaT), model.alpha(sigmaS0),
                        model.sigmaT(sigmaS0), model.alpha(sigmaS1), model.sigmaT(sigmaS1), z);
            } else {
                float sigmaS1 = sigmaAt(stepIndex - 1);
                float sigmaS2 = sigmaAt(stepIndex - 2);
                prev = DpmSolverStep.multistepThirdOrder(algorithm, sample, modelOutputs[2], modelOutputs[1], modelOutputs[0],
                        model.alpha(sigmaT), model.sigmaT(sigmaT), model.alpha(sigmaS0), model.sigmaT(sigmaS0),
                        model.alpha(sigmaS1), model.sigmaT(sigmaS1), model.alpha(sigmaS2), model.sigmaT(sigmaS2), z);
            }
            if (lowerOrderNums < solverOrder) lowerOrderNums++;
            stepIndex++;
            return prev;
        }

        @Override
        public float[] addNoise(float[] original, float[] noise, double[] ts) {
            return Forward.addNoiseAlphaSigma(this, original, noise, ts, model.flow);
        }
    }
}

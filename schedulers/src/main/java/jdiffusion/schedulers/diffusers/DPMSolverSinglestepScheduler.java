package jdiffusion.schedulers.diffusers;

import java.util.Set;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.DpmSolverStep;

/**
 * diffusers' {@code DPMSolverSinglestepScheduler}: singlestep DPM-Solver / DPM-Solver++ (Lu et al. 2022),
 * where each group of k steps is one k-th order step through intermediate model calls (the order list
 * 1, 2, 3, 1, 2, 3, ...). Like diffusers, a run uses lower-order final steps whenever the step count is not
 * a multiple of the order or the final sigma is zero.
 */
public final class DPMSolverSinglestepScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "singlestep DPM-Solver(++) (Lu et al. 2022), orders 1-3", DPMSolverSinglestepScheduler::new);
        }
    }

    static final String NAME = "DPMSolverSinglestepScheduler";

    private final TrainingTables tables;
    private final int solverOrder;
    private final SolverModel model;
    private final DpmSolverStep.Algorithm algorithm;
    private final DpmSolverStep.SolverType solverType;
    private final boolean lowerOrderFinal;
    private final SolverSigmas.Kind kind;
    private final double flowShift;
    private final boolean finalSigmaMin;
    private final double lambdaMinClipped;
    private final boolean dynamicShifting;

    DPMSolverSinglestepScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        KarrasSigmas.kind(o);
        tables = TrainingTables.read(o, 0.0001, 0.02, "linear", false, false, "linear", "scaled_linear", "squaredcos_cap_v2");
        solverOrder = o.integer("solver_order", 2);
        if (solverOrder < 1 || solverOrder > 3) throw o.invalid("solver_order", solverOrder, "1, 2 or 3");
        String alg = o.choice("algorithm_type", "dpmsolver++", "dpmsolver", "dpmsolver++", "sde-dpmsolver++", "deis");
        algorithm = SolverModel.algorithm(alg);
        String type = o.choice("solver_type", "midpoint", "midpoint", "heun", "logrho", "bh1", "bh2");
        solverType = type.equals("heun") ? DpmSolverStep.SolverType.HEUN : DpmSolverStep.SolverType.MIDPOINT;
        kind = SolverSigmas.kind(o, false, true);
        model = new SolverModel(o, kind == SolverSigmas.Kind.FLOW, true, "epsilon", "sample", "v_prediction", "flow_prediction");
        if (!algorithm.dataPrediction() && model.prediction.equals("flow_prediction")) {
            throw o.invalid("prediction_type", model.prediction, "epsilon, sample or v_prediction with algorithm_type " + alg);
        }
        lowerOrderFinal = o.flag("lower_order_final", false);
        flowShift = o.real("flow_shift", 1.0);
        finalSigmaMin = o.choice("final_sigmas_type", "zero", "zero", "sigma_min").equals("sigma_min");
        if (!algorithm.dataPrediction() && !finalSigmaMin) {
            throw o.invalid("final_sigmas_type", "zero", "sigma_min with algorithm_type " + alg);
        }
        lambdaMinClipped = o.real("lambda_min_clipped", Double.NEGATIVE_INFINITY);
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

    /** diffusers' {@code get_order_list}: the order of each step. */
    static int[] orderList(int steps, int order, boolean lowerOrderFinal, boolean finalZero) {
        int[] orders = new int[steps];
        if (lowerOrderFinal) {
            if (order == 3) {
                int k = 0;
                int groups = steps % 3 == 0 ? steps / 3 - 1 : steps / 3;
                for (int g = 0; g < groups; g++) {
                    orders[k++] = 1;
                    orders[k++] = 2;
                    orders[k++] = 3;
                }
                if (steps % 3 == 0) {
                    orders[k++] = 1;
                    orders[k++] = 2;
                    orders[k++] = 1;
                } else if (steps % 3 == 1) {
                    orders[k++] = 1;
                } else {
                    orders[k++] = 1;
                    orders[k++] = 2;
                }
            } else if (order == 2) {
                int k = 0;
                int groups = steps % 2 == 0 ? steps / 2 - 1 : steps / 2;
                for (int g = 0; g < groups; g++) {
                    orders[k++] = 1;
                    orders[k++] = 2;
                }
                orders[k++] = 1;
                if (steps % 2 == 0) orders[k++] = 1;
            } else {
                java.util.Arrays.fill(orders, 1);
            }
        } else {
            for (int k = 0; k < steps; k++) orders[k] = order == 1 ? 1 : k % order + 1;
        }
        if (finalZero) orders[orders.length - 1] = 1;
        return orders;
    }

    private final class Run extends BaseRun {
        private final float[][] modelOutputs = new float[solverOrder][];
        private final int[] orderList;
        private float[] groupSample;

        Run(int n, double shift) {
            super(NAME);
            int t = tables.size();
            int clipped = SolverSigmas.clippedIndex(tables, lambdaMinClipped);
            double[] lin = Numpy.reverse(Numpy.round(Numpy.linspace(0, t - 1 - clipped, n + 1)));
            double[] spaced = new double[n];
            System.arraycopy(lin, 0, spaced, 0, n);
            SolverSigmas ss = SolverSigmas.build(tables, spaced, kind, n, true, shift, null, null);
            int m = ss.sigmas.length;
            sigmas = new float[m + 1];
            for (int i = 0; i < m; i++) sigmas[i] = (float) ss.sigmas[i];
            sigmas[m] = finalSigmaMin ? tables.sigmaMin() : 0f;
            timesteps = ss.timesteps;
            timestepType = DType.INT64;
            numInferenceSteps = n;
            boolean lower = lowerOrderFinal || n % solverOrder != 0 || !finalSigmaMin;
            orderList = orderList(n, solverOrder, lower, !finalSigmaMin);
            double[] ol = new double[orderList.length];
            for (int k = 0; k < ol.length; k++) ol[k] = orderList[k];
            internals.put("order_list", ol);
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            return sample;
        }

        @Override
        public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
            consume(i);
            initStepIndex(timestepAt(i), IndexRule.SECOND_IF_REPEATED_ELSE_LAST);
            float sigmaS0 = sigmaAt(stepIndex);
            float[] m = algorithm.dataPrediction() ? model.x0(modelOutput, sample, sigmaS0) : model.epsilon(modelOutput, sample, sigmaS0);
            System.arraycopy(modelOutputs, 1, modelOutputs, 0, solverOrder - 1);
            modelOutputs[solverOrder - 1] = m;
            float[] z = algorithm.stochastic() ? noise.next(sample.length) : null;
            if (stepIndex >= orderList.length) {
                throw new IllegalStateException(NAME + ": the order list has no entry for step " + stepIndex);
            }
            int order = orderList[stepIndex];
            while (modelOutputs[solverOrder - order] == null) order--;
            if (order == 1) groupSample = sample;
            float sigmaT = sigmaAt(stepIndex + 1);
            float[] prev;
            if (order == 1) {
                prev = DpmSolverStep.firstOrder(algorithm, groupSample, modelOutputs[solverOrder - 1], model.alpha(sigmaT),
                        model.sigmaT(sigmaT), model.alpha(sigmaS0), model.sigmaT(sigmaS0), z);
            } else if (order == 2) {
                float sigmaS1 = sigmaAt(stepIndex - 1);
                prev = DpmSolverStep.singlestepSecondOrder(algorithm, solverType, groupSample, modelOutputs[solverOrder - 1],
                        modelOutputs[solverOrder - 2], model.alpha(sigmaT), model.sigmaT(sigmaT), model.alpha(sigmaS0),
                        model.sigmaT(sigmaS0), model.alpha(sigmaS1), model.sigmaT(sigmaS1), z);
            } else {
                float sigmaS1 = sigmaAt(stepIndex - 1);
                float sigmaS2 = sigmaAt(stepIndex - 2);
                prev = DpmSolverStep.singlestepThirdOrder(algorithm, solverType, groupSample, modelOutputs[solverOrder - 1],
                        modelOutputs[solverOrder - 2], modelOutputs[solverOrder - 3], model.alpha(sigmaT), model.sigmaT(sigmaT),
                        model.alpha(sigmaS0), model.sigmaT(sigmaS0), model.alpha(sigmaS1), model.sigmaT(sigmaS1),
                        model.alpha(sigmaS2), model.sigmaT(sigmaS2), z);
            }
            stepIndex++;
            return prev;
        }

        @Override
        public float[] addNoise(float[] original, float[] noise, double[] ts) {
            return Forward.addNoiseAlphaSigma(this, original, noise, ts, model.flow);
        }
    }
}

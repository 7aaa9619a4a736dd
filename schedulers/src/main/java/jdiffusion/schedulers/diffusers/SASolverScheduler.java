package jdiffusion.schedulers.diffusers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.SaSolverStep;

/**
 * diffusers' {@code SASolverScheduler}: the stochastic Adams predictor-corrector of Xue et al. (2023),
 * predictor and corrector orders 1 to 4, data or noise prediction, with diffusers' default noise schedule
 * tau(t) = 1 for 200 &lt;= t &lt;= 800, else 0. A noise tensor is drawn at every step.
 */
public final class SASolverScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "SA-Solver stochastic Adams (Xue et al. 2023)", SASolverScheduler::new);
        }
    }

    static final String NAME = "SASolverScheduler";

    private final TrainingTables tables;
    private final int predictorOrder;
    private final int correctorOrder;
    private final SolverModel model;
    private final boolean dataPrediction;
    private final boolean lowerOrderFinal;
    private final SolverSigmas.Kind kind;
    private final double flowShift;
    private final double lambdaMinClipped;
    private final String spacing;
    private final int stepsOffset;

    SASolverScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        KarrasSigmas.kind(o);
        tables = TrainingTables.read(o, 0.0001, 0.02, "linear", false, false, "linear", "scaled_linear", "squaredcos_cap_v2");
        predictorOrder = o.integer("predictor_order", 2);
        correctorOrder = o.integer("corrector_order", 2);
        if (predictorOrder < 1 || predictorOrder > 4) throw o.invalid("predictor_order", predictorOrder, "1 to 4");
        if (correctorOrder < 1 || correctorOrder > 4) throw o.invalid("corrector_order", correctorOrder, "1 to 4");
        if (o.has("tau_func")) throw o.invalid("tau_func", o.config().raw("tau_func"), "null (the default tau: 1 for 200 <= t <= 800, else 0)");
        kind = SolverSigmas.kind(o, false, true);
        model = new SolverModel(o, kind == SolverSigmas.Kind.FLOW, true, "epsilon", "sample", "v_prediction", "flow_prediction");
        dataPrediction = o.choice("algorithm_type", "data_prediction", "data_prediction", "noise_prediction").equals("data_prediction");
        if (!dataPrediction && model.prediction.equals("flow_prediction")) {
            throw o.invalid("prediction_type", model.prediction, "epsilon, sample or v_prediction with algorithm_type noise_prediction");
        }
        lowerOrderFinal = o.flag("lower_order_final", true);
        flowShift = o.real("flow_shift", 1.0);
        lambdaMinClipped = o.real("lambda_min_clipped", Double.NEGATIVE_INFINITY);
        spacing = o.choice("timestep_spacing", "linspace", Spacing.NAMES);
        stepsOffset = o.integer("steps_offset", 0);
    }

    @Override
    public NoiseSchedule trainingSchedule() {
        return tables.schedule;
    }

    @Override
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        return new Run(n);
    }

    /** diffusers' default tau(t). */
    private static int tau(double t) {
        return t >= 200 && t <= 800 ? 1 : 0;
    }

    private final class Run extends BaseRun {
        private final int history = Math.max(predictorOrder, correctorOrder - 1);
        private final float[][] modelOutputs = new float[history][];
        private final double[] timestepList = new double[history];
        private int lowerOrderNums;
        private float[] lastSample;
        private float[] lastNoise;
        private int thisCorrectorOrder;

        Run(int n) {
            super(NAME);
            int t = tables.size();
            int last = t - SolverSigmas.clippedIndex(tables, lambdaMinClipped);
            double[] spaced = Spacing.multistep(spacing, t, last, n, stepsOffset);
            SolverSigmas ss = SolverSigmas.build(tables, spaced, kind, n, true, flowShift, null, null);
            int m = ss.sigmas.length;
            sigmas = new float[m + 1];
            for (int i = 0; i < m; i++) sigmas[i] = (float) ss.sigmas[i];
            sigmas[m] = kind == SolverSigmas.Kind.INTERPOLATED ? tables.sigmaMin() : sigmas[m - 1];
            timesteps = ss.timesteps;
            timestepType = DType.INT64;
            numInferenceSteps = timesteps.length;
            Arrays.fill(timestepList, Double.NaN);
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            return sample;
        }

        private SaSolverStep.Level level(int index) {
            float sigma = sigmaAt(index);
            return SaSolverStep.Level.of(model.alpha(sigma), model.sigmaT(sigma));
        }

        private float[] lambdas(int from, int order) {
            float[] l = new float[order];
            for (int k = 0; k < order; k++) l[k] = level(from - k).lambda();
            return l;
        }

        @Override
        public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
            consume(i);
            double t = timestepAt(i);
            initStepIndex(t, IndexRule.SECOND_IF_REPEATED_ELSE_LAST);
            boolean useCorrector = stepIndex > 0 && lastSample != null;
            float sigma = sigmaAt(stepIndex);
            float[] converted = dataPrediction ? model.x0(modelOutput, sample, sigma) : model.epsilon(modelOutput, sample, sigma);
            if (useCorrector) {
                List<float[]> outputs = new ArrayList<>(Arrays.asList(modelOutputs));
                outputs.add(converted);
                sample = SaSolverStep.corrector(dataPrediction, thisCorrectorOrder, tau(timestepList[history - 1]), lastSample,
                        outputs, level(stepIndex), level(stepIndex - 1), lambdas(stepIndex, thisCorrectorOrder), lastNoise);
            }
            System.arraycopy(modelOutputs, 1, modelOutputs, 0, history - 1);
            System.arraycopy(timestepList, 1, timestepList, 0, history - 1);
            modelOutputs[history - 1] = converted;
            timestepList[history - 1] = t;
            float[] z = noise.next(sample.length);
            int len = timesteps.length;
            int p = lowerOrderFinal ? Math.min(predictorOrder, len - stepIndex) : predictorOrder;
            int c = lowerOrderFinal ? Math.min(correctorOrder, len - stepIndex + 1) : correctorOrder;
            int thisPredictorOrder = Math.min(p, lowerOrderNums + 1);
            thisCorrectorOrder = Math.min(c, lowerOrderNums + 2);
            if (thisPredictorOrder <= 0 || thisCorrectorOrder <= 0) {
                throw new IllegalStateException(NAME + ": no steps left at step " + stepIndex + " of " + len
                        + " (a repeated first timestep made the run start late)");
            }
            lastSample = sample;
            lastNoise = z;
            SaSolverStep.Level before = thisPredictorOrder == 2 ? level(stepIndex - 1) : null;
            float[] prev = SaSolverStep.predictor(dataPrediction, thisPredictorOrder, tau(t), sample, Arrays.asList(modelOutputs),
                    level(stepIndex + 1), level(stepIndex), lambdas(stepIndex, thisPredictorOrder), before, z);
            if (lowerOrderNums < history) lowerOrderNums++;
            stepIndex++;
            return prev;
        }

        @Override
        public float[] addNoise(float[] original, float[] noise, double[] ts) {
            return Forward.addNoiseVp(tables.alphasCumprod, original, noise, ts, NAME);
        }
    }
}

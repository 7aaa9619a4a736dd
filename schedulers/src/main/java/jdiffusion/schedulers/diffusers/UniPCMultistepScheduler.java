package jdiffusion.schedulers.diffusers;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.UniPcStep;

/**
 * diffusers' {@code UniPCMultistepScheduler}: the UniPC predictor-corrector (Zhao et al. 2023), orders 1 to
 * 3, bh1 / bh2, data or noise prediction, with karras / exponential / beta / flow noise levels (dynamic
 * shifting, terminal stretching) and {@code disable_corrector}.
 */
public final class UniPCMultistepScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "UniPC predictor-corrector (Zhao et al. 2023)", UniPCMultistepScheduler::new);
        }
    }

    static final String NAME = "UniPCMultistepScheduler";

    private final TrainingTables tables;
    private final int solverOrder;
    private final SolverModel model;
    private final boolean predictX0;
    private final UniPcStep.Variant variant;
    private final boolean lowerOrderFinal;
    private final int[] disableCorrector;
    private final SolverSigmas.Kind kind;
    private final boolean flowSigmas;
    private final double flowShift;
    private final String spacing;
    private final int stepsOffset;
    private final boolean finalSigmaMin;
    private final boolean dynamicShifting;
    private final String timeShiftType;
    private final Double sigmaMin;
    private final Double sigmaMax;
    private final Double shiftTerminal;

    UniPCMultistepScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        KarrasSigmas.kind(o);
        tables = TrainingTables.read(o, 0.0001, 0.02, "linear", true, true, "linear", "scaled_linear", "squaredcos_cap_v2");
        solverOrder = o.integer("solver_order", 2);
        if (solverOrder < 1) throw o.invalid("solver_order", solverOrder, "at least 1");
        flowSigmas = o.flag("use_flow_sigmas", false);
        kind = SolverSigmas.kind(o, false, true);
        model = new SolverModel(o, flowSigmas, "epsilon", "sample", "v_prediction", "flow_prediction");
        predictX0 = o.flag("predict_x0", true);
        if (!predictX0 && model.prediction.equals("flow_prediction")) {
            throw o.invalid("prediction_type", model.prediction, "epsilon, sample or v_prediction with predict_x0 = false");
        }
        String st = o.choice("solver_type", "bh2", "bh1", "bh2", "midpoint", "heun", "logrho");
        variant = st.equals("bh1") ? UniPcStep.Variant.BH1 : UniPcStep.Variant.BH2;
        lowerOrderFinal = o.flag("lower_order_final", true);
        disableCorrector = o.integers("disable_corrector");
        if (o.has("solver_p")) throw o.invalid("solver_p", o.config().raw("solver_p"), "null: another scheduler as predictor is not supported");
        flowShift = o.real("flow_shift", 1.0);
        spacing = o.choice("timestep_spacing", "linspace", Spacing.NAMES);
        stepsOffset = o.integer("steps_offset", 0);
        finalSigmaMin = o.choice("final_sigmas_type", "zero", "zero", "sigma_min").equals("sigma_min");
        dynamicShifting = o.flag("use_dynamic_shifting", false);
        timeShiftType = o.choice("time_shift_type", "exponential", "exponential", "linear");
        sigmaMin = o.optionalReal("sigma_min");
        sigmaMax = o.optionalReal("sigma_max");
        shiftTerminal = o.optionalReal("shift_terminal");
        if (shiftTerminal != null && !flowSigmas) throw o.error("shift_terminal is only supported with use_flow_sigmas = true");
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
        Double mu = timestepOptions.has("mu") ? timestepOptions.getDouble("mu", 0) : null;
        if (dynamicShifting && mu == null) throw options.error("set_timesteps needs mu when use_dynamic_shifting = true");
        return new Run(n, mu);
    }

    private final class Run extends BaseRun {
        private final float[][] modelOutputs = new float[solverOrder][];
        private int lowerOrderNums;
        private float[] lastSample;
        private int thisOrder;

        Run(int n, Double mu) {
            super(NAME);
            int t = tables.size();
            double[] spaced = Spacing.multistep(spacing, t, t, n, stepsOffset);
            double[] s;
            double[] ts;
            double last;
            switch (kind) {
                case KARRAS, EXPONENTIAL, BETA -> {
                    float[] table = tables.sigmas();
                    float[] logSigmas = Numpy.log32(table);
                    double lo = sigmaMin != null ? sigmaMin : table[0];
                    double hi = sigmaMax != null ? sigmaMax : table[table.length - 1];
                    s = switch (kind) {
                        case KARRAS -> SigmaConversions.karras(lo, hi, n, 7.0);
                        case EXPONENTIAL -> SigmaConversions.exponential(lo, hi, n);
                        default -> SigmaConversions.beta(lo, hi, n, 0.6, 0.6);
                    };
                    ts = new double[n];
                    if (kind == SolverSigmas.Kind.KARRAS && flowSigmas) {
                        for (int i = 0; i < n; i++) {
                            s[i] = s[i] / (s[i] + 1);
                            ts[i] = s[i] * t;
                        }
                    } else {
                        for (int i = 0; i < n; i++) ts[i] = SigmaConversions.sigmaToT(s[i], logSigmas);
                        if (kind == SolverSigmas.Kind.KARRAS) ts = Numpy.round(ts);
                    }
                    last = finalSigmaMin ? s[n - 1] : 0;
                }
                case FLOW -> {
                    double[] lin = Numpy.linspace(1, 1.0 / t, n + 1);
                    s = new double[n];
                    for (int i = 0; i < n; i++) {
                        double x = lin[i];
                        if (dynamicShifting) {
                            s[i] = timeShiftType.equals("exponential") ? Math.exp(mu) / (Math.exp(mu) + (1 / x - 1)) : mu / (mu + (1 / x - 1));
                        } else {
                            s[i] = flowShift * x / (1 + (flowShift - 1) * x);
                        }
                    }
                    if (shiftTerminal != null && shiftTerminal != 0) {
                        double scale = (1 - s[n - 1]) / (1 - shiftTerminal);
                        for (int i = 0; i < n; i++) s[i] = 1 - ((1 - s[i]) / scale);
                    }
                    if (Math.abs(s[0] - 1) < 1e-6) s[0] -= 1e-6;
                    ts = new double[n];
                    for (int i = 0; i < n; i++) ts[i] = s[i] * t;
                    last = finalSigmaMin ? s[n - 1] : 0;
                }
                default -> {
                    s = Numpy.interpTable(spaced, tables.sigmas());
                    ts = spaced;
                    last = finalSigmaMin ? tables.sigmaMin() : 0;
                }
            }
            sigmas = new float[s.length + 1];
            for (int i = 0; i < s.length; i++) sigmas[i] = (float) s[i];
            sigmas[s.length] = (float) last;
            timesteps = new double[ts.length];
            for (int i = 0; i < ts.length; i++) timesteps[i] = SolverSigmas.truncate(ts[i]);
            timestepType = DType.INT64;
            numInferenceSteps = timesteps.length;
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            return sample;
        }

        private float[] convert(float[] out, float[] sample, float sigma) {
            return predictX0 ? model.x0(out, sample, sigma) : model.epsilon(out, sample, sigma);
        }

        /** alpha and sigma at sigmas[index], sigmas[index - 1], ... (count of them). */
        private float[][] levels(int first, int count, int... explicit) {
            float[] a = new float[count];
            float[] s = new float[count];
            for (int k = 0; k < count; k++) {
                float sigma = sigmaAt(explicit[k]);
                a[k] = model.alpha(sigma);
                s[k] = model.sigmaT(sigma);
            }
            return new float[][] {a, s};
        }

        @Override
        public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
            consume(i);
            initStepIndex(timestepAt(i), IndexRule.SECOND_IF_REPEATED_ELSE_LAST);
            boolean useCorrector = stepIndex > 0 && !disabled(stepIndex - 1) && lastSample != null;
            float[] converted = convert(modelOutput, sample, sigmaAt(stepIndex));
            if (useCorrector) {
                int order = thisOrder;
                int[] idx = new int[order + 1];
                idx[0] = stepIndex;
                for (int k = 1; k <= order; k++) idx[k] = stepIndex - k;
                float[][] lv = levels(0, order + 1, idx);
                sample = UniPcStep.corrector(predictX0, variant, order, lastSample, converted, modelOutputs[solverOrder - 1],
                        previous(order), lv[0], lv[1]);
            }
            System.arraycopy(modelOutputs, 1, modelOutputs, 0, solverOrder - 1);
            modelOutputs[solverOrder - 1] = converted;
            int order = lowerOrderFinal ? Math.min(solverOrder, timesteps.length - stepIndex) : solverOrder;
            thisOrder = Math.min(order, lowerOrderNums + 1);
            if (thisOrder <= 0) {
                throw new IllegalStateException(NAME + ": no steps left at step " + stepIndex + " of " + timesteps.length
                        + " (a repeated first timestep made the run start late)");
            }
            lastSample = sample;
            int[] idx = new int[thisOrder + 1];
            idx[0] = stepIndex + 1;
            for (int k = 1; k <= thisOrder; k++) idx[k] = stepIndex - (k - 1);
            float[][] lv = levels(0, thisOrder + 1, idx);
            float[] prev = UniPcStep.predictor(predictX0, variant, thisOrder, sample, converted, previous(thisOrder), lv[0], lv[1]);
            if (lowerOrderNums < solverOrder) lowerOrderNums++;
            stepIndex++;
            return prev;
        }

        /** The model outputs before the newest, newest first, for an update of {@code order}. */
        private List<float[]> previous(int order) {
            List<float[]> p = new ArrayList<>();
            for (int k = 1; k < order; k++) p.add(modelOutputs[solverOrder - 1 - k]);
            return p;
        }

        private boolean disabled(int step) {
            for (int d : disableCorrector) {
                if (d == step) return true;
            }
            return false;
        }

        @Override
        public float[] addNoise(float[] original, float[] noise, double[] ts) {
            return Forward.addNoiseAlphaSigma(this, original, noise, ts, model.flow);
        }
    }
}

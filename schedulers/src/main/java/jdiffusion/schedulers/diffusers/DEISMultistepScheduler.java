package jdiffusion.schedulers.diffusers;

import java.util.Set;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.DeisStep;
import jdiffusion.samplers.step.DpmSolverStep;
import jdiffusion.samplers.step.VpParameterization;

/**
 * diffusers' {@code DEISMultistepScheduler}: multistep DEIS (Zhang &amp; Chen 2023) with the log-rho solver,
 * orders 1 to 3, over a DDPM schedule or karras / exponential / beta / flow noise levels. Its final sigma is
 * never zero: sigma_min, or a repeat of the last noise level.
 */
public final class DEISMultistepScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "multistep DEIS (Zhang & Chen 2023), log-rho, orders 1-3", DEISMultistepScheduler::new);
        }
    }

    static final String NAME = "DEISMultistepScheduler";

    private final TrainingTables tables;
    private final int solverOrder;
    private final SolverModel model;
    private final boolean lowerOrderFinal;
    private final SolverSigmas.Kind kind;
    private final double flowShift;
    private final String spacing;
    private final int stepsOffset;
    private final boolean dynamicShifting;

    DEISMultistepScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        tables = TrainingTables.read(o, 0.0001, 0.02, "linear", false, false, "linear", "scaled_linear", "squaredcos_cap_v2");
        solverOrder = o.integer("solver_order", 2);
        if (solverOrder < 1 || solverOrder > 3) throw o.invalid("solver_order", solverOrder, "1, 2 or 3");
        o.choice("algorithm_type", "deis", "deis", "dpmsolver", "dpmsolver++");
        o.choice("solver_type", "logrho", "logrho", "midpoint", "heun", "bh1", "bh2");
        kind = SolverSigmas.kind(o, false, true);
        model = new SolverModel(o, kind == SolverSigmas.Kind.FLOW, "epsilon", "sample", "v_prediction", "flow_prediction");
        lowerOrderFinal = o.flag("lower_order_final", true);
        flowShift = o.real("flow_shift", 1.0);
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
            double[] spaced = Spacing.multistep(spacing, t, t, n, stepsOffset);
            SolverSigmas ss = SolverSigmas.build(tables, spaced, kind, n, true, shift, null, null);
            int m = ss.sigmas.length;
            sigmas = new float[m + 1];
            for (int i = 0; i < m; i++) sigmas[i] = (float) ss.sigmas[i];
            sigmas[m] = kind == SolverSigmas.Kind.INTERPOLATED ? tables.sigmaMin() : sigmas[m - 1];
            timesteps = ss.timesteps;
            timestepType = DType.INT64;
            numInferenceSteps = timesteps.length;
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            return sample;
        }

        /** DEIS integrates eps: x0 first (thresholded when enabled), then eps = (x - alpha x0) / sigma. */
        private float[] epsilon(float[] out, float[] sample, float sigma) {
            float[] x0 = model.x0(out, sample, sigma);
            float sigmaT = model.prediction.equals("flow_prediction") ? sigma : model.sigmaT(sigma);
            return VpParameterization.epsilonFromX0(sample, x0, model.alpha(sigma), sigmaT);
        }

        @Override
        public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
            consume(i);
            initStepIndex(timestepAt(i), IndexRule.SECOND_IF_REPEATED_ELSE_LAST);
            int len = timesteps.length;
            boolean lowerFinal = stepIndex == len - 1 && lowerOrderFinal && len < 15;
            boolean lowerSecond = stepIndex == len - 2 && lowerOrderFinal && len < 15;
            float sigmaS0 = sigmaAt(stepIndex);
            float[] m = epsilon(modelOutput, sample, sigmaS0);
            System.arraycopy(modelOutputs, 1, modelOutputs, 0, solverOrder - 1);
            modelOutputs[solverOrder - 1] = m;
            float sigmaT = sigmaAt(stepIndex + 1);
            float alphaT = model.alpha(sigmaT);
            float alphaS0 = model.alpha(sigmaS0);
            float[] prev;
            if (solverOrder == 1 || lowerOrderNums < 1 || lowerFinal) {
                prev = DpmSolverStep.firstOrder(DpmSolverStep.Algorithm.DPMSOLVER, sample, m, alphaT, model.sigmaT(sigmaT),
                        alphaS0, model.sigmaT(sigmaS0), null);
            } else {
                float rhoT = model.sigmaT(sigmaT) / alphaT;
                float rhoS0 = model.sigmaT(sigmaS0) / alphaS0;
                float sigmaS1 = sigmaAt(stepIndex - 1);
                float rhoS1 = model.sigmaT(sigmaS1) / model.alpha(sigmaS1);
                if (solverOrder == 2 || lowerOrderNums < 2 || lowerSecond) {
                    prev = DeisStep.secondOrder(sample, modelOutputs[solverOrder - 1], modelOutputs[solverOrder - 2], alphaT,
                            alphaS0, rhoT, rhoS0, Numpy.log32(rhoT), Numpy.log32(rhoS0), Numpy.log32(rhoS1));
                } else {
                    float sigmaS2 = sigmaAt(stepIndex - 2);
                    float rhoS2 = model.sigmaT(sigmaS2) / model.alpha(sigmaS2);
                    prev = DeisStep.thirdOrder(sample, modelOutputs[2], modelOutputs[1], modelOutputs[0], alphaT, alphaS0,
                            rhoT, rhoS0, Numpy.log32(rhoT), Numpy.log32(rhoS0), Numpy.log32(rhoS1), Numpy.log32(rhoS2));
                }
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

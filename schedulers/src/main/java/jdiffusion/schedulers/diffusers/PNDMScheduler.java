package jdiffusion.schedulers.diffusers;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.samplers.step.Float32Math;
import jdiffusion.samplers.step.PlmsStep;
import jdiffusion.samplers.step.VpParameterization;

/**
 * diffusers' {@code PNDMScheduler}: the pseudo numerical methods of Liu et al. (2022), three pseudo
 * Runge-Kutta warm-up steps (four model calls each) and then pseudo linear multistep (PLMS) steps, or PLMS
 * alone with {@code skip_prk_steps} (its second step repeats a timestep to start at second order).
 */
public final class PNDMScheduler extends DiffusersScheduler {

    /** The provider. */
    public static final class Factory extends DiffusersSchedulerFactory {
        public Factory() {
            super(NAME, "PNDM / PLMS (Liu et al. 2022)", PNDMScheduler::new);
        }
    }

    static final String NAME = "PNDMScheduler";
    private static final int PNDM_ORDER = 4;

    private final TrainingTables tables;
    private final boolean skipPrk;
    private final float finalAlphaCumprod;
    private final String prediction;
    private final String spacing;
    private final int stepsOffset;

    PNDMScheduler(Config config) {
        super(NAME, config);
        Options o = options;
        tables = TrainingTables.read(o, 0.0001, 0.02, "linear", false, false, "linear", "scaled_linear", "squaredcos_cap_v2");
        skipPrk = o.flag("skip_prk_steps", false);
        finalAlphaCumprod = o.flag("set_alpha_to_one", false) ? 1f : tables.alphasCumprod[0];
        prediction = o.choice("prediction_type", "epsilon", "epsilon", "v_prediction");
        spacing = o.choice("timestep_spacing", "leading", Spacing.NAMES);
        stepsOffset = o.integer("steps_offset", 0);
    }

    @Override
    public NoiseSchedule trainingSchedule() {
        return tables.schedule;
    }

    @Override
    SchedulerRun newRun(int n, Config timestepOptions, Config stepOptions) {
        if (!skipPrk && n < PNDM_ORDER) {
            throw options.error("num_inference_steps = " + n + " is too few for the Runge-Kutta warm-up; it needs at least "
                    + PNDM_ORDER + " steps, or skip_prk_steps = true");
        }
        return new Run(n);
    }

    private final class Run extends BaseRun {
        private final double[] prk;
        private final double[] plms;
        private final int stepRatio;
        private final List<float[]> ets = new ArrayList<>();
        private float[] curModelOutput;
        private float[] curSample;
        private int counter;

        Run(int n) {
            super(NAME);
            int t = tables.size();
            stepRatio = t / n;
            double[] base = Numpy.reverse(Spacing.integer(spacing, t, n, stepsOffset));
            if (skipPrk) {
                prk = new double[0];
                double[] p = new double[n + 1];
                System.arraycopy(base, 0, p, 0, n - 1);
                p[n - 1] = base[Math.max(n - 2, 0)];
                p[n] = base[n - 1];
                if (n == 1) p = new double[] {base[0]};
                plms = Numpy.reverse(p);
            } else {
                // the last four timesteps, each followed by its half-step: t, t + T/n/2, ...
                double[] pairs = new double[2 * PNDM_ORDER];
                for (int k = 0; k < PNDM_ORDER; k++) {
                    double v = base[n - PNDM_ORDER + k];
                    pairs[2 * k] = v;
                    pairs[2 * k + 1] = v + stepRatio / 2;
                }
                // pairs[:-1].repeat(2)[1:-1], reversed
                double[] rep = new double[2 * (pairs.length - 1)];
                for (int k = 0; k < pairs.length - 1; k++) {
                    rep[2 * k] = pairs[k];
                    rep[2 * k + 1] = pairs[k];
                }
                double[] inner = new double[rep.length - 2];
                System.arraycopy(rep, 1, inner, 0, inner.length);
                prk = Numpy.reverse(inner);
                double[] head = new double[n - 3];
                System.arraycopy(base, 0, head, 0, n - 3);
                plms = Numpy.reverse(head);
            }
            timesteps = new double[prk.length + plms.length];
            System.arraycopy(prk, 0, timesteps, 0, prk.length);
            System.arraycopy(plms, 0, timesteps, prk.length, plms.length);
            timestepType = DType.INT64;
            numInferenceSteps = n;
            internals.put("final_alpha_cumprod", new double[] {finalAlphaCumprod});
            internals.put("prk_timesteps", prk.clone());
            internals.put("plms_timesteps", plms.clone());
        }

        @Override
        public float[] scaleModelInput(float[] sample, int i) {
            return sample;
        }

        @Override
        public float[] step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
            consume(i);
            double t = timestepAt(i);
            float[] prev = counter < prk.length && !skipPrk ? stepPrk(modelOutput, t, sample) : stepPlms(modelOutput, t, sample);
            counter++;
            return prev;
        }

        private float[] stepPrk(float[] out, double timestep, float[] sample) {
            int diffToPrev = counter % 2 != 0 ? 0 : stepRatio / 2;
            double prevT = timestep - diffToPrev;
            double t = prk[counter / 4 * 4];
            switch (counter % 4) {
                case 0 -> {
                    curModelOutput = PlmsStep.accumulate(curModelOutput, 1.0 / 6, out);
                    ets.add(out);
                    curSample = sample;
                }
                case 1, 2 -> curModelOutput = PlmsStep.accumulate(curModelOutput, 1.0 / 3, out);
                default -> {
                    out = PlmsStep.accumulate(curModelOutput, 1.0 / 6, out);
                    curModelOutput = null;
                }
            }
            return prevSample(curSample != null ? curSample : sample, t, prevT, out);
        }

        private float[] stepPlms(float[] out, double timestep, float[] sample) {
            if (!skipPrk && ets.size() < 3) {
                throw new IllegalStateException(NAME + ": PLMS steps need three Runge-Kutta steps first");
            }
            double prevT = timestep - stepRatio;
            double t = timestep;
            if (counter != 1) {
                while (ets.size() > 3) ets.remove(0);
                ets.add(out);
            } else {
                prevT = timestep;
                t = timestep + stepRatio;
            }
            float[] e;
            if (ets.size() == 1 && counter == 0) {
                e = out;
                curSample = sample;
            } else if (ets.size() == 1 && counter == 1) {
                e = PlmsStep.average(out, ets.get(0));
                sample = curSample;
                curSample = null;
            } else {
                e = PlmsStep.combine(ets);
            }
            return prevSample(sample, t, prevT, e);
        }

        private float[] prevSample(float[] sample, double t, double prevT, float[] out) {
            float alphaProd = AlphaBar.at(tables.alphasCumprod, t, NAME);
            float alphaProdPrev = prevT >= 0 ? AlphaBar.at(tables.alphasCumprod, prevT, NAME) : finalAlphaCumprod;
            if (prediction.equals("v_prediction")) {
                out = VpParameterization.epsilonFromVelocity(sample, out, Float32Math.sqrt(alphaProd), Float32Math.sqrt(1 - alphaProd));
            }
            return PlmsStep.transfer(sample, out, alphaProd, alphaProdPrev);
        }

        @Override
        public float[] addNoise(float[] original, float[] noise, double[] ts) {
            return Forward.addNoiseVp(tables.alphasCumprod, original, noise, ts, NAME);
        }
    }
}

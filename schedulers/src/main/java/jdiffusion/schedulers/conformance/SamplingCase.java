package jdiffusion.schedulers.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import jdiffusion.core.Config;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.scheduler.Scheduler;
import jdiffusion.core.scheduler.SchedulerFactory;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;

/**
 * One sampling case of a reference set: build the scheduler from the case's config, call
 * {@code set_timesteps}, compare the schedule, then run the toy-model loop with the recorded noise and
 * compare every step.
 */
final class SamplingCase implements ConformanceCase {

    private final String id;
    private final Map<String, Object> c;
    private final Function<String, SchedulerFactory> factories;

    SamplingCase(Map<String, Object> c, Function<String, SchedulerFactory> factories) {
        this.id = String.valueOf(c.get("id"));
        this.c = c;
        this.factories = factories;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CaseResult run() {
        try {
            return compare();
        } catch (RuntimeException e) {
            return CaseResult.failed(Double.NaN, "the case could not be run: " + e);
        }
    }

    private CaseResult compare() {
        String cls = String.valueOf(c.get("class"));
        SchedulerFactory factory = factories.apply(cls);
        if (factory == null) return CaseResult.failed(Double.NaN, "no scheduler class " + cls);
        Map<String, Object> error = Values.map(c.get("error"));
        Map<String, Object> checks = Values.map(c.get("checks"));
        double fp64 = checks.get("fp64_final_max_rel_diff") instanceof Number n ? n.doubleValue() : 0;
        Comparison cmp = new Comparison(Math.max(1e-6, 10 * (Double.isFinite(fp64) ? fp64 : 0)));
        int n = (int) Values.number(c.get("num_inference_steps"));

        SchedulerRun run;
        try {
            Scheduler scheduler = factory.create(Config.of(id + " config", Values.map(c.get("config"))));
            run = scheduler.start(n, Config.of(id + " set_timesteps", Values.map(c.get("set_timesteps_kwargs"))),
                    Config.of(id + " step", Values.map(c.get("step_kwargs"))));
        } catch (RuntimeException e) {
            return Outcomes.rejected(error, e);
        }
        boolean setTimestepsError = !error.isEmpty() && !"step".equals(error.get("stage"));
        if (setTimestepsError) {
            return Outcomes.accepted(error, allFinite(run));
        }

        compareSchedule(run, cmp);
        if (!cmp.ok()) return result(cmp, false);

        Object trajectory = c.get("trajectory");
        if (trajectory == null) {
            if (!error.isEmpty()) return Outcomes.accepted(error, allFinite(run));
            return result(cmp, false);
        }
        List<?> ref = Values.list(trajectory);
        Map<String, Object> model = Values.map(c.get("model"));
        ToyModel toy = new ToyModel(Values.floats(model.get("a")), Values.floats(model.get("b")));
        List<float[]> noises = new ArrayList<>();
        for (Object z : Values.list(c.get("noises"))) noises.add(Values.floats(z));
        ReplayedNoise noise = new ReplayedNoise(noises);

        float[] xT = Values.floats(c.get("x_T"));
        float ins = (float) run.initNoiseSigma();
        float[] x = new float[xT.length];
        for (int k = 0; k < x.length; k++) x[k] = xT[k] * ins;
        if (c.get("x_start") != null) cmp.values("x_start", x, Values.floats(c.get("x_start")));
        double[] ts = run.timesteps();
        float[] last = x;
        try {
            for (int i = 0; i < ts.length; i++) {
                noise.atStep(i);
                float[] in = run.scaleModelInput(x, i);
                float[] out = toy.apply(in, ts[i]);
                x = run.step(out, i, x, noise);
                last = x;
                if (i < ref.size()) cmp.values("step " + i, x, Values.floats(ref.get(i)));
                if (!cmp.ok() && !Boolean.TRUE.equals(c.get("nonfinite"))) return result(cmp, false);
            }
        } catch (RuntimeException e) {
            if (!error.isEmpty()) return Outcomes.rejected(error, e);
            if (Boolean.TRUE.equals(c.get("nonfinite")) && Outcomes.clear(e)) {
                return new CaseResult(CaseResult.Outcome.PASSED_NONFINITE, cmp.maxRelError(), false, "rejected: " + e.getMessage());
            }
            return CaseResult.failed(cmp.maxRelError(), "step failed: " + e);
        }
        if (!error.isEmpty()) return Outcomes.accepted(error, Values.allFinite(last));
        if (ref.size() != ts.length) cmp.fail("jdiffusion ran " + ts.length + " steps, the reference " + ref.size());
        if (noise.drawn() != noises.size()) {
            cmp.fail("jdiffusion drew " + noise.drawn() + " noise tensors, the reference " + noises.size());
        } else if (c.get("noise_steps") != null) {
            double[] steps = Values.doubles(c.get("noise_steps"));
            for (int k = 0; k < steps.length; k++) {
                if (noise.drawnAtStep().get(k) != (int) steps[k]) {
                    cmp.fail("noise tensor " + k + " drawn at step " + noise.drawnAtStep().get(k) + ", the reference at " + (int) steps[k]);
                    break;
                }
            }
        }
        return result(cmp, Boolean.TRUE.equals(c.get("nonfinite")));
    }

    private void compareSchedule(SchedulerRun run, Comparison cmp) {
        String dtype = String.valueOf(c.get("timesteps_dtype"));
        if (c.get("timesteps") != null) {
            DType expected = switch (dtype) {
                case "int64" -> DType.INT64;
                case "float64" -> DType.FLOAT64;
                default -> DType.FLOAT32;
            };
            if (run.timestepType() != expected) cmp.fail("timesteps are " + run.timestepType() + ", the reference's " + dtype);
            cmp.values("timesteps", run.timesteps(), Values.doubles(c.get("timesteps"), expected == DType.FLOAT32), expected == DType.INT64);
        }
        if (c.get("sigmas") != null) {
            float[] s = run.sigmas();
            double[] ours = null;
            if (s != null) {
                ours = new double[s.length];
                for (int k = 0; k < s.length; k++) ours[k] = s[k];
            }
            cmp.values("sigmas", ours, Values.doubles(c.get("sigmas"), !"float64".equals(c.get("sigmas_dtype"))), false);
        }
        if (c.get("init_noise_sigma") instanceof Object v) {
            cmp.value("init_noise_sigma", run.initNoiseSigma(), Values.number(v), false);
        }
        if (c.get("scheduler_num_inference_steps") instanceof Number v) {
            cmp.value("num_inference_steps", run.numInferenceSteps(), v.doubleValue(), true);
        }
        Map<String, double[]> internals = run.internalSchedules();
        for (Map.Entry<String, Object> e : Values.map(c.get("extra_schedule")).entrySet()) {
            double[] ours = internals.get(e.getKey());
            if (ours == null || e.getValue() == null) continue;
            double[] ref = e.getValue() instanceof List<?> ? Values.doubles(e.getValue(), true) : new double[] {(float) Values.number(e.getValue())};
            cmp.values(e.getKey(), ours, ref, e.getKey().endsWith("timesteps") || e.getKey().equals("order_list"));
        }
    }

    private static boolean allFinite(SchedulerRun run) {
        float[] s = run.sigmas();
        return s == null || Values.allFinite(s);
    }

    private CaseResult result(Comparison cmp, boolean nonfinite) {
        if (!cmp.ok()) return CaseResult.failed(cmp.maxRelError(), cmp.failure());
        if (nonfinite) return new CaseResult(CaseResult.Outcome.PASSED_NONFINITE, cmp.maxRelError(), cmp.bitExact(), "non-finite as the reference");
        return new CaseResult(CaseResult.Outcome.PASSED, cmp.maxRelError(), cmp.bitExact(), cmp.bitExact() ? "" : "first inexact: " + cmp.firstInexact());
    }
}

package jdiffusion.schedulers.conformance;

import java.util.Map;
import java.util.function.Function;
import jdiffusion.core.Config;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.scheduler.SchedulerFactory;
import jdiffusion.core.scheduler.SchedulerRun;

/** One forward-process case: {@code add_noise}, {@code get_velocity} or {@code scale_noise} after {@code set_timesteps}. */
final class ForwardCase implements ConformanceCase {

    private final String id;
    private final Map<String, Object> c;
    private final Function<String, SchedulerFactory> factories;

    ForwardCase(Map<String, Object> c, Function<String, SchedulerFactory> factories) {
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
            String cls = String.valueOf(c.get("class"));
            SchedulerFactory factory = factories.apply(cls);
            if (factory == null) return CaseResult.failed(Double.NaN, "no scheduler class " + cls);
            Map<String, Object> setTimesteps = new java.util.LinkedHashMap<>(Values.map(c.get("set_timesteps")));
            int n = (int) Values.number(setTimesteps.remove("num_inference_steps"));
            SchedulerRun run = factory.create(Config.of(id + " config", Values.map(c.get("config"))))
                    .start(n, Config.of(id + " set_timesteps", setTimesteps), Config.empty(id + " step"));
            Comparison cmp = new Comparison(1e-6);
            if (c.get("schedule_timesteps") != null) {
                cmp.values("schedule_timesteps", run.timesteps(), Values.doubles(c.get("schedule_timesteps"), "float32".equals(c.get("schedule_timesteps_dtype"))),
                        "int64".equals(c.get("schedule_timesteps_dtype")));
            }
            double[] ts = Values.doubles(c.get("timesteps"), "float32".equals(c.get("timesteps_dtype")));
            Object noiseRef = c.get("noise");
            float[] noise = noiseRef == null ? null : Values.floats(noiseRef);
            String kind = String.valueOf(c.get("kind"));
            float[] result = switch (kind) {
                case "add_noise" -> run.addNoise(Values.floats(c.get("original_samples")), noise, ts);
                case "get_velocity" -> run.velocity(Values.floats(c.get("sample")), noise, ts);
                case "scale_noise" -> run.scaleNoise(Values.floats(c.get("sample")), ts, noise);
                default -> throw new IllegalArgumentException("unknown forward kind " + kind);
            };
            cmp.values("result", result, Values.floats(c.get("result")));
            if (!cmp.ok()) return CaseResult.failed(cmp.maxRelError(), cmp.failure());
            return new CaseResult(CaseResult.Outcome.PASSED, cmp.maxRelError(), cmp.bitExact(), cmp.bitExact() ? "" : "first inexact: " + cmp.firstInexact());
        } catch (RuntimeException e) {
            return CaseResult.failed(Double.NaN, "threw " + e);
        }
    }
}

package jdiffusion.schedulers.kdiffusion;

import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.core.Config;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.plugin.Registry;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.SigmaSchedule;

/**
 * One schedule case: the named schedule ({@code kind} without ComfyUI's {@code _node} suffix) with the case's
 * params over its model sampling, compared within one float32 ulp per sigma.
 */
final class ScheduleCase implements ConformanceCase {

    private final Map<String, Object> c;
    private final Registry<SigmaSchedule> schedules;
    private final Map<String, ModelSampling> modelSamplings;

    ScheduleCase(Map<String, Object> c, Registry<SigmaSchedule> schedules, Map<String, ModelSampling> modelSamplings) {
        this.c = c;
        this.schedules = schedules;
        this.modelSamplings = modelSamplings;
    }

    @Override
    public String id() {
        return String.valueOf(c.get("id"));
    }

    @Override
    public CaseResult run() {
        String kind = String.valueOf(c.get("kind"));
        if (kind.endsWith("_node")) kind = kind.substring(0, kind.length() - "_node".length());
        SigmaSchedule schedule = schedules.get(kind);
        Object msName = c.get("model_sampling");
        ModelSampling ms = msName == null ? null : modelSamplings.get(String.valueOf(msName));
        if (msName != null && ms == null) return CaseResult.failed(Double.NaN, "no model sampling " + msName + " in this set");
        int steps = (int) Cases.number(c.get("steps"));
        Map<String, Object> params = c.get("params") instanceof Map<?, ?> ? Cases.map(c.get("params")) : Map.of();
        Config options = Config.of(id() + " params", new LinkedHashMap<>(params));
        Sigmas sigmas;
        try {
            sigmas = schedule.sigmas(ms, steps, options);
        } catch (RuntimeException e) {
            if (c.containsKey("error")) {
                return new CaseResult(CaseResult.Outcome.PASSED_ERROR, 0, false, "rejected: " + e.getMessage());
            }
            if (referenceNonFinite()) {
                return new CaseResult(CaseResult.Outcome.PASSED_NONFINITE, 0, false, "rejected: " + e.getMessage());
            }
            return CaseResult.failed(Double.NaN, "threw " + e);
        }
        if (c.containsKey("error")) {
            return CaseResult.failed(Double.NaN, "the reference rejects this (" + Cases.map(c.get("error")).get("message")
                    + "); jdiffusion returned " + sigmas);
        }
        double[] ref = Cases.doubles(c.get("sigmas"));
        Compare cmp = new Compare();
        if (sigmas.size() != ref.length) {
            return CaseResult.failed(Double.NaN, sigmas.size() + " sigmas vs reference " + ref.length + ": " + sigmas);
        }
        for (int i = 0; i < ref.length; i++) cmp.ulp("sigma[" + i + "]", sigmas.get(i), ref[i]);
        if (!cmp.ok()) return CaseResult.failed(cmp.maxRelError(), cmp.firstMiss());
        return CaseResult.passed(cmp.maxRelError(), cmp.bitExact());
    }

    private boolean referenceNonFinite() {
        if (!(c.get("sigmas") instanceof java.util.List<?> l)) return false;
        for (Object v : l) {
            if (!Double.isFinite(Cases.number(v))) return true;
        }
        return false;
    }
}

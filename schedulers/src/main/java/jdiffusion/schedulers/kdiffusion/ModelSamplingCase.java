package jdiffusion.schedulers.kdiffusion;

import java.util.Map;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.schedulers.modelsampling.DiscreteModelSampling;

/** A model sampling's sigma table, log sigmas, range and percent_to_sigma, rebuilt and compared exactly. */
final class ModelSamplingCase implements ConformanceCase {

    private final String name;
    private final Map<String, Object> file;

    ModelSamplingCase(String name, Map<String, Object> file) {
        this.name = name;
        this.file = file;
    }

    @Override
    public String id() {
        return "model_sampling/" + name;
    }

    @Override
    public CaseResult run() {
        ModelSampling ms = ModelSamplings.build(file);
        Compare cmp = new Compare();
        ulps(cmp, "sigmas", ms.sigmaTable(), Cases.doubles(file.get("sigmas")));
        if (file.containsKey("log_sigmas") && ms instanceof DiscreteModelSampling d) {
            // torch takes these logs with SLEEF's vectorised logf, which is 1 ulp off in a few places.
            ulps(cmp, "log_sigmas", d.logSigmaTable(), Cases.doubles(file.get("log_sigmas")));
        }
        cmp.value("sigma_min", ms.sigmaMin(), Cases.number(file.get("sigma_min")), 0);
        cmp.value("sigma_max", ms.sigmaMax(), Cases.number(file.get("sigma_max")), 0);
        if (file.get("percent_to_sigma") instanceof Map<?, ?> p) {
            for (var e : p.entrySet()) {
                double percent = Double.parseDouble(String.valueOf(e.getKey()));
                double ref = Cases.number(e.getValue());
                double ours = ms.percentToSigma(percent);
                if (ours != ref) cmp.miss("percent_to_sigma(" + percent + ") = " + ours + " vs reference " + ref);
            }
        }
        if (!cmp.ok()) return CaseResult.failed(cmp.maxRelError(), cmp.firstMiss());
        return CaseResult.passed(cmp.maxRelError(), cmp.bitExact());
    }

    private static void ulps(Compare cmp, String what, float[] ours, double[] ref) {
        if (ours.length != ref.length) {
            cmp.miss(what + ": " + ours.length + " values vs reference " + ref.length);
            return;
        }
        for (int i = 0; i < ours.length; i++) cmp.ulp(what + "[" + i + "]", ours[i], ref[i]);
    }
}

package jdiffusion.models.conformance;

import java.util.List;
import java.util.concurrent.Callable;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.conformance.ConformanceGroup;

/**
 * A case whose run computes tensors and compares them with references: it passes when every comparison
 * is within tolerance, reporting the worst error; any exception becomes a failure naming it.
 */
record ComparisonCase(String id, Callable<List<Comparison>> compute) implements ConformanceCase {

    @Override
    public CaseResult run() {
        List<Comparison> results;
        try {
            results = compute.call();
        } catch (Exception | Error e) {
            return CaseResult.failed(Double.NaN, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        double worst = 0;
        boolean exact = true;
        Comparison worstCmp = null;
        StringBuilder problems = new StringBuilder();
        for (Comparison c : results) {
            if (!c.withinTolerance()) problems.append(problems.isEmpty() ? "" : "; ").append(c.problem());
            if (Double.isNaN(c.maxRel()) || c.maxRel() >= worst) {
                worst = Double.isNaN(c.maxRel()) ? Double.NaN : c.maxRel();
                worstCmp = c;
            }
            exact &= c.bitExact();
            if (Double.isNaN(worst)) break;
        }
        if (!problems.isEmpty()) return CaseResult.failed(worst, problems.toString());
        String detail = "";
        if (!results.isEmpty()) {
            detail = results.get(0).summary();
            if (results.size() > 1) detail += "; worst of " + results.size() + " tensors: " + worstCmp.summary();
        }
        return new CaseResult(CaseResult.Outcome.PASSED, worst, exact, detail);
    }

    /** A group of cases under one name. */
    record Group(String name, List<jdiffusion.core.conformance.ConformanceCase> cases) implements ConformanceGroup {
    }
}

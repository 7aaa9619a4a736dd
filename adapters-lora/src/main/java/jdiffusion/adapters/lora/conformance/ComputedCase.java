package jdiffusion.adapters.lora.conformance;

import java.util.List;
import java.util.concurrent.Callable;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.models.conformance.Comparison;

/** A reference case whose computation yields tensor comparisons; it passes when every one is within tolerance. */
record ComputedCase(String id, Callable<List<Comparison>> compute) implements ConformanceCase {

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
            if (worstCmp == null || Double.isNaN(c.maxRel()) || c.maxRel() >= worst) {
                worst = c.maxRel();
                worstCmp = c;
            }
            exact &= c.bitExact();
        }
        if (!problems.isEmpty()) return CaseResult.failed(worst, problems.toString());
        String detail = worstCmp == null ? "" : results.size() + " tensors, worst " + worstCmp.summary();
        return new CaseResult(CaseResult.Outcome.PASSED, worst, exact, detail);
    }
}

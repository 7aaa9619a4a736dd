package jdiffusion.core.conformance;

import java.io.PrintStream;
import java.util.EnumMap;
import java.util.Map;

/**
 * Runs groups of cases and prints one line per group, then the final {@code N passed, N failed[, N skipped]}
 * line; the CLI's {@code conformance} command and reports in tests share it.
 */
public final class ConformanceReport {

    private final PrintStream out;
    private final boolean verbose;
    private int passed;
    private int failed;
    private int skipped;

    public ConformanceReport(PrintStream out, boolean verbose) {
        this.out = out;
        this.verbose = verbose;
    }

    /** Runs every case of the group and prints its summary line (and each failure's detail). */
    public void run(ConformanceGroup group) {
        Map<CaseResult.Outcome, Integer> counts = new EnumMap<>(CaseResult.Outcome.class);
        int bitExact = 0;
        double maxErr = 0;
        int total = 0;
        for (ConformanceCase c : group.cases()) {
            CaseResult r;
            try {
                r = c.run();
            } catch (RuntimeException | Error e) {
                r = CaseResult.failed(Double.NaN, "threw " + e);
            }
            total++;
            counts.merge(r.outcome(), 1, Integer::sum);
            if (r.outcome() == CaseResult.Outcome.PASSED) {
                if (r.bitExact()) bitExact++;
                else if (!Double.isNaN(r.maxRelError())) maxErr = Math.max(maxErr, r.maxRelError());
            }
            if (r.outcome() == CaseResult.Outcome.FAILED) {
                out.println("  FAILED " + c.id() + ": " + r.detail());
            } else if (verbose) {
                out.println("  " + r.outcome().name().toLowerCase() + " " + c.id()
                        + (r.detail().isEmpty() ? "" : ": " + r.detail()));
            }
        }
        int ok = 0;
        for (var e : counts.entrySet()) {
            if (e.getKey().passed()) ok += e.getValue();
        }
        int bad = counts.getOrDefault(CaseResult.Outcome.FAILED, 0);
        int skip = counts.getOrDefault(CaseResult.Outcome.SKIPPED, 0);
        passed += ok;
        failed += bad;
        skipped += skip;
        StringBuilder line = new StringBuilder();
        line.append(group.name()).append(' ').append(ok).append('/').append(total).append(" passed");
        int plain = counts.getOrDefault(CaseResult.Outcome.PASSED, 0);
        if (plain > 0) {
            line.append(", ").append(bitExact).append(" bit-exact, max rel err ")
                    .append(maxErr == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.3g", maxErr));
        }
        appendCount(line, counts, CaseResult.Outcome.PASSED_NONFINITE, "non-finite as reference");
        appendCount(line, counts, CaseResult.Outcome.PASSED_ERROR, "rejected as reference");
        appendCount(line, counts, CaseResult.Outcome.DIVERGES_FROM_REFERENCE_BUG, "diverges-from-" + group.reference() + "-bug");
        appendCount(line, counts, CaseResult.Outcome.FAILED, "FAILED");
        appendCount(line, counts, CaseResult.Outcome.SKIPPED, "skipped (not implemented yet)");
        out.println(line);
    }

    private static void appendCount(StringBuilder line, Map<CaseResult.Outcome, Integer> counts,
                                    CaseResult.Outcome o, String label) {
        int n = counts.getOrDefault(o, 0);
        if (n > 0) line.append(", ").append(n).append(' ').append(label);
    }

    /** Prints the final summary line. */
    public void finish() {
        out.println(passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : ""));
    }

    public int passed() {
        return passed;
    }

    public int failed() {
        return failed;
    }

    public int skipped() {
        return skipped;
    }
}

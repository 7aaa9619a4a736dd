package jdiffusion.schedulers.conformance;

import java.util.Map;
import java.util.Set;
import jdiffusion.core.conformance.CaseResult;

/** How reference errors and jdiffusion's exceptions are judged. */
final class Outcomes {

    private Outcomes() {
    }

    private static final Set<String> ACCIDENTAL = Set.of("UnboundLocalError", "IndexError", "AssertionError", "TypeError");

    /**
     * Whether the reference's error is an accident of its code (an unbound local, an index past the end, a
     * bare assert, a broadcast failure) rather than a deliberate check of the configuration.
     */
    static boolean accidental(Map<String, Object> error) {
        String type = String.valueOf(error.get("type"));
        String message = String.valueOf(error.get("message"));
        return ACCIDENTAL.contains(type) || message.contains("broadcast");
    }

    /** Whether an exception is a deliberate, explained rejection (not a crash). */
    static boolean clear(Throwable e) {
        return (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof UnsupportedOperationException) && e.getMessage() != null && !e.getMessage().isBlank();
    }

    static String describe(Map<String, Object> error) {
        return error.get("type") + " at " + error.get("stage") + ": " + error.get("message");
    }

    /** The result for a case whose reference raised {@code error} when jdiffusion threw {@code e}. */
    static CaseResult rejected(Map<String, Object> error, Throwable e) {
        if (error.isEmpty()) {
            return CaseResult.failed(Double.NaN, "jdiffusion threw " + e);
        }
        if (clear(e)) {
            return new CaseResult(CaseResult.Outcome.PASSED_ERROR, 0, false, "rejected as the reference (" + describe(error) + "): " + e.getMessage());
        }
        return CaseResult.failed(Double.NaN, "the reference raised " + describe(error) + "; jdiffusion crashed instead of rejecting it clearly: " + e);
    }

    /** The result for a case whose reference raised {@code error} while jdiffusion completed. */
    static CaseResult accepted(Map<String, Object> error, boolean finite) {
        if (accidental(error) && finite) {
            return new CaseResult(CaseResult.Outcome.DIVERGES_FROM_REFERENCE_BUG, 0, false,
                    "the reference fails by accident (" + describe(error) + "); jdiffusion gives a finite result");
        }
        return CaseResult.failed(Double.NaN, "the reference rejects this (" + describe(error) + ") but jdiffusion accepted it");
    }
}

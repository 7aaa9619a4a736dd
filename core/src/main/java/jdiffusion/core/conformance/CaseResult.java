package jdiffusion.core.conformance;

/**
 * The outcome of one reference case: how it passed or failed, the largest relative error seen
 * (|jdiffusion - reference| / max(1, |reference|)), whether every value was bit-exact, and a detail line.
 */
public record CaseResult(Outcome outcome, double maxRelError, boolean bitExact, String detail) {

    /** How a case came out. */
    public enum Outcome {
        /** Matched within its tolerance. */
        PASSED(true),
        /** The reference is non-finite and jdiffusion also gave non-finite values or rejected them clearly. */
        PASSED_NONFINITE(true),
        /** The reference raised an error for this configuration and jdiffusion rejected it clearly too. */
        PASSED_ERROR(true),
        /** The reference's error is an accident of its code; jdiffusion gives a finite result instead. */
        DIVERGES_FROM_REFERENCE_BUG(true),
        FAILED(false),
        /** Not run (a capability not implemented yet); never counted as passed. */
        SKIPPED(false);

        private final boolean passed;

        Outcome(boolean passed) {
            this.passed = passed;
        }

        public boolean passed() {
            return passed;
        }
    }

    public static CaseResult passed(double maxRelError, boolean bitExact) {
        return new CaseResult(Outcome.PASSED, maxRelError, bitExact, "");
    }

    public static CaseResult failed(double maxRelError, String detail) {
        return new CaseResult(Outcome.FAILED, maxRelError, false, detail);
    }

    public static CaseResult skipped(String why) {
        return new CaseResult(Outcome.SKIPPED, 0, false, why);
    }

    public boolean passed() {
        return outcome.passed();
    }
}

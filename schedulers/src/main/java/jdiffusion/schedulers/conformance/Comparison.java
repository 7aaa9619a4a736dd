package jdiffusion.schedulers.conformance;

/**
 * Compares jdiffusion's numbers with the reference's: relative error |ours - ref| / max(1, |ref|) within a
 * tolerance (or exact equality), non-finite values matching non-finite values; tracks the largest error,
 * whether everything was bit-exact, and the first mismatch.
 */
final class Comparison {

    private final double tolerance;
    private double maxRelError;
    private boolean bitExact = true;
    private String failure;
    private String firstInexact;

    Comparison(double tolerance) {
        this.tolerance = tolerance;
    }

    double tolerance() {
        return tolerance;
    }

    boolean ok() {
        return failure == null;
    }

    double maxRelError() {
        return maxRelError;
    }

    boolean bitExact() {
        return bitExact;
    }

    String failure() {
        return failure;
    }

    /** The first value that was not bit-exact, or null. */
    String firstInexact() {
        return firstInexact;
    }

    void fail(String message) {
        bitExact = false;
        if (failure == null) failure = message;
    }

    void values(String what, double[] ours, double[] ref, boolean exact) {
        if (ours == null) {
            fail(what + ": jdiffusion has none, the reference has " + ref.length);
            return;
        }
        if (ours.length != ref.length) {
            fail(what + ": jdiffusion has " + ours.length + " values, the reference " + ref.length);
            return;
        }
        for (int k = 0; k < ref.length; k++) {
            value(what + "[" + k + "]", ours[k], ref[k], exact);
        }
    }

    void values(String what, float[] ours, float[] ref) {
        if (ours == null) {
            fail(what + ": jdiffusion has none, the reference has " + ref.length);
            return;
        }
        if (ours.length != ref.length) {
            fail(what + ": jdiffusion has " + ours.length + " values, the reference " + ref.length);
            return;
        }
        for (int k = 0; k < ref.length; k++) {
            value(what + "[" + k + "]", ours[k], ref[k], false);
        }
    }

    void value(String what, double ours, double ref, boolean exact) {
        if (Double.isNaN(ref) || Double.isInfinite(ref)) {
            boolean same = Double.isNaN(ref) ? Double.isNaN(ours) : ours == ref;
            if (!same) fail(what + ": jdiffusion " + ours + ", reference " + ref);
            return;
        }
        if (ours == ref) return;
        bitExact = false;
        if (firstInexact == null) firstInexact = what + ": jdiffusion " + ours + ", reference " + ref;
        if (!Double.isFinite(ours)) {
            fail(what + ": jdiffusion " + ours + ", reference " + ref);
            return;
        }
        double rel = Math.abs(ours - ref) / Math.max(1.0, Math.abs(ref));
        if (rel > maxRelError) maxRelError = rel;
        if (exact) {
            fail(what + ": jdiffusion " + ours + ", reference " + ref + " (must be equal)");
        } else if (rel > tolerance) {
            fail(what + ": jdiffusion " + ours + ", reference " + ref + " (rel err " + String.format("%.3g", rel) + " > " + String.format("%.3g", tolerance) + ")");
        }
    }
}

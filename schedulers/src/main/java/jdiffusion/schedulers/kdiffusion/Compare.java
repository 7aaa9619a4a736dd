package jdiffusion.schedulers.kdiffusion;

/**
 * Value-by-value comparison against reference numbers: relative error |ours - ref| / max(1, |ref|), NaN equal
 * to NaN, with the worst error, whether everything was bit-identical and the first miss.
 */
final class Compare {

    private double maxRelError;
    private boolean bitExact = true;
    private String firstMiss;

    double maxRelError() {
        return maxRelError;
    }

    boolean bitExact() {
        return bitExact;
    }

    String firstMiss() {
        return firstMiss;
    }

    boolean ok() {
        return firstMiss == null;
    }

    void miss(String what) {
        bitExact = false;
        if (firstMiss == null) firstMiss = what;
    }

    /** Compares one value within a relative tolerance. */
    void value(String what, float ours, double ref, double tol) {
        float r = (float) ref;
        if (Float.floatToIntBits(ours) == Float.floatToIntBits(r)) return;
        bitExact = false;
        double err = Math.abs((double) ours - r) / Math.max(1.0, Math.abs(r));
        if (Double.isNaN(err)) err = Double.POSITIVE_INFINITY;
        maxRelError = Math.max(maxRelError, err);
        if (!(err <= tol) && firstMiss == null) {
            firstMiss = String.format("%s: %s vs reference %s (rel err %.3g > tol %.3g)", what, ours, r, err, tol);
        }
    }

    /** Compares two arrays of the same length. */
    void array(String what, float[] ours, double[] ref, double tol) {
        if (ours.length != ref.length) {
            miss(what + ": " + ours.length + " values vs reference " + ref.length);
            return;
        }
        for (int i = 0; i < ours.length; i++) value(what + "[" + i + "]", ours[i], ref[i], tol);
    }

    /** Compares within one float32 ulp of the reference value. */
    void ulp(String what, float ours, double ref) {
        float r = (float) ref;
        if ((Float.isNaN(r) && Float.isNaN(ours)) || ours == r) return;
        bitExact = false;
        double err = Math.abs((double) ours - r) / Math.max(1.0, Math.abs(r));
        if (!Double.isNaN(err)) maxRelError = Math.max(maxRelError, err);
        if (!(Math.abs(ours - r) <= Math.ulp(r)) && firstMiss == null) {
            firstMiss = String.format("%s: %s vs reference %s (more than 1 ulp)", what, ours, r);
        }
    }
}

package jdiffusion.models.conformance;

import java.util.Arrays;
import jdiffusion.core.tensor.Tensor;

/**
 * How far a computed tensor is from its reference: max |a - r|, the largest error relative to
 * max(1, |r|) (the conformance report's measure), the reference's largest magnitude, and whether every
 * element passed {@code |a - r| <= atol + rtol |r|} (numpy's {@code allclose}).
 */
public record Comparison(String name, double maxAbs, double maxRel, double refAbsMax, boolean withinTolerance,
                         boolean bitExact, String problem) {

    /** Compares element by element; a shape mismatch or a non-finite value where the reference is finite fails. */
    public static Comparison of(String name, Tensor actual, Tensor reference, double atol, double rtol) {
        if (!Arrays.equals(actual.shape(), reference.shape())) {
            return new Comparison(name, Double.NaN, Double.NaN, Double.NaN, false, false,
                    name + ": shape " + Arrays.toString(actual.shape()) + " != reference " + Arrays.toString(reference.shape()));
        }
        float[] a = actual.toFloatArray();
        float[] r = reference.toFloatArray();
        double maxAbs = 0, maxRel = 0, absMax = 0;
        boolean ok = true;
        boolean exact = true;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - r[i]);
            if (Double.isNaN(d)) {
                if (!(Float.isNaN(a[i]) && Float.isNaN(r[i]))) {
                    ok = false;
                    maxAbs = Double.NaN;
                }
                continue;
            }
            if (a[i] != r[i]) exact = false;
            maxAbs = Math.max(maxAbs, d);
            maxRel = Math.max(maxRel, d / Math.max(1.0, Math.abs(r[i])));
            absMax = Math.max(absMax, Math.abs(r[i]));
            if (d > atol + rtol * Math.abs(r[i])) ok = false;
        }
        String problem = ok ? "" : String.format("%s: max abs err %.3g (ref absmax %.3g) exceeds atol %.0e + rtol %.0e", name, maxAbs, absMax, atol, rtol);
        return new Comparison(name, maxAbs, maxRel, absMax, ok, exact && ok, problem);
    }

    /** One line: name, max abs error and the reference's scale. */
    public String summary() {
        return String.format("%s max abs %.2e (absmax %.2f)", name, maxAbs, refAbsMax);
    }
}

package jdiffusion.adapters.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Elementwise comparison within atol + rtol * |expected|, reporting the largest error. */
final class Close {

    /** The tolerance the models' reference data suggests for float32 ports. */
    static final double ATOL = 1e-4;
    static final double RTOL = 1e-4;

    private Close() {
    }

    /** Asserts closeness and returns the max absolute error. */
    static double assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        assertEquals(expected.length, actual.length, what + ": element count");
        double maxAbs = 0;
        int worst = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= atol + rtol * Math.abs(expected[i]))) {
                fail(what + ": element " + i + " expected " + expected[i] + " got " + actual[i] + " (|diff| " + d + ")");
            }
            if (d > maxAbs) {
                maxAbs = d;
                worst = i;
            }
        }
        return maxAbs;
    }

    static double assertClose(String what, float[] expected, float[] actual) {
        return assertClose(what, expected, actual, ATOL, RTOL);
    }

    static double maxAbs(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }

    static double absMax(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }
}

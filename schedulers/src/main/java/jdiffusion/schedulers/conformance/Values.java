package jdiffusion.schedulers.conformance;

import java.util.List;
import java.util.Map;

/** Reads reference values from parsed JSON: numbers, and the strings "NaN", "Infinity", "-Infinity". */
final class Values {

    private Values() {
    }

    static double number(Object v) {
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof String s) {
            switch (s) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default: break;
            }
        }
        throw new IllegalArgumentException("expected a number, found " + v);
    }

    static double[] doubles(Object v) {
        List<?> l = list(v);
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = number(l.get(i));
        return out;
    }

    /** Numbers as doubles, rounded to float32 first when {@code float32} (the files write float32 with 9 digits). */
    static double[] doubles(Object v, boolean float32) {
        double[] d = doubles(v);
        if (float32) {
            for (int i = 0; i < d.length; i++) d[i] = (float) d[i];
        }
        return d;
    }

    static float[] floats(Object v) {
        List<?> l = list(v);
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) number(l.get(i));
        return out;
    }

    static List<?> list(Object v) {
        if (v instanceof List<?> l) return l;
        throw new IllegalArgumentException("expected a list, found " + (v == null ? "null" : v.getClass().getSimpleName()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object v) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        if (v == null) return Map.of();
        throw new IllegalArgumentException("expected an object, found " + v.getClass().getSimpleName());
    }

    static boolean allFinite(float[] x) {
        for (float v : x) {
            if (!Float.isFinite(v)) return false;
        }
        return true;
    }
}

package jdiffusion.schedulers.kdiffusion;

import java.util.List;
import java.util.Map;

/** Reading the reference files' JSON shapes. */
final class Cases {

    private Cases() {
    }

    static double number(Object v) {
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof String s) {
            return switch (s) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException("not a number: \"" + s + "\"");
            };
        }
        throw new IllegalArgumentException("not a number: " + v);
    }

    static double[] doubles(Object v) {
        List<?> l = (List<?>) v;
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = number(l.get(i));
        return out;
    }

    static float[] floats(Object v) {
        List<?> l = (List<?>) v;
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) number(l.get(i));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object v) {
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object v) {
        return (List<Object>) v;
    }

    static double check(Map<String, Object> c, String key) {
        Object checks = c.get("checks");
        if (!(checks instanceof Map<?, ?> m)) return 0;
        Object v = m.get(key);
        return v instanceof Number n ? n.doubleValue() : 0;
    }

    /**
     * Whether a recorded reference error is an accident of the reference code (a failed unpack, a bad index, a
     * division by zero, a bare assert) rather than a deliberate check of the input.
     */
    static boolean accidental(Map<String, Object> error) {
        String type = String.valueOf(error.get("type"));
        String message = String.valueOf(error.get("message"));
        return type.equals("IndexError") || type.equals("UnboundLocalError") || type.equals("ZeroDivisionError")
                || type.equals("AssertionError") || message.contains("too many values to unpack")
                || message.contains("not enough values to unpack");
    }
}

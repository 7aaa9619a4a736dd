package jdiffusion.adapters.controlnet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The preprocessors by name, configured from a spec such as {@code canny}, {@code canny:low=50,high=150},
 * {@code canny:blur=1.4} or {@code scribble_xdog:threshold=32}; {@code none} passes the image through (a
 * control image made elsewhere). Unknown names and options are answered with the ones that exist.
 */
public final class ControlPreprocessors {

    private static final Map<String, List<String>> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("none", List.of());
        OPTIONS.put("canny", List.of("low", "high", "blur"));
        OPTIONS.put("scribble_xdog", List.of("threshold"));
    }

    private ControlPreprocessors() {
    }

    /** The names {@link #parse} knows. */
    public static List<String> names() {
        return List.copyOf(OPTIONS.keySet());
    }

    public static ControlPreprocessor parse(String spec) {
        String s = spec.trim();
        int colon = s.indexOf(':');
        String name = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
        if (!OPTIONS.containsKey(name)) {
            throw new IllegalArgumentException("unknown control preprocessor \"" + name + "\"; available: " + String.join(", ", names()));
        }
        Map<String, Double> opts = new LinkedHashMap<>();
        if (colon >= 0 && colon < s.length() - 1) {
            for (String kv : s.substring(colon + 1).split(",")) {
                int eq = kv.indexOf('=');
                String k = eq < 0 ? kv.trim() : kv.substring(0, eq).trim();
                if (eq < 0 || !OPTIONS.get(name).contains(k)) {
                    throw new IllegalArgumentException("control preprocessor " + name + ": bad option \"" + kv + "\"; options are "
                            + (OPTIONS.get(name).isEmpty() ? "none" : String.join(", ", OPTIONS.get(name)) + " (name=value, comma separated)"));
                }
                try {
                    opts.put(k, Double.parseDouble(kv.substring(eq + 1).trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("control preprocessor " + name + ": option " + k + " needs a number, got \""
                            + kv.substring(eq + 1).trim() + "\"");
                }
            }
        }
        return switch (name) {
            case "canny" -> new CannyEdges(opts.getOrDefault("low", 100.0), opts.getOrDefault("high", 200.0), opts.getOrDefault("blur", 0.0));
            case "scribble_xdog" -> new XdogScribble((int) Math.round(opts.getOrDefault("threshold", 32.0)));
            default -> new ControlPreprocessor() {
                @Override
                public String name() {
                    return "none";
                }

                @Override
                public byte[] apply(int width, int height, byte[] rgb) {
                    return rgb.clone();
                }
            };
        };
    }
}

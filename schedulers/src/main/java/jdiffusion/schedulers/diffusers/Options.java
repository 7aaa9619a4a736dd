package jdiffusion.schedulers.diffusers;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.ConfigException;

/**
 * Reads a scheduler's options from its diffusers config with the class's defaults: absent keys and JSON
 * nulls take the default; values of the wrong type or outside the allowed set are rejected with an error
 * naming the class, the key and the value.
 */
final class Options {

    private final Config config;
    private final String className;

    Options(Config config, String className) {
        this.config = config;
        this.className = className;
    }

    Config config() {
        return config;
    }

    boolean has(String key) {
        return config.has(key);
    }

    int integer(String key, int def) {
        return config.getInt(key, def);
    }

    double real(String key, double def) {
        return config.getDouble(key, def);
    }

    /** A number, or null when absent. */
    Double optionalReal(String key) {
        return config.has(key) ? config.getDouble(key, 0) : null;
    }

    boolean flag(String key, boolean def) {
        return config.getBoolean(key, def);
    }

    String choice(String key, String def, String... allowed) {
        String v = config.getString(key, def);
        for (String a : allowed) {
            if (a.equals(v)) return v;
        }
        throw invalid(key, v, "one of " + String.join(", ", allowed));
    }

    /** A list of numbers as float32, or null when absent. */
    float[] floats(String key) {
        List<?> list = config.getList(key);
        if (list == null) return null;
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            if (!(v instanceof Number n)) throw invalid(key, v, "a list of numbers");
            out[i] = n.floatValue();
        }
        return out;
    }

    /** A list of integers, or the empty list when absent. */
    int[] integers(String key) {
        List<?> list = config.getList(key);
        if (list == null) return new int[0];
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            if (!(v instanceof Long || v instanceof Integer)) throw invalid(key, v, "a list of integers");
            out[i] = ((Number) v).intValue();
        }
        return out;
    }

    ConfigException invalid(String key, Object value, String expected) {
        return new ConfigException(className + " (" + config.source() + "): " + key + " = "
                + (value instanceof String s ? '"' + s + '"' : String.valueOf(value)) + " is not supported; expected " + expected);
    }

    ConfigException error(String message) {
        return new ConfigException(className + " (" + config.source() + "): " + message);
    }
}

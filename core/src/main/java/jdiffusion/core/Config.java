package jdiffusion.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Typed, read-only access to a configuration map such as a diffusers {@code scheduler_config.json}, a
 * UNet {@code config.json} or a sampler's options, with errors that name the source, the key, the value
 * and what was expected.
 *
 * <p>Numbers arrive as {@link Long} or {@link Double} (the shapes {@link jdiffusion.core.json.Json}
 * produces); non-finite numbers may arrive as the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"}, as in the reference data.
 */
public final class Config {

    private final String source;
    private final Map<String, Object> values;

    private Config(String source, Map<String, Object> values) {
        this.source = source;
        this.values = values;
    }

    /** A config read from {@code source} (a file name or a short description used in errors). */
    public static Config of(String source, Map<String, ?> values) {
        return new Config(Objects.requireNonNull(source), Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }

    /** An empty config. */
    public static Config empty(String source) {
        return new Config(source, Map.of());
    }

    public String source() {
        return source;
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public Set<String> keys() {
        return values.keySet();
    }

    /** True when the key is present and not JSON {@code null}. */
    public boolean has(String key) {
        return values.get(key) != null;
    }

    /** A copy with {@code key} set to {@code value}. */
    public Config with(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new Config(source, Collections.unmodifiableMap(copy));
    }

    public Object raw(String key) {
        return values.get(key);
    }

    public double getDouble(String key, double defaultValue) {
        Object v = values.get(key);
        return v == null ? defaultValue : toDouble(key, v);
    }

    public double requireDouble(String key) {
        return toDouble(key, require(key));
    }

    public long getLong(String key, long defaultValue) {
        Object v = values.get(key);
        return v == null ? defaultValue : toLong(key, v);
    }

    public int getInt(String key, int defaultValue) {
        return Math.toIntExact(getLong(key, defaultValue));
    }

    public int requireInt(String key) {
        return Math.toIntExact(toLong(key, require(key)));
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        Object v = values.get(key);
        if (v == null) return defaultValue;
        if (v instanceof Boolean b) return b;
        throw invalid(key, v, "true or false");
    }

    public String getString(String key, String defaultValue) {
        Object v = values.get(key);
        if (v == null) return defaultValue;
        if (v instanceof String s) return s;
        throw invalid(key, v, "a string");
    }

    public String requireString(String key) {
        Object v = require(key);
        if (v instanceof String s) return s;
        throw invalid(key, v, "a string");
    }

    /** A list value, or {@code null} when absent. */
    public List<?> getList(String key) {
        Object v = values.get(key);
        if (v == null) return null;
        if (v instanceof List<?> l) return l;
        throw invalid(key, v, "a list");
    }

    /** The value as one of {@code allowed} (compared exactly); otherwise an error listing them. */
    public String getChoice(String key, String defaultValue, String... allowed) {
        String v = getString(key, defaultValue);
        for (String a : allowed) {
            if (a.equals(v)) return v;
        }
        throw invalid(key, v, "one of " + String.join(", ", allowed));
    }

    /** An error naming this config, the key, the value found and what was expected. */
    public ConfigException invalid(String key, Object value, String expected) {
        return new ConfigException(source + ": " + key + " = " + render(value) + " is not supported; expected " + expected);
    }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) throw new ConfigException(source + ": missing required key " + key);
        return v;
    }

    private double toDouble(String key, Object v) {
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof String s) {
            switch (s) {
                case "NaN": return Double.NaN;
                case "Infinity": case "inf": return Double.POSITIVE_INFINITY;
                case "-Infinity": case "-inf": return Double.NEGATIVE_INFINITY;
                default: break;
            }
        }
        throw invalid(key, v, "a number");
    }

    private long toLong(String key, Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) return d.longValue();
        throw invalid(key, v, "an integer");
    }

    private static String render(Object v) {
        return v instanceof String s ? '"' + s + '"' : String.valueOf(v);
    }

    @Override
    public String toString() {
        return source + values;
    }
}

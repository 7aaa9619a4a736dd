package jdiffusion.models.unet;

import java.util.List;
import jdiffusion.core.Config;

/** Reading diffusers' "int or list per block" config values, with errors naming key and value. */
final class ConfigValues {

    private ConfigValues() {
    }

    /** An int repeated per block, or a list of exactly {@code blocks} ints. */
    static int[] perBlock(Config c, String key, int blocks, Integer defaultValue) {
        Object v = c.raw(key);
        if (v == null) {
            if (defaultValue == null) throw c.invalid(key, null, "an integer or a list of " + blocks + " integers");
            return repeat(defaultValue, blocks);
        }
        if (v instanceof Number) return repeat(c.getInt(key, 0), blocks);
        if (v instanceof List<?> l) {
            if (l.size() != blocks) throw c.invalid(key, v, "a list of " + blocks + " integers (one per down block)");
            int[] out = new int[blocks];
            for (int i = 0; i < blocks; i++) {
                if (!(l.get(i) instanceof Long n)) throw c.invalid(key, v, "a list of integers");
                out[i] = Math.toIntExact(n);
            }
            return out;
        }
        throw c.invalid(key, v, "an integer or a list of " + blocks + " integers");
    }

    /** A list of strings. */
    static List<String> strings(Config c, String key) {
        Object v = c.raw(key);
        if (!(v instanceof List<?> l) || l.isEmpty()) throw c.invalid(key, v, "a non-empty list of block type names");
        for (Object o : l) {
            if (!(o instanceof String)) throw c.invalid(key, v, "a list of block type names");
        }
        return l.stream().map(String.class::cast).toList();
    }

    /** A list of ints. */
    static int[] ints(Config c, String key) {
        Object v = c.raw(key);
        if (!(v instanceof List<?> l) || l.isEmpty()) throw c.invalid(key, v, "a non-empty list of integers");
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Long n) || n <= 0) throw c.invalid(key, v, "a list of positive integers");
            out[i] = Math.toIntExact(n);
        }
        return out;
    }

    static int[] repeat(int v, int n) {
        int[] out = new int[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    /** Fails unless {@code key} is absent/null or has the only supported value. */
    static void requireValue(Config c, String key, Object supported, String what) {
        Object v = c.raw(key);
        if (v == null) {
            if (supported == null) return;
            return;   // absent: diffusers' default, which is the supported value
        }
        boolean ok = supported instanceof Number s && v instanceof Number n ? s.doubleValue() == n.doubleValue() : v.equals(supported);
        if (!ok) throw c.invalid(key, v, what);
    }

    /** Fails unless {@code key} is absent or null. */
    static void requireNull(Config c, String key, String what) {
        if (c.raw(key) != null) throw c.invalid(key, c.raw(key), what);
    }
}

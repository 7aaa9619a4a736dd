package jdiffusion.core.sampling;

import java.util.Arrays;

/**
 * The noise levels a sampler walks through: float32, non-increasing as usual, normally ending in 0.
 * {@code steps() = size() - 1} transitions. Immutable.
 */
public final class Sigmas {

    private final float[] values;

    private Sigmas(float[] values) {
        this.values = values;
    }

    /** Sigmas from explicit values (copied); NaN and negative values are rejected. */
    public static Sigmas of(float... values) {
        if (values.length == 0) throw new IllegalArgumentException("sigmas must not be empty");
        for (int i = 0; i < values.length; i++) {
            if (Float.isNaN(values[i]) || values[i] < 0) {
                throw new IllegalArgumentException("sigma[" + i + "] = " + values[i] + " is not a non-negative number");
            }
        }
        return new Sigmas(values.clone());
    }

    /** Sigmas from doubles, each rounded to float32. */
    public static Sigmas ofDoubles(double... values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
        return of(f);
    }

    public float get(int i) {
        return values[i];
    }

    public int size() {
        return values.length;
    }

    /** Number of transitions, {@code size() - 1}. */
    public int steps() {
        return values.length - 1;
    }

    public float first() {
        return values[0];
    }

    public float last() {
        return values[values.length - 1];
    }

    /** A copy of the values. */
    public float[] toArray() {
        return values.clone();
    }

    /** The sub-sequence {@code [from, to)}. */
    public Sigmas sub(int from, int to) {
        return new Sigmas(Arrays.copyOfRange(values, from, to));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sigmas s && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Sigmas" + Arrays.toString(values);
    }
}

package jdiffusion.samplers.step;

/**
 * Linear combinations of tensors evaluated term by term, left to right, each term a float32 scalar times a
 * tensor: c0 x0 + c1 x1 - c2 x2 ... rounds exactly as the same expression written with PyTorch tensors.
 */
public final class Terms {

    private final float[] acc;

    private Terms(float[] acc) {
        this.acc = acc;
    }

    /** Starts with c x. */
    public static Terms of(float c, float[] x) {
        float[] a = new float[x.length];
        for (int i = 0; i < a.length; i++) a[i] = c * x[i];
        return new Terms(a);
    }

    /** Starts with x itself. */
    public static Terms of(float[] x) {
        return new Terms(x.clone());
    }

    /** + c x. */
    public Terms plus(float c, float[] x) {
        for (int i = 0; i < acc.length; i++) acc[i] = acc[i] + c * x[i];
        return this;
    }

    /** - c x. */
    public Terms minus(float c, float[] x) {
        for (int i = 0; i < acc.length; i++) acc[i] = acc[i] - c * x[i];
        return this;
    }

    /** + x. */
    public Terms plus(float[] x) {
        for (int i = 0; i < acc.length; i++) acc[i] = acc[i] + x[i];
        return this;
    }

    /** - x. */
    public Terms minus(float[] x) {
        for (int i = 0; i < acc.length; i++) acc[i] = acc[i] - x[i];
        return this;
    }

    /** The combination, multiplied by c (as {@code c * (...)}). */
    public float[] times(float c) {
        for (int i = 0; i < acc.length; i++) acc[i] = c * acc[i];
        return acc;
    }

    public float[] get() {
        return acc;
    }

    /** c (a - b), elementwise. */
    public static float[] scaledDifference(float c, float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < out.length; i++) out[i] = c * (a[i] - b[i]);
        return out;
    }
}

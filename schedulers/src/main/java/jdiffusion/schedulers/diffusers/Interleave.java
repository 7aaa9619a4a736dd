package jdiffusion.schedulers.diffusers;

/**
 * How the second-order classes (Heun, KDPM2) lay out a schedule of n steps as 2n - 1 model calls: every
 * value after the first is repeated ({@code torch.repeat_interleave}).
 */
final class Interleave {

    private Interleave() {
    }

    /** [s0, s1, s1, s2, s2, ..., s_last]: {@code cat([s[:1], s[1:-1].repeat_interleave(2), s[-1:]])}. */
    static float[] sigmas(float[] s) {
        int n = s.length;
        float[] out = new float[2 * n - 2];
        out[0] = s[0];
        for (int k = 1; k < n - 1; k++) {
            out[2 * k - 1] = s[k];
            out[2 * k] = s[k];
        }
        out[out.length - 1] = s[n - 1];
        return out;
    }

    /** [t0, t1, t1, t2, t2, ...]: {@code cat([t[:1], t[1:].repeat_interleave(2)])}. */
    static double[] timesteps(float[] t) {
        double[] out = new double[2 * t.length - 1];
        out[0] = t[0];
        for (int k = 1; k < t.length; k++) {
            out[2 * k - 1] = t[k];
            out[2 * k] = t[k];
        }
        return out;
    }

    /** {@code cat([s[:1], s[1:].repeat_interleave(2), s[-1:]])}: every value after the first twice, the last three times. */
    static float[] withLast(float[] s) {
        int n = s.length;
        float[] out = new float[2 * n];
        out[0] = s[0];
        for (int k = 1; k < n; k++) {
            out[2 * k - 1] = s[k];
            out[2 * k] = s[k];
        }
        out[2 * n - 1] = s[n - 1];
        return out;
    }
}

package jdiffusion.samplers.step;

import java.util.Arrays;

/**
 * Keeping predicted clean samples in range: plain clipping, and the dynamic thresholding of Saharia et al.
 * (2022), "Photorealistic Text-to-Image Diffusion Models with Deep Language Understanding" (Imagen),
 * section 2.3: per batch row, s = the {@code ratio} quantile of |x0| clamped to [1, max], then
 * x0 = clamp(x0, -s, s) / s.
 */
public final class Thresholding {

    private Thresholding() {
    }

    /** Clamps every value to [-range, range]. */
    public static float[] clip(float[] x, float range) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = clamp(x[i], -range, range);
        }
        return out;
    }

    /** Dynamic thresholding over {@code batch} equal rows of {@code x}. */
    public static float[] dynamic(float[] x, int batch, double ratio, double maxValue) {
        int n = x.length / batch;
        float[] out = new float[x.length];
        float[] row = new float[n];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                row[i] = Math.abs(x[b * n + i]);
            }
            float s = quantile(row, (float) ratio);
            s = clamp(s, 1f, (float) maxValue);
            for (int i = 0; i < n; i++) {
                out[b * n + i] = clamp(x[b * n + i], -s, s) / s;
            }
        }
        return out;
    }

    /**
     * The linearly interpolated quantile as {@code torch.quantile} computes it in float32: rank q (n - 1),
     * then {@code lerp} of the neighbouring order statistics.
     */
    public static float quantile(float[] values, float q) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        for (float v : sorted) {
            if (Float.isNaN(v)) return Float.NaN;
        }
        float rank = q * (float) (n - 1);
        int below = (int) rank;
        float weight = rank - below;
        int above = (int) Math.ceil(rank);
        return lerp(sorted[below], sorted[above], weight);
    }

    /** {@code torch.lerp}: the form that is exact at the end nearer to the weight. */
    static float lerp(float start, float end, float weight) {
        return Math.abs(weight) < 0.5f ? start + weight * (end - start) : end - (end - start) * (1f - weight);
    }

    /** {@code torch.clamp}: the upper bound wins when the bounds cross; NaN stays NaN. */
    static float clamp(float x, float lo, float hi) {
        if (Float.isNaN(x)) return x;
        return Math.min(Math.max(x, lo), hi);
    }
}

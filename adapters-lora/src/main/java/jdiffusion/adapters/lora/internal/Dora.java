package jdiffusion.adapters.lora.internal;

import java.util.Arrays;
import jdiffusion.core.tensor.Tensor;

/**
 * DoRA's learned magnitude and the axis it is measured along (Liu et al. 2024, "DoRA: Weight-Decomposed
 * Low-Rank Adaptation"). Two conventions exist in files:
 * <ul>
 * <li>{@link Axis#OUTPUT}: one magnitude per output row, as in the paper and PEFT
 * ({@code lora_magnitude_vector} [out] or [1, out, 1, 1]; kohya-style {@code dora_scale} [out, 1(, 1, 1)]).
 * PEFT puts the strength w inside: V = W + w*s*dW, W' = (m / ||V||_row) V.</li>
 * <li>{@link Axis#INPUT}: one magnitude per input column, as A1111, LyCORIS and kohya/OneTrainer write
 * ({@code dora_scale} [1, in(, 1, 1)]); the norm runs over the output rows (and kernel) of each column.
 * With V = W + s*dW and W_d = (m / (||V||_col + eps)) V, the strength blends as ComfyUI does:
 * W' = W + w (W_d - W), so strength 0 is the base model and 1 the decomposed weight.</li>
 * </ul>
 * Files are told apart by shape, as ComfyUI does: a {@code dora_scale} whose first dimension is the
 * layer's output count is per output row; PEFT's key is always per output row.
 */
public record Dora(String key, Tensor magnitude, boolean peftKey) {

    /** Along which axis of the weight the magnitude is measured. */
    public enum Axis { OUTPUT, INPUT }

    private static final double EPS = Math.ulp(1.0f);

    /** The axis for a layer whose weight has shape {@code w}, checking the magnitude's size. */
    public Axis axis(int[] w) {
        long n = magnitude.numel();
        if (peftKey) {
            if (n != w[0]) throw ModuleChange.mismatch(key, "magnitude " + Arrays.toString(magnitude.shape()), w, "it must have the layer's " + w[0] + " outputs");
            return Axis.OUTPUT;
        }
        if (magnitude.dim(0) == w[0] && n == w[0]) return Axis.OUTPUT;
        if (n == w[1] && magnitude.dim(0) == 1) return Axis.INPUT;
        throw ModuleChange.mismatch(key, "dora_scale " + Arrays.toString(magnitude.shape()), w,
                "it must be [" + w[0] + ", 1, ...] per output or [1, " + w[1] + ", ...] per input");
    }

    /** m / ||W + scaledDelta||_row for every output row (PEFT: no epsilon). */
    public float[] outputRatio(float[] base, float[] scaledDelta, int[] w) {
        int out = w[0];
        int rest = base.length / out;
        float[] m = magnitude.toFloatArray();
        float[] ratio = new float[out];
        for (int o = 0; o < out; o++) {
            double ss = 0;
            for (int j = 0; j < rest; j++) {
                double v = (double) base[o * rest + j] + scaledDelta[o * rest + j];
                ss += v * v;
            }
            ratio[o] = (float) (m[o] / Math.sqrt(ss));
        }
        return ratio;
    }

    /**
     * The merged weight's change W' - W for {@code delta} (dW at strength 1 with its alpha/r scale) at
     * {@code strength}.
     */
    public float[] weightDelta(float[] base, float[] delta, int[] w, float strength) {
        int out = w[0];
        int rest = base.length / out;
        float[] d = new float[base.length];
        if (axis(w) == Axis.OUTPUT) {
            float[] scaled = delta.clone();
            Dense.scaleInPlace(scaled, strength);
            float[] ratio = outputRatio(base, scaled, w);
            for (int o = 0; o < out; o++) {
                for (int j = 0; j < rest; j++) {
                    int i = o * rest + j;
                    double v = (double) base[i] + scaled[i];
                    d[i] = (float) (ratio[o] * v - base[i]);
                }
            }
            return d;
        }
        int in = w[1];
        int inner = rest / in;
        float[] m = magnitude.toFloatArray();
        double[] ss = new double[in];
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                for (int s = 0; s < inner; s++) {
                    int i = o * rest + c * inner + s;
                    double v = (double) base[i] + delta[i];
                    ss[c] += v * v;
                }
            }
        }
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                double r = m[c] / (Math.sqrt(ss[c]) + EPS);
                for (int s = 0; s < inner; s++) {
                    int i = o * rest + c * inner + s;
                    double v = (double) base[i] + delta[i];
                    d[i] = (float) (strength * (r * v - base[i]));
                }
            }
        }
        return d;
    }
}

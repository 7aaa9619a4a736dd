package jdiffusion.schedulers.training;

/**
 * {@code torch.linspace(start, end, steps)} on the CPU, rounded exactly as PyTorch's AVX2 kernel rounds it,
 * so tables built from it (diffusers' linear and scaled-linear betas, EDM ramps) match bit for bit.
 *
 * <p>The kernel computes {@code step = (end - start) / (steps - 1)} in the output precision and writes
 * blocks of one vector width: while at least two blocks remain, a block starting at index {@code j} gets
 * {@code base + k * step} (multiply, then add) with {@code base = fma(step, j, start)} in the first half and
 * {@code base = fma(-step, steps - 1 - j, end)} in the second; the remaining elements use the base formula
 * alone. The fused multiply-adds are where the compiler contracted the scalar expressions.
 */
public final class TorchLinspace {

    private TorchLinspace() {
    }

    /** The float32 linspace (vector width 8). */
    public static float[] float32(double start, double end, int steps) {
        float[] out = new float[steps];
        if (steps == 0) return out;
        float s = (float) start;
        float e = (float) end;
        if (steps == 1) {
            out[0] = s;
            return out;
        }
        float step = (e - s) / (float) (steps - 1);
        int halfway = steps / 2;
        int width = 8;
        int i = 0;
        for (; i <= steps - 2 * width; i += width) {
            float base = i < halfway ? Math.fma(step, (float) i, s) : Math.fma(-step, (float) (steps - i - 1), e);
            for (int k = 0; k < width; k++) {
                out[i + k] = base + (float) k * step;
            }
            i += width;
            base = i < halfway ? Math.fma(step, (float) i, s) : Math.fma(-step, (float) (steps - i - 1), e);
            for (int k = 0; k < width; k++) {
                out[i + k] = base + (float) k * step;
            }
        }
        for (; i < steps; i++) {
            out[i] = i < halfway ? Math.fma(step, (float) i, s) : Math.fma(-step, (float) (steps - i - 1), e);
        }
        return out;
    }

    /** The float64 linspace (vector width 4). */
    public static double[] float64(double start, double end, int steps) {
        double[] out = new double[steps];
        if (steps == 0) return out;
        if (steps == 1) {
            out[0] = start;
            return out;
        }
        double step = (end - start) / (double) (steps - 1);
        int halfway = steps / 2;
        int width = 4;
        int i = 0;
        for (; i <= steps - 2 * width; i += width) {
            double base = i < halfway ? Math.fma(step, i, start) : Math.fma(-step, steps - i - 1, end);
            for (int k = 0; k < width; k++) {
                out[i + k] = base + k * step;
            }
            i += width;
            base = i < halfway ? Math.fma(step, i, start) : Math.fma(-step, steps - i - 1, end);
            for (int k = 0; k < width; k++) {
                out[i + k] = base + k * step;
            }
        }
        for (; i < steps; i++) {
            out[i] = i < halfway ? Math.fma(step, i, start) : Math.fma(-step, steps - i - 1, end);
        }
        return out;
    }
}

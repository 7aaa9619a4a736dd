package jdiffusion.samplers;

/**
 * {@code torch.linspace} on the CPU, bit for bit (torch 1.13 with AVX2 kernels, as the reference data was
 * made): step = (end - start) / (n - 1) in the element type; the first half counts up from start, the second
 * down from end ({@code fma(step, i, start)} / {@code fma(-step, n - 1 - i, end)}), and while at least two
 * vectors of output remain, whole vectors are written as base + k * step from their first element's value.
 * Several schedules and DPM-Solver-fast start from such a linspace.
 */
public final class TorchLinspace {

    private TorchLinspace() {
    }

    /** A float32 linspace of {@code n} points from {@code start} to {@code end}. */
    public static float[] of(float start, float end, int n) {
        if (n < 0) throw new IllegalArgumentException("linspace needs n >= 0, got " + n);
        float[] out = new float[n];
        if (n == 0) return out;
        if (n == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (float) (n - 1);
        int halfway = n / 2;
        final int lanes = 8;
        int i = 0;
        while (n - i >= 2 * lanes) {
            for (int block = 0; block < 2; block++) {
                float base = value(start, end, step, halfway, n, i);
                for (int k = 0; k < lanes; k++) out[i + k] = base + k * step;
                i += lanes;
            }
        }
        for (; i < n; i++) out[i] = value(start, end, step, halfway, n, i);
        return out;
    }

    private static float value(float start, float end, float step, int halfway, int n, int i) {
        return i < halfway ? Math.fma(step, (float) i, start) : Math.fma(-step, (float) (n - i - 1), end);
    }

    /** A float64 linspace of {@code n} points (four-lane vectors). */
    public static double[] ofDouble(double start, double end, int n) {
        if (n < 0) throw new IllegalArgumentException("linspace needs n >= 0, got " + n);
        double[] out = new double[n];
        if (n == 0) return out;
        if (n == 1) {
            out[0] = start;
            return out;
        }
        double step = (end - start) / (n - 1);
        int halfway = n / 2;
        final int lanes = 4;
        int i = 0;
        while (n - i >= 2 * lanes) {
            for (int block = 0; block < 2; block++) {
                double base = i < halfway ? Math.fma(step, i, start) : Math.fma(-step, n - i - 1, end);
                for (int k = 0; k < lanes; k++) out[i + k] = base + k * step;
                i += lanes;
            }
        }
        for (; i < n; i++) out[i] = i < halfway ? Math.fma(step, i, start) : Math.fma(-step, n - i - 1, end);
        return out;
    }
}

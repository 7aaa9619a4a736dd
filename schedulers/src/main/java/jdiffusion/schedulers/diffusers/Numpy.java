package jdiffusion.schedulers.diffusers;

/**
 * The few numpy 1.24 routines diffusers builds its schedules with, rounded exactly as numpy rounds them:
 * {@code linspace}, {@code arange}, {@code interp}, {@code round} (half to even) and the float32
 * {@code log} of numpy's AVX2 build.
 */
final class Numpy {

    private Numpy() {
    }

    /** {@code np.linspace(start, stop, num, endpoint)} in float64: i * step + start, the endpoint exact. */
    static double[] linspace(double start, double stop, int num, boolean endpoint) {
        double[] y = new double[Math.max(num, 0)];
        int div = endpoint ? num - 1 : num;
        double delta = stop - start;
        if (div > 0) {
            double step = delta / div;
            if (step == 0) {
                for (int i = 0; i < num; i++) y[i] = ((double) i / div) * delta + start;
            } else {
                for (int i = 0; i < num; i++) y[i] = i * step + start;
            }
        } else {
            for (int i = 0; i < num; i++) y[i] = i * delta + start;
        }
        if (endpoint && num > 1) y[num - 1] = stop;
        return y;
    }

    static double[] linspace(double start, double stop, int num) {
        return linspace(start, stop, num, true);
    }

    /**
     * {@code np.arange(start, stop, step)} in float64: length ceil((stop - start) / step); element i is
     * start + i * ((start + step) - start), as numpy's fill recomputes the increment.
     */
    static double[] arange(double start, double stop, double step) {
        double len = Math.ceil((stop - start) / step);
        int n = len > 0 ? (int) len : 0;
        double[] y = new double[n];
        if (n == 0) return y;
        y[0] = start;
        if (n > 1) {
            double second = start + step;
            y[1] = second;
            double delta = second - start;
            for (int i = 2; i < n; i++) y[i] = start + i * delta;
        }
        return y;
    }

    /** {@code np.round}: half to even. */
    static double round(double x) {
        return Math.rint(x);
    }

    static double[] round(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.rint(x[i]);
        return y;
    }

    static double[] reverse(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[x.length - 1 - i];
        return y;
    }

    /** {@code np.interp(x, xp, fp)} with xp increasing. */
    static double[] interp(double[] x, double[] xp, double[] fp) {
        double[] out = new double[x.length];
        int n = xp.length;
        for (int k = 0; k < x.length; k++) {
            double v = x[k];
            if (Double.isNaN(v)) {
                out[k] = v;
                continue;
            }
            if (v < xp[0]) {
                out[k] = fp[0];
                continue;
            }
            if (v > xp[n - 1]) {
                out[k] = fp[n - 1];
                continue;
            }
            // j: the last index with xp[j] <= v
            int lo = 0;
            int hi = n - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (xp[mid] <= v) lo = mid;
                else hi = mid - 1;
            }
            int j = lo;
            if (j == n - 1 || xp[j] == v) {
                out[k] = fp[j];
            } else {
                double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
                double r = slope * (v - xp[j]) + fp[j];
                if (Double.isNaN(r)) {
                    r = slope * (v - xp[j + 1]) + fp[j + 1];
                    if (Double.isNaN(r) && fp[j] == fp[j + 1]) r = fp[j];
                }
                out[k] = r;
            }
        }
        return out;
    }

    /** Interpolates a float32 table at {@code x} over the indices 0 .. n-1. */
    static double[] interpTable(double[] x, float[] table) {
        double[] xp = new double[table.length];
        double[] fp = new double[table.length];
        for (int i = 0; i < table.length; i++) {
            xp[i] = i;
            fp[i] = table[i];
        }
        return interp(x, xp, fp);
    }

    private static final float LOG_P0 = 0.0f;
    private static final float LOG_P1 = 9.999999999999998702752e-01f;
    private static final float LOG_P2 = 2.112677543073053063722e+00f;
    private static final float LOG_P3 = 1.480000633576506585156e+00f;
    private static final float LOG_P4 = 3.808837741388407920751e-01f;
    private static final float LOG_P5 = 2.589979117907922693523e-02f;
    private static final float LOG_Q0 = 1.0f;
    private static final float LOG_Q1 = 2.612677543073109236779e+00f;
    private static final float LOG_Q2 = 2.453006071784736363091e+00f;
    private static final float LOG_Q3 = 9.864942958519418960339e-01f;
    private static final float LOG_Q4 = 1.546476374983906719538e-01f;
    private static final float LOG_Q5 = 5.875095403124574342950e-03f;
    private static final float LN2 = 0.693147180559945309417f;
    private static final float SQRT1_2 = 0.707106781186547524401f;

    /**
     * {@code np.log} of a float32 value in numpy's AVX2/FMA3 kernel: x = m 2^k with m in [sqrt(1/2), sqrt(2)),
     * log(m) by a rational minimax approximation P(m - 1) / Q(m - 1) evaluated with fused multiply-adds,
     * plus k ln 2 (error up to about 4 ulp, unlike a correctly rounded log).
     */
    static float log32(float in) {
        if (Float.isNaN(in)) return Float.NaN;
        if (in < 0) return Float.NaN;
        if (in == 0) return Float.NEGATIVE_INFINITY;
        if (in == Float.POSITIVE_INFINITY) return in;
        float x = in;
        int denormalShift = 0;
        if (x < Float.MIN_NORMAL) {
            x = x * 0x1p100f;
            denormalShift = 100;
        }
        int bits = Float.floatToRawIntBits(x);
        float exponent = (float) ((bits >>> 23) - 126) - denormalShift;
        float m = Float.intBitsToFloat((bits & 0x7fffff) | (126 << 23));
        if (m <= SQRT1_2) {
            m = m + m;
            exponent = exponent - 1f;
        }
        m = m - 1f;
        float num = Math.fma(LOG_P5, m, LOG_P4);
        num = Math.fma(num, m, LOG_P3);
        num = Math.fma(num, m, LOG_P2);
        num = Math.fma(num, m, LOG_P1);
        num = Math.fma(num, m, LOG_P0);
        float den = Math.fma(LOG_Q5, m, LOG_Q4);
        den = Math.fma(den, m, LOG_Q3);
        den = Math.fma(den, m, LOG_Q2);
        den = Math.fma(den, m, LOG_Q1);
        den = Math.fma(den, m, LOG_Q0);
        return Math.fma(exponent, LN2, num / den);
    }

    static float[] log32(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = log32(x[i]);
        return y;
    }
}

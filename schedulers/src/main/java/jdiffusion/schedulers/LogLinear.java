package jdiffusion.schedulers;

/**
 * Log-linear interpolation of a decreasing list of sigmas to another length, in double as numpy does it
 * ({@code np.linspace} and {@code np.interp} on log sigma; the AYS and GITS nodes' {@code loglinear_interp}).
 */
final class LogLinear {

    private LogLinear() {
    }

    static double[] interpolate(double[] sigmas, int num) {
        int n = sigmas.length;
        double[] xs = linspace(n);
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) ys[i] = Math.log(sigmas[n - 1 - i]);
        double[] newXs = linspace(num);
        double[] out = new double[num];
        for (int i = 0; i < num; i++) {
            double v = interp(newXs[i], xs, ys);
            out[num - 1 - i] = Math.exp(v);
        }
        return out;
    }

    /** np.linspace(0, 1, n): i * (1 / (n - 1)), the last point exactly 1. */
    private static double[] linspace(int n) {
        double[] y = new double[n];
        if (n == 1) return y;
        double step = 1.0 / (n - 1);
        for (int i = 0; i < n; i++) y[i] = i * step;
        y[n - 1] = 1.0;
        return y;
    }

    /** np.interp for increasing xp: slope (fp[j+1] - fp[j]) / (xp[j+1] - xp[j]) times (x - xp[j]) plus fp[j]. */
    private static double interp(double x, double[] xp, double[] fp) {
        int n = xp.length;
        if (x <= xp[0]) return fp[0];
        if (x >= xp[n - 1]) return fp[n - 1];
        int j = 0;
        while (j + 1 < n && xp[j + 1] <= x) j++;
        if (xp[j] == x) return fp[j];
        double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
        return slope * (x - xp[j]) + fp[j];
    }
}

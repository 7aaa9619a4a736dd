package jdiffusion.schedulers.diffusers;

/**
 * The alternative noise-level schedules diffusers offers over a model's sigma range, in numpy float64 as
 * diffusers computes them, and the mapping from a sigma back to a (fractional) training timestep.
 */
final class SigmaConversions {

    private SigmaConversions() {
    }

    /** Karras et al. (2022), eq. 5: (sigma_max^(1/rho) + ramp (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho. */
    static double[] karras(double sigmaMin, double sigmaMax, int n, double rho) {
        double[] ramp = Numpy.linspace(0, 1, n);
        double minInv = Math.pow(sigmaMin, 1 / rho);
        double maxInv = Math.pow(sigmaMax, 1 / rho);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.pow(maxInv + ramp[i] * (minInv - maxInv), rho);
        }
        return out;
    }

    /** Noise levels evenly spaced in log sigma, from sigma_max down to sigma_min. */
    static double[] exponential(double sigmaMin, double sigmaMax, int n) {
        double[] l = Numpy.linspace(Math.log(sigmaMax), Math.log(sigmaMin), n);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = Math.exp(l[i]);
        return out;
    }

    /**
     * The beta schedule of Lee et al. (2024), "Beta Sampling is All You Need": sigma_min + ppf(1 - i/(n-1))
     * (sigma_max - sigma_min) with ppf the Beta(alpha, beta) quantile.
     */
    static double[] beta(double sigmaMin, double sigmaMax, int n, double alpha, double beta) {
        double[] l = Numpy.linspace(0, 1, n);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double ppf = IncompleteBeta.ppf(1 - l[i], alpha, beta);
            out[i] = sigmaMin + (ppf * (sigmaMax - sigmaMin));
        }
        return out;
    }

    /**
     * The timestep whose log-sigma is {@code sigma}'s, linearly interpolated in the float32 table of log
     * sigmas (ascending in t), as diffusers' {@code _sigma_to_t} computes it under numpy 1.24: the
     * distances and the weight in float32, the final blend in float64.
     */
    static double sigmaToT(double sigma, float[] logSigmas) {
        float logSigma = (float) Math.log(Math.max(sigma, 1e-10));
        int low = lowIndex(logSigma, logSigmas);
        float lo = logSigmas[low];
        float hi = logSigmas[low + 1];
        float w = (lo - logSigma) / (lo - hi);
        w = clip01(w);
        return (double) (1f - w) * low + (double) w * (low + 1);
    }

    /**
     * {@link #sigmaToT} as it runs when diffusers passes torch tensors (KDPM2's interpolated sigmas): numpy
     * promotes the 0-d sigma to float64 for the log, torch does the rest in float32, the blend included.
     */
    static float sigmaToTFloat32(float sigma, float[] logSigmas) {
        float logSigma = (float) Math.log(Math.max((double) sigma, 1e-10));
        int low = lowIndex(logSigma, logSigmas);
        float lo = logSigmas[low];
        float hi = logSigmas[low + 1];
        float w = (lo - logSigma) / (lo - hi);
        w = clip01(w);
        return (1f - w) * (float) low + w * (float) (low + 1);
    }

    /** argmax of the running count of non-negative distances, clipped to n - 2. */
    private static int lowIndex(float logSigma, float[] logSigmas) {
        int count = 0;
        int best = 0;
        int bestIdx = 0;
        for (int i = 0; i < logSigmas.length; i++) {
            if (logSigma - logSigmas[i] >= 0) count++;
            if (count > best) {
                best = count;
                bestIdx = i;
            }
        }
        return Math.min(bestIdx, logSigmas.length - 2);
    }

    private static float clip01(float w) {
        if (Float.isNaN(w)) return w;
        return Math.min(Math.max(w, 0f), 1f);
    }
}

package jdiffusion.schedulers.diffusers;

/**
 * The schedules of the multistep solvers (DPM-Solver, DEIS, UniPC, SA-Solver): the training sigmas
 * interpolated at the spaced timesteps, or karras / exponential / beta / Lu (uniform in log sigma) / flow
 * noise levels whose timesteps are found by {@link SigmaConversions#sigmaToT}. Timesteps are whole numbers
 * (diffusers truncates them to int64).
 */
final class SolverSigmas {

    enum Kind { INTERPOLATED, KARRAS, EXPONENTIAL, BETA, LU, FLOW }

    /** Rounded to whole numbers except where diffusers truncates. */
    final double[] timesteps;
    /** Without the final sigma. */
    final double[] sigmas;

    private SolverSigmas(double[] timesteps, double[] sigmas) {
        this.timesteps = timesteps;
        this.sigmas = sigmas;
    }

    static Kind kind(Options o, boolean hasLu, boolean hasFlow) {
        KarrasSigmas.Kind k = KarrasSigmas.kind(o);
        boolean lu = hasLu && o.flag("use_lu_lambdas", false);
        boolean flow = hasFlow && o.flag("use_flow_sigmas", false);
        return switch (k) {
            case KARRAS -> Kind.KARRAS;
            case EXPONENTIAL -> Kind.EXPONENTIAL;
            case BETA -> Kind.BETA;
            default -> lu ? Kind.LU : flow ? Kind.FLOW : Kind.INTERPOLATED;
        };
    }

    /**
     * @param spaced     the spaced (integer) timesteps
     * @param roundKarras whether karras and Lu timesteps are rounded before truncation
     * @param flowShift  the shift of flow sigmas
     */
    static SolverSigmas build(TrainingTables tables, double[] spaced, Kind kind, int n, boolean roundKarras, double flowShift,
                              Double sigmaMin, Double sigmaMax) {
        float[] table = tables.sigmas();
        float[] logSigmas = Numpy.log32(table);
        double lo = sigmaMin != null ? sigmaMin : table[0];
        double hi = sigmaMax != null ? sigmaMax : table[table.length - 1];
        double[] sigmas;
        double[] timesteps;
        switch (kind) {
            case KARRAS, EXPONENTIAL, BETA -> {
                sigmas = switch (kind) {
                    case KARRAS -> SigmaConversions.karras(lo, hi, n, 7.0);
                    case EXPONENTIAL -> SigmaConversions.exponential(lo, hi, n);
                    default -> SigmaConversions.beta(lo, hi, n, 0.6, 0.6);
                };
                timesteps = toT(sigmas, logSigmas);
                if (roundKarras && kind == Kind.KARRAS) timesteps = Numpy.round(timesteps);
            }
            case LU -> {
                double lambdaMin = logSigmas[0];
                double lambdaMax = logSigmas[logSigmas.length - 1];
                double[] ramp = Numpy.linspace(0, 1, n);
                sigmas = new double[n];
                for (int i = 0; i < n; i++) sigmas[i] = Math.exp(lambdaMax + ramp[i] * (lambdaMin - lambdaMax));
                timesteps = toT(sigmas, logSigmas);
                if (roundKarras) timesteps = Numpy.round(timesteps);
            }
            case FLOW -> {
                double t = tables.size();
                double[] alphas = Numpy.linspace(1, 1 / t, n + 1);
                double[] shifted = new double[n + 1];
                for (int i = 0; i <= n; i++) {
                    double s = 1.0 - alphas[i];
                    shifted[i] = flowShift * s / (1 + (flowShift - 1) * s);
                }
                sigmas = new double[n];
                timesteps = new double[n];
                for (int i = 0; i < n; i++) {
                    sigmas[i] = shifted[n - i];
                    timesteps[i] = sigmas[i] * t;
                }
            }
            default -> {
                sigmas = Numpy.interpTable(spaced, table);
                timesteps = spaced;
            }
        }
        double[] truncated = new double[timesteps.length];
        for (int i = 0; i < truncated.length; i++) truncated[i] = truncate(timesteps[i]);
        return new SolverSigmas(truncated, sigmas);
    }

    private static double[] toT(double[] sigmas, float[] logSigmas) {
        double[] t = new double[sigmas.length];
        for (int i = 0; i < t.length; i++) t[i] = SigmaConversions.sigmaToT(sigmas[i], logSigmas);
        return t;
    }

    /** float64 to int64 as numpy/torch cast it: toward zero. */
    static double truncate(double t) {
        if (Double.isNaN(t) || Double.isInfinite(t)) return Long.MIN_VALUE;
        return (double) (long) t;
    }

    /**
     * {@code torch.searchsorted(torch.flip(lambda_t, [0]), lambda_min_clipped)}: how many of the training
     * log-SNRs (ascending) lie below the clip, which diffusers removes from the top of the schedule.
     */
    static int clippedIndex(TrainingTables tables, double lambdaMinClipped) {
        float[] ac = tables.alphasCumprod;
        int count = 0;
        for (int i = ac.length - 1; i >= 0; i--) {
            float alpha = (float) Math.sqrt(ac[i]);
            float sigma = (float) Math.sqrt(1 - ac[i]);
            float lambda = jdiffusion.samplers.step.Float32Math.log(alpha) - jdiffusion.samplers.step.Float32Math.log(sigma);
            if (lambda < lambdaMinClipped) count++;
            else break;
        }
        return count;
    }
}

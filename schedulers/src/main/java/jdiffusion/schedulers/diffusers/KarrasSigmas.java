package jdiffusion.schedulers.diffusers;

/**
 * The sigma schedule of the discrete Karras-style classes (Euler, Heun, KDPM2, LMS): the training sigmas
 * interpolated at the spaced timesteps, optionally replaced by karras / exponential / beta noise levels
 * over the same range, whose timesteps are then found by {@link SigmaConversions#sigmaToT}.
 */
final class KarrasSigmas {

    /** Which noise levels replace the interpolated ones. */
    enum Kind { INTERPOLATED, KARRAS, EXPONENTIAL, BETA }

    final double[] timesteps;
    /** Without the final sigma. */
    final double[] sigmas;
    final float[] logSigmas;

    private KarrasSigmas(double[] timesteps, double[] sigmas, float[] logSigmas) {
        this.timesteps = timesteps;
        this.sigmas = sigmas;
        this.logSigmas = logSigmas;
    }

    /** Reads {@code use_karras_sigmas} / {@code use_exponential_sigmas} / {@code use_beta_sigmas}; at most one. */
    static Kind kind(Options o) {
        boolean k = o.flag("use_karras_sigmas", false);
        boolean e = o.flag("use_exponential_sigmas", false);
        boolean b = o.flag("use_beta_sigmas", false);
        if ((k ? 1 : 0) + (e ? 1 : 0) + (b ? 1 : 0) > 1) {
            throw o.error("only one of use_beta_sigmas, use_exponential_sigmas, use_karras_sigmas can be true");
        }
        return k ? Kind.KARRAS : e ? Kind.EXPONENTIAL : b ? Kind.BETA : Kind.INTERPOLATED;
    }

    /**
     * @param spaced     the spaced timesteps (descending, float32 values)
     * @param sigmaMin   the configured sigma_min, or null for the schedule's own
     * @param sigmaMax   the configured sigma_max, or null
     * @param roundKarras whether karras timesteps are rounded (KDPM2)
     */
    static KarrasSigmas build(TrainingTables tables, double[] spaced, Kind kind, Double sigmaMin, Double sigmaMax,
                              int n, boolean roundKarras) {
        return build(tables, spaced, null, kind, sigmaMin, sigmaMax, n, roundKarras);
    }

    /** As above, starting from {@code base} sigmas instead of the interpolated ones when not null. */
    static KarrasSigmas build(TrainingTables tables, double[] spaced, double[] base, Kind kind, Double sigmaMin,
                              Double sigmaMax, int n, boolean roundKarras) {
        float[] table = tables.sigmas();
        float[] logSigmas = Numpy.log32(table);
        double[] sigmas = base != null ? base : Numpy.interpTable(spaced, table);
        double[] timesteps = spaced;
        if (kind != Kind.INTERPOLATED) {
            double lo = sigmaMin != null ? sigmaMin : sigmas[sigmas.length - 1];
            double hi = sigmaMax != null ? sigmaMax : sigmas[0];
            sigmas = switch (kind) {
                case KARRAS -> SigmaConversions.karras(lo, hi, n, 7.0);
                case EXPONENTIAL -> SigmaConversions.exponential(lo, hi, n);
                case BETA -> SigmaConversions.beta(lo, hi, n, 0.6, 0.6);
                default -> throw new AssertionError();
            };
            timesteps = new double[sigmas.length];
            for (int i = 0; i < sigmas.length; i++) {
                timesteps[i] = SigmaConversions.sigmaToT(sigmas[i], logSigmas);
            }
            if (roundKarras && kind == Kind.KARRAS) timesteps = Numpy.round(timesteps);
        }
        return new KarrasSigmas(timesteps, sigmas, logSigmas);
    }

    /** diffusers' {@code init_noise_sigma}: sigma_max, or sqrt(sigma_max^2 + 1) for leading spacing. */
    static double initNoiseSigma(float[] sigmas, String spacing) {
        float max = Float.NEGATIVE_INFINITY;
        for (float s : sigmas) {
            if (Float.isNaN(s)) {
                max = Float.NaN;
                break;
            }
            max = Math.max(max, s);
        }
        if (spacing.equals("linspace") || spacing.equals("trailing")) return max;
        return (float) Math.sqrt(max * max + 1);
    }
}

package jdiffusion.tck;

import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.Parameterization;

/**
 * A discrete epsilon-prediction model sampling over Stable Diffusion's training schedule
 * (scaled_linear betas 0.00085..0.012, 1000 steps), computed in double, for contract tests that need one.
 */
public final class ToyModelSampling implements ModelSampling {

    /** Stable Diffusion's schedule. */
    public static final ToyModelSampling STABLE_DIFFUSION = new ToyModelSampling(0.00085, 0.012, 1000);

    private final float[] sigmas;
    private final double[] logSigmas;

    private ToyModelSampling(double betaStart, double betaEnd, int n) {
        sigmas = new float[n];
        logSigmas = new double[n];
        double a = Math.sqrt(betaStart);
        double b = Math.sqrt(betaEnd);
        double cumprod = 1;
        for (int i = 0; i < n; i++) {
            double r = a + (b - a) * i / (n - 1);
            cumprod *= 1 - r * r;
            double s = Math.sqrt((1 - cumprod) / cumprod);
            sigmas[i] = (float) s;
            logSigmas[i] = Math.log(s);
        }
    }

    @Override
    public Parameterization parameterization() {
        return Parameterization.EPSILON;
    }

    @Override
    public float sigmaMin() {
        return sigmas[0];
    }

    @Override
    public float sigmaMax() {
        return sigmas[sigmas.length - 1];
    }

    @Override
    public double timestep(double sigma) {
        double ls = Math.log(sigma);
        if (ls <= logSigmas[0]) return 0;
        int n = logSigmas.length;
        if (ls >= logSigmas[n - 1]) return n - 1;
        int lo = 0;
        while (logSigmas[lo + 1] < ls) lo++;
        double w = (logSigmas[lo] - ls) / (logSigmas[lo] - logSigmas[lo + 1]);
        return lo + w;
    }

    @Override
    public double sigma(double timestep) {
        double t = Math.max(0, Math.min(sigmas.length - 1, timestep));
        int lo = (int) Math.floor(t);
        int hi = Math.min(lo + 1, sigmas.length - 1);
        double w = t - lo;
        return Math.exp((1 - w) * logSigmas[lo] + w * logSigmas[hi]);
    }

    @Override
    public double percentToSigma(double percent) {
        if (percent <= 0) return 999999999.9;
        if (percent >= 1) return 0;
        return sigma((1 - percent) * (sigmas.length - 1));
    }

    @Override
    public float[] sigmaTable() {
        return sigmas.clone();
    }
}

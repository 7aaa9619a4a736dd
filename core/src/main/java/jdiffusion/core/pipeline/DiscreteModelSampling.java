package jdiffusion.core.pipeline;

import java.util.Objects;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.schedule.Parameterization;

/**
 * A model trained on a discrete noise schedule (DDPM-style, 1000 steps) seen as k-diffusion sees it:
 * sigma_t = sqrt((1 - alpha-bar_t) / alpha-bar_t) per timestep, with sigmas between the table entries
 * interpolated in log space (k-diffusion's {@code DiscreteSchedule} and ComfyUI's
 * {@code ModelSamplingDiscrete}). Immutable.
 */
public final class DiscreteModelSampling implements ModelSampling {

    private final Parameterization parameterization;
    private final float[] sigmas;      // ascending by timestep, float32 as torch holds them
    private final double[] logSigmas;

    public DiscreteModelSampling(NoiseSchedule schedule, Parameterization parameterization) {
        this.parameterization = Objects.requireNonNull(parameterization, "parameterization");
        this.sigmas = schedule.sigmas();
        this.logSigmas = new double[sigmas.length];
        for (int i = 0; i < sigmas.length; i++) logSigmas[i] = (float) Math.log(sigmas[i]);
        if (sigmas.length < 2) throw new IllegalArgumentException("a discrete schedule needs at least 2 timesteps");
    }

    @Override
    public Parameterization parameterization() {
        return parameterization;
    }

    @Override
    public float sigmaMin() {
        return sigmas[0];
    }

    @Override
    public float sigmaMax() {
        return sigmas[sigmas.length - 1];
    }

    /** k-diffusion's {@code sigma_to_t}: the fractional timestep whose log-sigma interpolates to log(sigma). */
    @Override
    public double timestep(double sigma) {
        double logSigma = Math.log(sigma);
        int low = 0;
        for (int i = 0; i < logSigmas.length; i++) {
            if (logSigma - logSigmas[i] >= 0) low = i;
        }
        low = Math.min(low, logSigmas.length - 2);
        int high = low + 1;
        double w = (logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[high]);
        w = Math.max(0.0, Math.min(1.0, w));
        return (1 - w) * low + w * high;
    }

    /** The timestep nearest to {@code sigma} in log space, as A1111 ("quantization") and ComfyUI feed the UNet. */
    public int nearestTimestep(double sigma) {
        double logSigma = Math.log(sigma);
        int best = 0;
        double bestDist = Double.POSITIVE_INFINITY;
        for (int i = 0; i < logSigmas.length; i++) {
            double d = Math.abs(logSigma - logSigmas[i]);
            if (d < bestDist) {
                bestDist = d;
                best = i;
            }
        }
        return best;
    }

    /** k-diffusion's {@code t_to_sigma}: log-linear interpolation between table entries. */
    @Override
    public double sigma(double timestep) {
        double t = Math.max(0, Math.min(sigmas.length - 1, timestep));
        int low = (int) Math.floor(t);
        int high = (int) Math.ceil(t);
        double w = t - low;
        return Math.exp((1 - w) * logSigmas[low] + w * logSigmas[high]);
    }

    @Override
    public double percentToSigma(double percent) {
        if (percent <= 0.0) return 999999999.9;
        if (percent >= 1.0) return 0.0;
        return sigma((1.0 - percent) * (sigmas.length - 1));
    }

    @Override
    public float[] sigmaTable() {
        return sigmas.clone();
    }
}

package jdiffusion.core.pipeline;

import java.util.Objects;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.schedule.Parameterization;

/**
 * A model trained on a discrete noise schedule (DDPM-style, 1000 steps) seen as k-diffusion sees it:
 * sigma_t = sqrt((1 - alpha-bar_t) / alpha-bar_t) per timestep from the scheduler's float32 alpha-bar table,
 * the UNet conditioned on the nearest table entry, sigmas between entries interpolated in log space, in
 * float32 (ComfyUI's {@code ModelSamplingDiscrete}; the pipeline's own copy, since core depends on no
 * implementation module). Immutable.
 */
public final class DiscreteModelSampling implements ModelSampling {

    private final Parameterization parameterization;
    private final float[] sigmas;      // ascending by timestep, float32 as torch holds them
    private final float[] logSigmas;   // float32, as ComfyUI's log_sigmas buffer

    public DiscreteModelSampling(NoiseSchedule schedule, Parameterization parameterization) {
        this.parameterization = Objects.requireNonNull(parameterization, "parameterization");
        this.sigmas = schedule.sigmas();
        this.logSigmas = new float[sigmas.length];
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

    /**
     * The timestep the UNet is conditioned on: the index of the table entry nearest to {@code sigma} in log
     * space, as ComfyUI's {@code ModelSamplingDiscrete.timestep} and A1111 (with its default quantization) feed it.
     */
    @Override
    public double timestep(double sigma) {
        return nearestTimestep(sigma);
    }

    /** k-diffusion's {@code sigma_to_t} without quantization: the fractional timestep whose log-sigma interpolates to log(sigma). */
    public double fractionalTimestep(double sigma) {
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

    /** The index of the table entry nearest to {@code sigma} in log space (the first on ties, as argmin), in float32. */
    public int nearestTimestep(double sigma) {
        float logSigma = (float) Math.log((float) sigma);
        int best = 0;
        float bestDist = Float.POSITIVE_INFINITY;
        for (int i = 0; i < logSigmas.length; i++) {
            float d = Math.abs(logSigma - logSigmas[i]);
            if (d < bestDist) {
                bestDist = d;
                best = i;
            }
        }
        return best;
    }

    /** ComfyUI's {@code sigma(t)}: exp of the log-sigma table interpolated linearly, in float32; t is clamped to the table. */
    @Override
    public double sigma(double timestep) {
        float t = Math.max(0f, Math.min((float) (sigmas.length - 1), (float) timestep));
        int low = (int) Math.floor(t);
        int high = (int) Math.ceil(t);
        float w = t - (float) Math.floor(t);
        float logSigma = (1 - w) * logSigmas[low] + w * logSigmas[high];
        return (float) Math.exp(logSigma);
    }

    @Override
    public double percentToSigma(double percent) {
        if (percent <= 0.0) return 999999999.9;
        if (percent >= 1.0) return 0.0;
        return sigma((float) ((1.0 - percent) * (sigmas.length - 1)));
    }

    @Override
    public float[] sigmaTable() {
        return sigmas.clone();
    }
}

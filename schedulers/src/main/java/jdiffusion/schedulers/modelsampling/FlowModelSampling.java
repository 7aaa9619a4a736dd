package jdiffusion.schedulers.modelsampling;

import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.Parameterization;

/**
 * Rectified-flow models (x = (1 - t) x0 + t eps; SD3, Flux, AuraFlow), where sigma is the flow time shifted
 * towards noise: ComfyUI's {@code ModelSamplingDiscreteFlow} with sigma(t) = shift t / (1 + (shift - 1) t)
 * (SD3's static shift), or {@code ModelSamplingFlux} with sigma(t) = e^mu / (e^mu + 1/t - 1) and mu set from
 * the image resolution. 1000 (or 10000) table points, float32. Immutable.
 */
public final class FlowModelSampling implements ModelSampling {

    private final boolean flux;
    private final double shift;
    private final double multiplier;
    private final float[] sigmas;

    private FlowModelSampling(boolean flux, double shift, double multiplier, int timesteps) {
        if (!(shift > 0) || Double.isInfinite(shift)) throw new IllegalArgumentException("flow shift must be positive, got " + shift);
        this.flux = flux;
        this.shift = shift;
        this.multiplier = multiplier;
        this.sigmas = new float[timesteps];
        for (int i = 0; i < timesteps; i++) {
            float t = (float) (i + 1) / (float) timesteps;
            sigmas[i] = (float) sigma(flux ? t : t * (float) multiplier);
        }
    }

    /** SD3-style static shift (ComfyUI's ModelSamplingDiscreteFlow; SD3 uses shift 3, multiplier 1000). */
    public static FlowModelSampling shifted(double shift, double multiplier) {
        return new FlowModelSampling(false, shift, multiplier, 1000);
    }

    /** Flux-style exponential shift with {@code mu} (ComfyUI's ModelSamplingFlux, 10000 table points). */
    public static FlowModelSampling flux(double mu) {
        return new FlowModelSampling(true, mu, 1.0, 10000);
    }

    /**
     * The resolution-dependent shift of Flux (ComfyUI's ModelSamplingFlux node): mu interpolates linearly between
     * {@code baseShift} at 256 and {@code maxShift} at 4096 latent patches (width * height / 256).
     */
    public static FlowModelSampling fluxForResolution(int width, int height, double baseShift, double maxShift) {
        return flux(resolutionShift(width, height, baseShift, maxShift));
    }

    /** mu for an image of {@code width} x {@code height} pixels. */
    public static double resolutionShift(int width, int height, double baseShift, double maxShift) {
        double x1 = 256;
        double x2 = 4096;
        double mm = (maxShift - baseShift) / (x2 - x1);
        double b = baseShift - mm * x1;
        return ((double) width * height / (8 * 8 * 2 * 2)) * mm + b;
    }

    /** The static shift, or mu for the exponential form. */
    public double shift() {
        return shift;
    }

    public boolean isFluxShift() {
        return flux;
    }

    @Override
    public Parameterization parameterization() {
        return Parameterization.FLOW;
    }

    @Override
    public float sigmaMin() {
        return sigmas[0];
    }

    @Override
    public float sigmaMax() {
        return sigmas[sigmas.length - 1];
    }

    /** sigma * multiplier in float32 (Flux: sigma itself). */
    @Override
    public double timestep(double sigma) {
        return flux ? (float) sigma : (float) sigma * (float) multiplier;
    }

    @Override
    public double sigma(double timestep) {
        if (flux) {
            float t = (float) timestep;
            double e = Math.exp(shift);
            float denom = (float) e + (1.0f / t - 1.0f);
            return (1.0f / denom) * (float) e;
        }
        float t = (float) timestep / (float) multiplier;
        return timeSnrShift(t);
    }

    private float timeSnrShift(float t) {
        if (shift == 1.0) return t;
        float a = (float) shift;
        return a * t / (1.0f + (float) (shift - 1.0) * t);
    }

    /** 1 at percent 0, 0 at percent 1, the shifted time in between (in double, as ComfyUI). */
    @Override
    public double percentToSigma(double percent) {
        if (percent <= 0.0) return 1.0;
        if (percent >= 1.0) return 0.0;
        double t = 1.0 - percent;
        if (flux) return Math.exp(shift) / (Math.exp(shift) + (1 / t - 1));
        if (shift == 1.0) return t;
        return shift * t / (1 + (shift - 1) * t);
    }

    @Override
    public float[] sigmaTable() {
        return sigmas.clone();
    }
}

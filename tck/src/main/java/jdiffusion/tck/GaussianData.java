package jdiffusion.tck;

import jdiffusion.core.sampling.Denoiser;
import jdiffusion.core.schedule.ModelSampling;

/**
 * An analytic test problem: data distributed as independent Gaussians N(mu_i, s^2). Its optimal denoiser
 * is closed-form, D(x; sigma) = mu + s^2 / (s^2 + sigma^2) (x - mu), and so is the probability-flow ODE
 * solution (Karras et al. 2022, eq. 4 with sigma(t) = t): x(sigma) - mu = (x(sigma_max) - mu)
 * sqrt((s^2 + sigma^2) / (s^2 + sigma_max^2)). Samplers can thus be checked for convergence and order.
 */
public final class GaussianData implements Denoiser {

    private final float[] mu;
    private final double s2;
    private final ModelSampling modelSampling;

    public GaussianData(float[] mu, double s, ModelSampling modelSampling) {
        this.mu = mu.clone();
        this.s2 = s * s;
        this.modelSampling = modelSampling;
    }

    /** Data with means spread over [-1, 1] and standard deviation {@code s}, for {@code n} elements. */
    public static GaussianData spread(int n, double s) {
        float[] mu = new float[n];
        for (int i = 0; i < n; i++) mu[i] = n == 1 ? 0f : (float) (-1.0 + 2.0 * i / (n - 1));
        return new GaussianData(mu, s, ToyModelSampling.STABLE_DIFFUSION);
    }

    public int size() {
        return mu.length;
    }

    public float[] mean() {
        return mu.clone();
    }

    public double variance() {
        return s2;
    }

    @Override
    public float[] denoise(float[] x, float sigma) {
        double k = s2 / (s2 + (double) sigma * sigma);
        float[] d = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float m = mu[i % mu.length];
            d[i] = (float) (m + k * (x[i] - m));
        }
        return d;
    }

    @Override
    public Guided denoiseGuided(float[] x, float sigma) {
        float[] d = denoise(x, sigma);
        return new Guided(d, d.clone());
    }

    @Override
    public ModelSampling modelSampling() {
        return modelSampling;
    }

    /** The exact ODE solution at {@code sigmaTo} starting from {@code x} at {@code sigmaFrom}. */
    public double[] exactOdeSolution(float[] x, double sigmaFrom, double sigmaTo) {
        double f = Math.sqrt((s2 + sigmaTo * sigmaTo) / (s2 + sigmaFrom * sigmaFrom));
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double m = mu[i % mu.length];
            out[i] = m + (x[i] - m) * f;
        }
        return out;
    }

    /** The exact marginal: mean mu, variance s^2 + sigma^2. */
    public double marginalVariance(double sigma) {
        return s2 + sigma * sigma;
    }
}

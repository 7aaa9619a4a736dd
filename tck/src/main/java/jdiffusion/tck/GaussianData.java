package jdiffusion.tck;

import jdiffusion.core.sampling.Denoiser;
import jdiffusion.core.schedule.ModelSampling;

/**
 * An analytic test problem: data distributed as independent Gaussians N(mu_i, s^2), whose optimal denoiser and
 * probability-flow ODE solution are closed-form, so samplers can be checked for convergence, order and sample
 * statistics.
 *
 * <p>For variance-exploding sigmas (x = x0 + sigma eps): D(x; sigma) = mu + s^2 / (s^2 + sigma^2) (x - mu), and
 * the ODE of Karras et al. (2022, eq. 4) keeps (x - mu) / sqrt(s^2 + sigma^2) constant. For rectified flow
 * (x = (1 - t) x0 + t eps, when the model sampling {@linkplain ModelSampling#isFlow() is flow}):
 * D(x; t) = mu + (1 - t) s^2 / ((1 - t)^2 s^2 + t^2) (x - (1 - t) mu), and the ODE keeps
 * (x - (1 - t) mu) / sqrt((1 - t)^2 s^2 + t^2) constant. Immutable; serves several threads.
 */
public final class GaussianData implements Denoiser {

    private final float[] mu;
    private final double s2;
    private final ModelSampling modelSampling;
    private final boolean consistency;

    public GaussianData(float[] mu, double s, ModelSampling modelSampling) {
        this(mu, s, modelSampling, false);
    }

    private GaussianData(float[] mu, double s, ModelSampling modelSampling, boolean consistency) {
        this.mu = mu.clone();
        this.s2 = s * s;
        this.modelSampling = modelSampling;
        this.consistency = consistency;
    }

    /**
     * The same data with the consistency function (Song et al. 2023) in place of the optimal denoiser: it maps
     * x at sigma to the end of its probability-flow ODE trajectory at sigma = 0, which is what consistency and
     * latent-consistency samplers ({@code lcm}) expect of their model.
     */
    public static GaussianData consistency(int n, double s) {
        return new GaussianData(spreadMeans(n), s, ToyModelSampling.STABLE_DIFFUSION, true);
    }

    /** Data with means spread over [-1, 1] and standard deviation {@code s}, for {@code n} elements (Stable Diffusion sigmas). */
    public static GaussianData spread(int n, double s) {
        return new GaussianData(spreadMeans(n), s, ToyModelSampling.STABLE_DIFFUSION);
    }

    /** The same data for a rectified-flow model ({@link ToyFlowModelSampling#SD3}). */
    public static GaussianData flow(int n, double s) {
        return new GaussianData(spreadMeans(n), s, ToyFlowModelSampling.SD3);
    }

    private static float[] spreadMeans(int n) {
        float[] mu = new float[n];
        for (int i = 0; i < n; i++) mu[i] = n == 1 ? 0f : (float) (-1.0 + 2.0 * i / (n - 1));
        return mu;
    }

    public int size() {
        return mu.length;
    }

    public float[] mean() {
        return mu.clone();
    }

    /** s^2, the variance of the data. */
    public double variance() {
        return s2;
    }

    public boolean isFlow() {
        return modelSampling != null && modelSampling.isFlow();
    }

    @Override
    public float[] denoise(float[] x, float sigma) {
        float[] d = new float[x.length];
        if (consistency) {
            double[] end = exactOdeSolution(x, sigma, 0);
            for (int i = 0; i < x.length; i++) d[i] = (float) end[i];
            return d;
        }
        if (isFlow()) {
            double a = 1.0 - sigma;
            double k = a * s2 / (a * a * s2 + (double) sigma * sigma);
            for (int i = 0; i < x.length; i++) {
                double m = mu[i % mu.length];
                d[i] = (float) (m + k * (x[i] - a * m));
            }
        } else {
            double k = s2 / (s2 + (double) sigma * sigma);
            for (int i = 0; i < x.length; i++) {
                float m = mu[i % mu.length];
                d[i] = (float) (m + k * (x[i] - m));
            }
        }
        return d;
    }

    /** Without guidance the guided and unconditional estimates coincide. */
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
        double[] out = new double[x.length];
        if (isFlow()) {
            double a0 = 1 - sigmaFrom;
            double a1 = 1 - sigmaTo;
            double f = Math.sqrt(a1 * a1 * s2 + sigmaTo * sigmaTo) / Math.sqrt(a0 * a0 * s2 + sigmaFrom * sigmaFrom);
            for (int i = 0; i < x.length; i++) {
                double m = mu[i % mu.length];
                out[i] = a1 * m + (x[i] - a0 * m) * f;
            }
        } else {
            double f = Math.sqrt((s2 + sigmaTo * sigmaTo) / (s2 + sigmaFrom * sigmaFrom));
            for (int i = 0; i < x.length; i++) {
                double m = mu[i % mu.length];
                out[i] = m + (x[i] - m) * f;
            }
        }
        return out;
    }

    /** The standard deviation of the marginal at {@code sigma}: sqrt(s^2 + sigma^2), or its flow counterpart. */
    public double marginalStd(double sigma) {
        if (isFlow()) return Math.sqrt((1 - sigma) * (1 - sigma) * s2 + sigma * sigma);
        return Math.sqrt(s2 + sigma * sigma);
    }

    /** The mean of the marginal at {@code sigma} for element {@code i}. */
    public double marginalMean(int i, double sigma) {
        double m = mu[i % mu.length];
        return isFlow() ? (1 - sigma) * m : m;
    }

    /** A latent at {@code sigma} drawn from the marginal with standard-normal {@code z}: x = mean + std z. */
    public float[] startingLatent(float[] z, double sigma) {
        float[] x = new float[z.length];
        for (int i = 0; i < z.length; i++) x[i] = (float) (marginalMean(i, sigma) + marginalStd(sigma) * z[i]);
        return x;
    }

    /** The marginal variance s^2 + sigma^2 (variance exploding). */
    public double marginalVariance(double sigma) {
        return marginalStd(sigma) * marginalStd(sigma);
    }
}

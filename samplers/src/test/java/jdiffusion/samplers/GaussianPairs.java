package jdiffusion.samplers;

import jdiffusion.core.sampling.Denoiser;
import jdiffusion.core.schedule.ModelSampling;

/**
 * Test data with correlation: the latent is a sequence of pairs, each pair N(m, Sigma) with Sigma = R diag(l1, l2) R^T
 * for a rotation R by 45 degrees, so mean and full covariance of a sampler's output can be checked. In rotated
 * coordinates the components are independent Gaussians, which gives the optimal denoiser, the probability-flow
 * ODE map (used as the consistency function) and exact draws from every marginal in closed form; for
 * variance-exploding or rectified-flow sigmas.
 */
final class GaussianPairs implements Denoiser {

    static final double M1 = 0.4;
    static final double M2 = -0.3;
    static final double L1 = 0.64;
    static final double L2 = 0.09;

    private final ModelSampling modelSampling;
    private final boolean consistency;

    GaussianPairs(ModelSampling modelSampling, boolean consistency) {
        this.modelSampling = modelSampling;
        this.consistency = consistency;
    }

    private boolean flow() {
        return modelSampling.isFlow();
    }

    /** The target covariance entries: var1, var2, cov. */
    static double[] covariance() {
        // R = [[c, -s], [s, c]] with c = s = 1/sqrt(2): Sigma = R diag(L1, L2) R^T
        double var = (L1 + L2) / 2;
        double cov = (L1 - L2) / 2;
        return new double[] {var, var, cov};
    }

    @Override
    public float[] denoise(float[] x, float sigma) {
        float[] out = new float[x.length];
        double a = flow() ? 1 - sigma : 1;
        double r = Math.sqrt(0.5);
        for (int p = 0; p + 1 < x.length; p += 2) {
            double d1 = x[p] - a * M1;
            double d2 = x[p + 1] - a * M2;
            double u = r * (d1 + d2);
            double v = r * (-d1 + d2);
            double du;
            double dv;
            if (consistency) {
                du = u * Math.sqrt(L1) / Math.sqrt(a * a * L1 + (double) sigma * sigma);
                dv = v * Math.sqrt(L2) / Math.sqrt(a * a * L2 + (double) sigma * sigma);
            } else {
                du = u * a * L1 / (a * a * L1 + (double) sigma * sigma);
                dv = v * a * L2 / (a * a * L2 + (double) sigma * sigma);
            }
            out[p] = (float) (M1 + r * (du - dv));
            out[p + 1] = (float) (M2 + r * (du + dv));
        }
        return out;
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

    /** An exact draw from the marginal at {@code sigma} given standard-normal {@code z}. */
    float[] marginal(float[] z, double sigma) {
        double a = flow() ? 1 - sigma : 1;
        double r = Math.sqrt(0.5);
        double s1 = Math.sqrt(a * a * L1 + sigma * sigma);
        double s2 = Math.sqrt(a * a * L2 + sigma * sigma);
        float[] x = new float[z.length];
        for (int p = 0; p + 1 < z.length; p += 2) {
            double u = s1 * z[p];
            double v = s2 * z[p + 1];
            x[p] = (float) (a * M1 + r * (u - v));
            x[p + 1] = (float) (a * M2 + r * (u + v));
        }
        return x;
    }
}

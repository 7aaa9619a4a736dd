package jdiffusion.samplers.noise;

import java.util.SplittableRandom;
import jdiffusion.core.sampling.NoiseSource;

/**
 * Independent standard-normal float32 values from a seeded {@link SplittableRandom} (polar Box-Muller): a
 * simple reproducible noise source (not bit-compatible with torch's generator). One run at a time.
 */
public final class GaussianNoise implements NoiseSource {

    private final SplittableRandom random;
    private double spare = Double.NaN;

    public GaussianNoise(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public float[] next(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) nextGaussian();
        return out;
    }

    double nextGaussian() {
        if (!Double.isNaN(spare)) {
            double s = spare;
            spare = Double.NaN;
            return s;
        }
        return gaussianPair(random, this);
    }

    private static double gaussianPair(SplittableRandom random, GaussianNoise holder) {
        double u;
        double v;
        double s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.sqrt(-2 * Math.log(s) / s);
        if (holder != null) holder.spare = v * f;
        return u * f;
    }

    /** {@code n} standard-normal values from a fresh generator seeded {@code seed}. */
    static double[] gaussians(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] out = new double[n];
        int i = 0;
        while (i < n) {
            double u;
            double v;
            double s;
            do {
                u = 2 * random.nextDouble() - 1;
                v = 2 * random.nextDouble() - 1;
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            double f = Math.sqrt(-2 * Math.log(s) / s);
            out[i++] = u * f;
            if (i < n) out[i++] = v * f;
        }
        return out;
    }
}

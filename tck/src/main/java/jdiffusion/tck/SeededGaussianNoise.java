package jdiffusion.tck;

import java.util.SplittableRandom;
import jdiffusion.core.sampling.NoiseSource;

/** Standard-normal noise from a seeded {@link SplittableRandom} (polar Box-Muller), for contract tests. */
public final class SeededGaussianNoise implements NoiseSource {

    private final SplittableRandom random;

    public SeededGaussianNoise(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public float[] next(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) gaussian();
        return out;
    }

    private double gaussian() {
        double u;
        double v;
        double s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }
}

package jdiffusion.samplers.noise;

import java.util.SplittableRandom;
import jdiffusion.core.sampling.NoiseSource;

/**
 * Independent standard-normal float32 values from a seeded {@link SplittableRandom} (the JDK's ziggurat
 * {@code nextGaussian}): a simple reproducible noise source, not bit-compatible with torch's generator. One run
 * at a time.
 */
public final class GaussianNoise implements NoiseSource {

    private final SplittableRandom random;

    public GaussianNoise(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public float[] next(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) random.nextGaussian();
        return out;
    }
}

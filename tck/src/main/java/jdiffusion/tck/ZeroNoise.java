package jdiffusion.tck;

import jdiffusion.core.sampling.NoiseSource;

/** A noise source of zeros, for checking what a sampler does without randomness. */
public final class ZeroNoise implements NoiseSource {

    @Override
    public float[] next(int n) {
        return new float[n];
    }
}

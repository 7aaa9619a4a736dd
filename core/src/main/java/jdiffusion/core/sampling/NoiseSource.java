package jdiffusion.core.sampling;

/**
 * Where every random number of a sampling run comes from: a seeded generator, a Brownian tree, or a
 * replay of recorded tensors. Nothing in jdiffusion draws randomness any other way.
 *
 * <p>A noise source is used by one run at a time (it has a position in its stream).
 */
public interface NoiseSource {

    /** The next {@code n} standard-normal float32 values. */
    float[] next(int n);

    /**
     * The next {@code n} standard-normal values for the step from {@code sigma} to {@code sigmaNext}.
     * Brownian sources use the interval (so results do not depend on the step count); others ignore it.
     */
    default float[] next(int n, float sigma, float sigmaNext) {
        return next(n);
    }
}

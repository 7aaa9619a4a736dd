package jdiffusion.core.sampling;

import jdiffusion.core.Named;

/**
 * A named family of seeded noise sources, e.g. {@code cpu} (bit-compatible with torch's CPU generator)
 * or {@code nv} (A1111's Philox source).
 */
public interface NoiseSourceFactory extends Named {

    /** A fresh source at the start of the stream for {@code seed}. */
    NoiseSource create(long seed);
}

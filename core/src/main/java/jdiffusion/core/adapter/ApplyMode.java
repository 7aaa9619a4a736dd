package jdiffusion.core.adapter;

/** How a network takes its adapters' changes. */
public enum ApplyMode {
    /**
     * Into the weights: each changed layer gets a new weight W' = W + sum of deltas (in the base weight's
     * dtype) when the network is built, so every step runs at the speed of the plain model. The base
     * weights themselves are never written.
     */
    MERGED,
    /**
     * At run time: layers keep computing with the shared (memory-mapped, possibly float16) base weights
     * and add each adapter's change to their output, so adapters can be swapped per request.
     */
    RUNTIME
}

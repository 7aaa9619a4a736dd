package jdiffusion.core.backend;

/** What a backend can do, so callers ask instead of testing the implementation's class. */
public enum Capability {
    /** Reads float16 weights directly (converting inside kernels, no float32 copy). */
    FLOAT16_WEIGHTS,
    /** Reads bfloat16 weights directly. */
    BFLOAT16_WEIGHTS,
    /** Keeps tensors in device memory between operations. */
    DEVICE_MEMORY,
    /** Uses several CPU threads. */
    MULTI_THREADED,
    /** Attention without materialising the full score matrix (flash-attention style tiling). */
    TILED_ATTENTION
}

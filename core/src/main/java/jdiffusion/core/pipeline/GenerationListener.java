package jdiffusion.core.pipeline;

/**
 * Told about the progress of a generation: once per model evaluation step. Throwing
 * {@link jdiffusion.core.sampling.SamplingCancelledException} cancels the generation. Called on the
 * generating thread.
 */
@FunctionalInterface
public interface GenerationListener {

    void onStep(Progress progress);

    /** A listener that ignores everything. */
    GenerationListener NONE = p -> { };
}

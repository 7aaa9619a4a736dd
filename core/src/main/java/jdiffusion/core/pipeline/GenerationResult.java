package jdiffusion.core.pipeline;

import java.util.List;

/**
 * The images of a request, batch by batch, and how long the sampling took.
 *
 * @param images        every image, batch after batch
 * @param steps         model-evaluation steps run in total (all batches)
 * @param samplingNanos time spent in the reverse process (all batches; excludes text encoding and VAE)
 * @param totalNanos    wall time of the whole request
 */
public record GenerationResult(List<GeneratedImage> images, int steps, long samplingNanos, long totalNanos) {

    public GenerationResult {
        images = List.copyOf(images);
    }

    /** Mean seconds per sampling step. */
    public double secondsPerStep() {
        return steps == 0 ? 0 : samplingNanos / 1e9 / steps;
    }
}

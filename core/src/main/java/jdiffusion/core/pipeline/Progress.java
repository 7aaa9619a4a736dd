package jdiffusion.core.pipeline;

import java.util.Objects;

/**
 * One finished step of a generation.
 *
 * @param batch        index of the batch (0-based) among {@code batches}
 * @param batches      number of batches
 * @param step         steps done in this batch (1-based)
 * @param steps        steps this batch takes
 * @param stepNanos    how long this step took
 * @param elapsedNanos time since the batch started sampling
 * @param preview      the current latents (after the step with a diffusers scheduler, the denoised estimate with a
 *                     named sampler) and a cheap picture of them (see {@link #preview(int)})
 */
public record Progress(int batch, int batches, int step, int steps, long stepNanos, long elapsedNanos,
                       LatentPreview preview) {

    public Progress {
        Objects.requireNonNull(preview, "preview");
    }

    /** Estimated nanoseconds left in this batch, from the mean step time so far. */
    public long remainingNanos() {
        return step == 0 ? 0 : elapsedNanos / step * (steps - step);
    }

    /** An approximate picture of image {@code index} of the batch, from the current latents (no VAE decode). */
    public RgbImage preview(int index) {
        return preview.image(index);
    }
}

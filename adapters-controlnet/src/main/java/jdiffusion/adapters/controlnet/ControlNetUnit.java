package jdiffusion.adapters.controlnet;

import jdiffusion.core.tensor.Tensor;

/**
 * One ControlNet as a generation uses it: the model, its control image [n, 3, H, W] (values in [0, 1],
 * RGB, at the generated image's size; n = 1 or the batch), its conditioning scale, and the part of the
 * denoising it acts on: from {@code start} to {@code end}, fractions of the way from pure noise (0) to the
 * finished image (1), as ComfyUI's start/end percent and diffusers' control_guidance_start/end.
 */
public record ControlNetUnit(ControlNetModel model, Tensor image, float scale, float start, float end, boolean guessMode) {

    public ControlNetUnit {
        if (!(start >= 0 && start <= end && end <= 1)) {
            throw new IllegalArgumentException("ControlNet start " + start + " and end " + end + " must satisfy 0 <= start <= end <= 1");
        }
        if (image.rank() != 4 || image.dim(1) != model.config().conditioningChannels()) {
            throw new IllegalArgumentException("control image must be [n, " + model.config().conditioningChannels() + ", H, W], got " + image);
        }
    }

    /** The whole denoising at {@code scale}. */
    public static ControlNetUnit of(ControlNetModel model, Tensor image, float scale) {
        return new ControlNetUnit(model, image, scale, 0f, 1f, false);
    }

    /**
     * Whether the unit acts at {@code timestep} of a model trained on {@code trainSteps} timesteps: the
     * fraction done is {@code 1 - t / (trainSteps - 1)} (ComfyUI's percent_to_sigma maps a fraction p to the
     * timestep (1 - p) * 999), and the unit acts while start <= done <= end.
     */
    public boolean activeAt(float timestep, int trainSteps) {
        if (start <= 0 && end >= 1) return true;
        double done = 1.0 - timestep / (double) (trainSteps - 1);
        return done >= start - 1e-9 && done <= end + 1e-9;
    }
}

package jdiffusion.core.image;

import jdiffusion.core.tensor.Tensor;

/**
 * Moves images to and from the latent space the UNet works in (the VAE of latent diffusion,
 * Rombach et al. 2022). Images are float32 [N, 3, H, W] in [-1, 1]; latents [N, C, H/f, W/f].
 */
public interface ImageCodec {

    /** The spatial downsampling factor f (8 for SD's VAE). */
    int downsamplingFactor();

    int latentChannels();

    /** The factor latents are multiplied by before the UNet sees them ({@code scaling_factor}). */
    double scalingFactor();

    /** Subtracted before scaling ({@code shift_factor}; 0 for SD 1.x/2.x/XL). */
    double shiftFactor();

    /** The latent distribution's mean and log-variance for an image. */
    LatentDistribution encode(Tensor image);

    /** The image for (unscaled) latents. */
    Tensor decode(Tensor latents);

    /** A diagonal Gaussian over latents: mean and log-variance, both [N, C, h, w]. */
    record LatentDistribution(Tensor mean, Tensor logvar) {
    }
}

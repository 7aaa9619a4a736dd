package jdiffusion.core.model;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.image.ImageCodec;
import jdiffusion.core.text.TextEncoder;
import jdiffusion.core.text.Tokenizer;

/**
 * A loaded Stable Diffusion model: its family ({@code sd1}, {@code sd2}, {@code sdxl}), tokenizers and
 * text encoders (two for SDXL), the UNet, the VAE and the scheduler configuration the folder ships
 * (null for single files, which carry none).
 */
public record StableDiffusionModel(String family, List<Tokenizer> tokenizers, List<TextEncoder> textEncoders,
                                   NoisePredictor unet, ImageCodec vae, Config schedulerConfig) {
}

package jdiffusion.core.adapter;

/**
 * The names adapters use for a Stable Diffusion model's networks: those of the diffusers folder
 * ({@code unet/}, {@code text_encoder/}, {@code text_encoder_2/}).
 */
public final class Networks {

    /** The denoising UNet. */
    public static final String UNET = "unet";
    /** The first (or only) CLIP text encoder: CLIP-L for SD1 and SDXL, OpenCLIP-H for SD2. */
    public static final String TEXT_ENCODER = "text_encoder";
    /** SDXL's second text encoder, OpenCLIP-G. */
    public static final String TEXT_ENCODER_2 = "text_encoder_2";

    private Networks() {
    }
}

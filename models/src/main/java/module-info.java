/** Stable Diffusion's networks (UNet, VAE, CLIP) and their loaders. */
module jdiffusion.models {
    requires transitive jdiffusion.core;

    exports jdiffusion.models.clip;
    exports jdiffusion.models.text;
}

/** Stable Diffusion's networks (UNet, VAE, CLIP) and their loaders. */
module jdiffusion.models {
    requires transitive jdiffusion.core;

    exports jdiffusion.models.bench;
    exports jdiffusion.models.clip;
    exports jdiffusion.models.conformance;
    exports jdiffusion.models.loader;
    exports jdiffusion.models.nn;
    exports jdiffusion.models.prompt;
    exports jdiffusion.models.text;
    exports jdiffusion.models.unet;
    exports jdiffusion.models.vae;
    exports jdiffusion.models.weights;

    uses jdiffusion.core.backend.BackendProvider;

    provides jdiffusion.core.conformance.ConformanceSuite with jdiffusion.models.conformance.ModelConformanceSuite;
    provides jdiffusion.core.model.ModelLoader with jdiffusion.models.loader.DiffusersModelLoader,
            jdiffusion.models.loader.SingleFileModelLoader;
}

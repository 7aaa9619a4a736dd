/** ControlNet models, their application to the UNet, and control-image preprocessors. */
module jdiffusion.adapters.controlnet {
    requires transitive jdiffusion.core;
    requires transitive jdiffusion.models;

    exports jdiffusion.adapters.controlnet;

    uses jdiffusion.core.backend.BackendProvider;

    provides jdiffusion.core.conformance.ConformanceSuite with jdiffusion.adapters.controlnet.conformance.ControlNetConformanceSuite;
}

/** ControlNet models and their image preprocessors. */
module jdiffusion.adapters.controlnet {
    requires transitive jdiffusion.core;
    requires jdiffusion.models;
}

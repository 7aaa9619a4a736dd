/** The reverse-process algorithms (k-diffusion face) and the step mathematics both faces share. */
module jdiffusion.samplers {
    requires transitive jdiffusion.core;

    exports jdiffusion.samplers;
    exports jdiffusion.samplers.step;

    provides jdiffusion.core.sampling.Sampler with jdiffusion.samplers.EulerSampler;
}

/** An example third-party plugin: one sampler, declared both for the module path and the class path. */
module jdiffusion.example.sampler {
    requires jdiffusion.core;

    provides jdiffusion.core.sampling.Sampler with jdiffusion.example.sampler.RalstonSampler;
}

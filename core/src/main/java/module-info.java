/**
 * jdiffusion's core: the service interfaces every plugin implements, small value types, the plugin
 * registry and the pipeline. Depends on nothing but the JDK.
 */
module jdiffusion.core {
    exports jdiffusion.core;
    exports jdiffusion.core.adapter;
    exports jdiffusion.core.backend;
    exports jdiffusion.core.conformance;
    exports jdiffusion.core.image;
    exports jdiffusion.core.io;
    exports jdiffusion.core.json;
    exports jdiffusion.core.model;
    exports jdiffusion.core.pipeline;
    exports jdiffusion.core.plugin;
    exports jdiffusion.core.sampling;
    exports jdiffusion.core.schedule;
    exports jdiffusion.core.scheduler;
    exports jdiffusion.core.tensor;
    exports jdiffusion.core.text;

    uses jdiffusion.core.sampling.Sampler;
    uses jdiffusion.core.sampling.NoiseSourceFactory;
    uses jdiffusion.core.schedule.SigmaSchedule;
    uses jdiffusion.core.schedule.BetaSchedule;
    uses jdiffusion.core.scheduler.SchedulerFactory;
    uses jdiffusion.core.backend.BackendProvider;
    uses jdiffusion.core.model.ModelLoader;
    uses jdiffusion.core.adapter.AdapterFormat;
    uses jdiffusion.core.conformance.ConformanceSuite;

    provides jdiffusion.core.conformance.ConformanceSuite with jdiffusion.core.pipeline.PipelineConformanceSuite;
}

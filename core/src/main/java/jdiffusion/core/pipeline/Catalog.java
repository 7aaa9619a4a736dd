package jdiffusion.core.pipeline;

import jdiffusion.core.plugin.Plugins;
import jdiffusion.core.plugin.Registry;
import jdiffusion.core.sampling.NoiseSourceFactory;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.schedule.BetaSchedule;
import jdiffusion.core.schedule.SigmaSchedule;
import jdiffusion.core.scheduler.SchedulerFactory;

/** The plugins a generation looks up by name. */
record Catalog(Registry<SchedulerFactory> schedulers, Registry<Sampler> samplers, Registry<SigmaSchedule> schedules,
               Registry<NoiseSourceFactory> noiseSources, Registry<BetaSchedule> betaSchedules) {

    static Catalog of(Plugins plugins) {
        return new Catalog(plugins.schedulers(), plugins.samplers(), plugins.schedules(),
                plugins.registry(NoiseSourceFactory.class), plugins.registry(BetaSchedule.class));
    }
}

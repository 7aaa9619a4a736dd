/** Training noise schedules, sigma schedules and the diffusers-compatible scheduler classes. */
module jdiffusion.schedulers {
    requires transitive jdiffusion.core;
    requires jdiffusion.samplers;

    exports jdiffusion.schedulers;

    provides jdiffusion.core.schedule.SigmaSchedule with jdiffusion.schedulers.KarrasSchedule;
}

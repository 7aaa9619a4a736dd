/** Training noise schedules, sigma schedules and the diffusers-compatible scheduler classes. */
module jdiffusion.schedulers {
    requires transitive jdiffusion.core;
    requires transitive jdiffusion.samplers;

    exports jdiffusion.schedulers;
    exports jdiffusion.schedulers.modelsampling;
    exports jdiffusion.schedulers.kdiffusion;

    provides jdiffusion.core.schedule.SigmaSchedule with
            jdiffusion.schedulers.NormalSchedule,
            jdiffusion.schedulers.KarrasSchedule,
            jdiffusion.schedulers.ExponentialSchedule,
            jdiffusion.schedulers.PolyexponentialSchedule,
            jdiffusion.schedulers.BetaDistributionSchedule,
            jdiffusion.schedulers.SgmUniformSchedule,
            jdiffusion.schedulers.SimpleSchedule,
            jdiffusion.schedulers.DdimUniformSchedule,
            jdiffusion.schedulers.AlignYourStepsSchedule,
            jdiffusion.schedulers.GitsSchedule,
            jdiffusion.schedulers.KlOptimalSchedule,
            jdiffusion.schedulers.LinearQuadraticSchedule,
            jdiffusion.schedulers.LaplaceSchedule,
            jdiffusion.schedulers.VpSchedule,
            jdiffusion.schedulers.FlowShiftSchedule,
            jdiffusion.schedulers.CustomSchedule;
    provides jdiffusion.core.conformance.ConformanceSuite with
            jdiffusion.schedulers.kdiffusion.KDiffusionConformanceSuite;
}

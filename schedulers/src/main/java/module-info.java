/** Training noise schedules, sigma schedules and the diffusers-compatible scheduler classes. */
module jdiffusion.schedulers {
    requires transitive jdiffusion.core;
    requires transitive jdiffusion.samplers;

    exports jdiffusion.schedulers;
    exports jdiffusion.schedulers.training;
    exports jdiffusion.schedulers.diffusers;
    exports jdiffusion.schedulers.conformance;
    exports jdiffusion.schedulers.modelsampling;
    exports jdiffusion.schedulers.kdiffusion;

    uses jdiffusion.core.scheduler.SchedulerFactory;

    provides jdiffusion.core.schedule.BetaSchedule with
            jdiffusion.schedulers.training.LinearBetaSchedule,
            jdiffusion.schedulers.training.ScaledLinearBetaSchedule,
            jdiffusion.schedulers.training.SquaredCosCapV2BetaSchedule,
            jdiffusion.schedulers.training.SigmoidBetaSchedule,
            jdiffusion.schedulers.training.ExpBetaSchedule,
            jdiffusion.schedulers.training.LaplaceBetaSchedule;
    provides jdiffusion.core.scheduler.SchedulerFactory with
            jdiffusion.schedulers.diffusers.DDPMScheduler.Factory,
            jdiffusion.schedulers.diffusers.DDIMScheduler.Factory,
            jdiffusion.schedulers.diffusers.DDIMInverseScheduler.Factory,
            jdiffusion.schedulers.diffusers.PNDMScheduler.Factory,
            jdiffusion.schedulers.diffusers.LMSDiscreteScheduler.Factory,
            jdiffusion.schedulers.diffusers.EulerDiscreteScheduler.Factory,
            jdiffusion.schedulers.diffusers.EulerAncestralDiscreteScheduler.Factory,
            jdiffusion.schedulers.diffusers.HeunDiscreteScheduler.Factory,
            jdiffusion.schedulers.diffusers.KDPM2DiscreteScheduler.Factory,
            jdiffusion.schedulers.diffusers.KDPM2AncestralDiscreteScheduler.Factory,
            jdiffusion.schedulers.diffusers.DPMSolverMultistepScheduler.Factory,
            jdiffusion.schedulers.diffusers.DPMSolverSinglestepScheduler.Factory,
            jdiffusion.schedulers.diffusers.DEISMultistepScheduler.Factory,
            jdiffusion.schedulers.diffusers.UniPCMultistepScheduler.Factory,
            jdiffusion.schedulers.diffusers.LCMScheduler.Factory,
            jdiffusion.schedulers.diffusers.TCDScheduler.Factory,
            jdiffusion.schedulers.diffusers.EDMEulerScheduler.Factory,
            jdiffusion.schedulers.diffusers.EDMDPMSolverMultistepScheduler.Factory,
            jdiffusion.schedulers.diffusers.FlowMatchEulerDiscreteScheduler.Factory,
            jdiffusion.schedulers.diffusers.SASolverScheduler.Factory,
            jdiffusion.schedulers.diffusers.IPNDMScheduler.Factory;
    provides jdiffusion.core.conformance.ConformanceSuite with
            jdiffusion.schedulers.conformance.DiffusersSchedulerSuite,
            jdiffusion.schedulers.kdiffusion.KDiffusionConformanceSuite;
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
}

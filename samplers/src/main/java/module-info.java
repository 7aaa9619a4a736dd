/** The reverse-process algorithms (k-diffusion face) and the step mathematics both faces share. */
module jdiffusion.samplers {
    requires transitive jdiffusion.core;

    exports jdiffusion.samplers;
    exports jdiffusion.samplers.step;
    exports jdiffusion.samplers.noise;
    exports jdiffusion.samplers.random;

    provides jdiffusion.core.sampling.Sampler with
            jdiffusion.samplers.EulerSampler,
            jdiffusion.samplers.EulerAncestralSampler,
            jdiffusion.samplers.EulerAncestralSampler.Rf,
            jdiffusion.samplers.HeunSampler,
            jdiffusion.samplers.HeunPp2Sampler,
            jdiffusion.samplers.Dpm2Sampler,
            jdiffusion.samplers.Dpm2AncestralSampler,
            jdiffusion.samplers.Dpm2AncestralSampler.Rf,
            jdiffusion.samplers.LmsSampler,
            jdiffusion.samplers.DpmFastSampler,
            jdiffusion.samplers.DpmAdaptiveSampler,
            jdiffusion.samplers.DpmPp2sAncestralSampler,
            jdiffusion.samplers.DpmPp2sAncestralSampler.Rf,
            jdiffusion.samplers.DpmPpSdeSampler,
            jdiffusion.samplers.DpmPp2mSampler,
            jdiffusion.samplers.DpmPp2mSdeSampler,
            jdiffusion.samplers.DpmPp2mSdeSampler.Heun,
            jdiffusion.samplers.DpmPp3mSdeSampler,
            jdiffusion.samplers.DdimSampler,
            jdiffusion.samplers.DdpmSampler,
            jdiffusion.samplers.LcmSampler,
            jdiffusion.samplers.IpndmSampler,
            jdiffusion.samplers.IpndmVSampler,
            jdiffusion.samplers.DeisSampler,
            jdiffusion.samplers.ResMultistepSampler,
            jdiffusion.samplers.ResMultistepSampler.Ancestral,
            jdiffusion.samplers.ResMultistepSampler.CfgPp,
            jdiffusion.samplers.ResMultistepSampler.AncestralCfgPp,
            jdiffusion.samplers.GradientEstimationSampler,
            jdiffusion.samplers.GradientEstimationSampler.CfgPp,
            jdiffusion.samplers.ErSdeSampler,
            jdiffusion.samplers.Seeds2Sampler,
            jdiffusion.samplers.Seeds3Sampler,
            jdiffusion.samplers.SaSolverSampler,
            jdiffusion.samplers.SaSolverSampler.Pece,
            jdiffusion.samplers.UniPcSampler,
            jdiffusion.samplers.UniPcSampler.Bh2,
            jdiffusion.samplers.RestartSampler,
            jdiffusion.samplers.EulerAncestralCfgPpSampler,
            jdiffusion.samplers.EulerAncestralCfgPpSampler.EulerCfgPp,
            jdiffusion.samplers.DpmPp2sAncestralCfgPpSampler,
            jdiffusion.samplers.DpmPp2mCfgPpSampler;

    provides jdiffusion.core.sampling.NoiseSourceFactory with
            jdiffusion.samplers.random.TorchCpuNoiseSourceFactory,
            jdiffusion.samplers.random.PhiloxNoiseSourceFactory;
}

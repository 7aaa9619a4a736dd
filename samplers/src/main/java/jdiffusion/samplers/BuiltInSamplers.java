package jdiffusion.samplers;

import java.util.List;
import jdiffusion.core.sampling.Sampler;

/**
 * The samplers this module provides, for callers that want them without service loading (embedded use,
 * conformance runs). The same list is declared to {@link java.util.ServiceLoader}.
 */
public final class BuiltInSamplers {

    private BuiltInSamplers() {
    }

    /** Fresh instances of every built-in sampler, in a stable order. */
    public static List<Sampler> all() {
        return List.of(
                new EulerSampler(),
                new EulerAncestralSampler(),
                new EulerAncestralSampler.Rf(),
                new HeunSampler(),
                new HeunPp2Sampler(),
                new Dpm2Sampler(),
                new Dpm2AncestralSampler(),
                new Dpm2AncestralSampler.Rf(),
                new LmsSampler(),
                new DpmFastSampler(),
                new DpmAdaptiveSampler(),
                new DpmPp2sAncestralSampler(),
                new DpmPp2sAncestralSampler.Rf(),
                new DpmPpSdeSampler(),
                new DpmPp2mSampler(),
                new DpmPp2mSdeSampler(),
                new DpmPp2mSdeSampler.Heun(),
                new DpmPp3mSdeSampler(),
                new DdimSampler(),
                new DdpmSampler(),
                new LcmSampler(),
                new IpndmSampler(),
                new IpndmVSampler(),
                new DeisSampler(),
                new ResMultistepSampler(),
                new ResMultistepSampler.Ancestral(),
                new ResMultistepSampler.CfgPp(),
                new ResMultistepSampler.AncestralCfgPp(),
                new GradientEstimationSampler(),
                new GradientEstimationSampler.CfgPp(),
                new ErSdeSampler(),
                new Seeds2Sampler(),
                new Seeds3Sampler(),
                new SaSolverSampler(),
                new SaSolverSampler.Pece(),
                new UniPcSampler(),
                new UniPcSampler.Bh2(),
                new RestartSampler(),
                new EulerAncestralCfgPpSampler(),
                new EulerAncestralCfgPpSampler.EulerCfgPp(),
                new DpmPp2sAncestralCfgPpSampler(),
                new DpmPp2mCfgPpSampler());
    }
}

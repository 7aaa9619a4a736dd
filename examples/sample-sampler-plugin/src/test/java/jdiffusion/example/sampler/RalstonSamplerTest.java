package jdiffusion.example.sampler;

import jdiffusion.core.sampling.Sampler;
import jdiffusion.tck.SamplerContractTest;

/** The example plugin passes the same contract as the built-in samplers. */
class RalstonSamplerTest extends SamplerContractTest {

    @Override
    protected Sampler sampler() {
        return new RalstonSampler();
    }
}

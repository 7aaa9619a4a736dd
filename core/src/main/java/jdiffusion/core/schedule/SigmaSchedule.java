package jdiffusion.core.schedule;

import jdiffusion.core.Config;
import jdiffusion.core.Named;
import jdiffusion.core.sampling.Sigmas;

/**
 * A named way to choose the noise levels of a sampling run ({@code karras}, {@code exponential},
 * {@code sgm_uniform}, {@code align_your_steps}, ...) over a model's {@link ModelSampling}, chosen
 * independently of the sampler.
 */
public interface SigmaSchedule extends Named {

    /**
     * The sigmas for {@code steps} steps, descending, normally ending in 0. {@code options} holds the
     * schedule's parameters ({@code rho}, {@code alpha}, {@code beta}, ...); absent keys take their defaults.
     */
    Sigmas sigmas(ModelSampling modelSampling, int steps, Config options);
}

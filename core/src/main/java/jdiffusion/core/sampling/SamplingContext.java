package jdiffusion.core.sampling;

import java.util.Map;
import java.util.Objects;
import jdiffusion.core.Config;

/**
 * What a sampling run needs besides the denoiser, the latent and the sigmas: its randomness, its listener
 * and the sampler's options ({@code eta}, {@code s_noise}, {@code s_churn}, {@code solver_type}, ...).
 * Nothing here is global; one context serves one run.
 */
public record SamplingContext(NoiseSource noise, StepListener listener, Config options) {

    public SamplingContext {
        Objects.requireNonNull(noise, "noise");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(options, "options");
    }

    /** A context with the given noise, no listener and default options. */
    public static SamplingContext of(NoiseSource noise) {
        return new SamplingContext(noise, StepListener.NONE, Config.empty("sampler options"));
    }

    public SamplingContext withListener(StepListener l) {
        return new SamplingContext(noise, l, options);
    }

    public SamplingContext withOptions(Map<String, ?> opts) {
        return new SamplingContext(noise, listener, Config.of("sampler options", opts));
    }
}

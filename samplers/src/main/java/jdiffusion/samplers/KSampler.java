package jdiffusion.samplers;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.Denoiser;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.sampling.SamplingContext;
import jdiffusion.core.sampling.Sigmas;

/**
 * What every k-diffusion-face sampler shares: its names, the options it understands (others are rejected
 * with the list of known ones), and the hand-over to {@link #run} with a fresh per-run {@link SamplerRun}.
 * Instances hold no mutable state.
 */
abstract class KSampler implements Sampler {

    private final String name;
    private final List<String> aliases;
    private final String description;
    private final Set<String> options;

    KSampler(String name, List<String> aliases, String description, String... options) {
        this.name = name;
        this.aliases = List.copyOf(aliases);
        this.description = description;
        this.options = new TreeSet<>(List.of(options));
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<String> aliases() {
        return aliases;
    }

    @Override
    public final String description() {
        return description;
    }

    /** The option keys this sampler reads from {@link SamplingContext#options()}. */
    public final Set<String> optionNames() {
        return options;
    }

    @Override
    public final float[] sample(Denoiser denoiser, float[] x, Sigmas sigmas, SamplingContext context) {
        Objects.requireNonNull(denoiser, "denoiser");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(sigmas, "sigmas");
        Objects.requireNonNull(context, "context");
        checkOptions(context.options());
        return run(new SamplerRun(denoiser, context, x.length, sigmas.steps()), x, sigmas.toArray());
    }

    /**
     * Runs the algorithm. {@code x} is the caller's array and must not be written to; {@code sigmas} is a
     * private copy.
     */
    abstract float[] run(SamplerRun r, float[] x, float[] sigmas);

    private void checkOptions(Config c) {
        List<String> unknown = new ArrayList<>();
        for (String k : c.keys()) {
            if (!options.contains(k)) unknown.add(k);
        }
        if (!unknown.isEmpty()) {
            String k = unknown.get(0);
            throw c.invalid(k, c.raw(k), options.isEmpty()
                    ? "no options (sampler " + name + " takes none)"
                    : "an option of sampler " + name + ": " + String.join(", ", options));
        }
    }
}

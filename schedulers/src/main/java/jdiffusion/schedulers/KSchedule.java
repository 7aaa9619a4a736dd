package jdiffusion.schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import jdiffusion.core.Config;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.SigmaSchedule;

/**
 * What the sigma schedules share: names, the options each understands (others are rejected listing the
 * known ones), and a check of the step count. Instances are immutable.
 */
abstract class KSchedule implements SigmaSchedule {

    private final String name;
    private final List<String> aliases;
    private final String description;
    private final Set<String> options;

    KSchedule(String name, List<String> aliases, String description, String... options) {
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

    /** The option keys this schedule reads. */
    public final Set<String> optionNames() {
        return options;
    }

    @Override
    public final Sigmas sigmas(ModelSampling modelSampling, int steps, Config options) {
        Objects.requireNonNull(options, "options");
        List<String> unknown = new ArrayList<>();
        for (String k : options.keys()) {
            if (!this.options.contains(k)) unknown.add(k);
        }
        if (!unknown.isEmpty()) {
            String k = unknown.get(0);
            throw options.invalid(k, options.raw(k), this.options.isEmpty()
                    ? "no options (schedule " + name + " takes none)"
                    : "an option of schedule " + name + ": " + String.join(", ", this.options));
        }
        if (steps < 1) throw new IllegalArgumentException("schedule " + name + ": steps must be at least 1, got " + steps);
        float[] s = compute(modelSampling, steps, options);
        for (int i = 0; i < s.length; i++) {
            if (Float.isNaN(s[i]) || s[i] < 0) {
                throw new IllegalStateException("schedule " + name + " gave sigma[" + i + "] = " + s[i] + " for " + steps + " steps");
            }
        }
        return Sigmas.of(s);
    }

    /** The float32 sigmas. {@code ms} may be null for schedules that do not need a model sampling. */
    abstract float[] compute(ModelSampling ms, int steps, Config options);

    static ModelSampling require(ModelSampling ms, String schedule) {
        if (ms == null) throw new IllegalArgumentException("schedule " + schedule + " needs the model's sampling (its sigma table)");
        return ms;
    }

    /** sigma_min / sigma_max: from the options, else from the model sampling as float32 values. */
    static double sigmaMin(ModelSampling ms, Config o, String schedule) {
        return o.has("sigma_min") ? o.getDouble("sigma_min", 0) : require(ms, schedule).sigmaMin();
    }

    static double sigmaMax(ModelSampling ms, Config o, String schedule) {
        return o.has("sigma_max") ? o.getDouble("sigma_max", 0) : require(ms, schedule).sigmaMax();
    }

    static float[] appendZero(float[] s) {
        return java.util.Arrays.copyOf(s, s.length + 1);
    }
}

package jdiffusion.backends.opencl;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Chooses the kernel variant for each class of matrix product or convolution on one device: on the first
 * product of a class (its kind, storage types, sizes) every variant that builds and fits the device is timed
 * on that very product (a warm-up launch, then the best of three timed launches, each waited for with
 * {@code clFinish}), and the fastest is kept for the rest of the process and, unless disabled, in a file under
 * {@code ~/.jdiffusion/opencl-tuning/} (one per device, driver and kernel source), so later processes start
 * with it.
 *
 * <p>Tuning is skipped, and a size-based default used, for small products (below {@code minFlops}), for
 * products whose timing would exceed the per-product budget (predicted from the device's speed on earlier
 * products, or from one launch), and once the process's total budget is spent (building the variants'
 * kernels, once per kind of product, is not counted). Every variant sums each
 * output in the same order, so the choice changes the speed, never the result.
 */
final class GemmTuner {

    /** Timed launches per trial aim at this long, so that short kernels are not measured as launch latency. */
    private static final double TRIAL_SECONDS = 0.5e-3;
    private static final int TRIALS = 3;
    private static final int MAX_REPS = 16;

    /**
     * How tuning is configured; {@link #fromSystemProperties()} reads {@code jdiffusion.opencl.tune},
     * {@code jdiffusion.opencl.tuning.dir}, {@code .minFlops}, {@code .budget}, {@code .totalBudget} and
     * {@code .verbose}.
     *
     * @param directory where choices are kept between processes; null: not kept
     */
    record Settings(boolean enabled, double minFlops, double problemBudgetSeconds, double totalBudgetSeconds,
                    Path directory, boolean verbose) {

        static Settings fromSystemProperties() {
            String dir = System.getProperty("jdiffusion.opencl.tuning.dir");
            Path directory;
            if (dir == null || dir.isBlank()) {
                String home = System.getProperty("user.home");
                directory = home == null || home.isBlank() ? null : Path.of(home, ".jdiffusion", "opencl-tuning");
            } else {
                directory = dir.trim().equalsIgnoreCase("none") ? null : Path.of(dir.trim());
            }
            return new Settings(!"false".equalsIgnoreCase(System.getProperty("jdiffusion.opencl.tune", "true").trim()),
                    number("jdiffusion.opencl.tuning.minFlops", 1e8),
                    number("jdiffusion.opencl.tuning.budget", 1.0),
                    number("jdiffusion.opencl.tuning.totalBudget", 60),
                    directory,
                    Boolean.getBoolean("jdiffusion.opencl.tuning.verbose"));
        }

        private static double number(String property, double fallback) {
            String v = System.getProperty(property);
            if (v == null || v.isBlank()) return fallback;
            try {
                return Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + property + "=" + v + " is not a number");
            }
        }
    }

    /** Runs a variant on the product being tuned (enqueues one launch), and waits for the device. */
    interface Device {
        void launch(GemmVariant variant);

        void finish();
    }

    /** A variant and how it was chosen ("tuned", "tuned earlier", "default: ..."). */
    record Choice(GemmVariant variant, String how) {
        String describe() {
            return variant.name() + " (" + how + ")";
        }
    }

    private final Settings settings;
    private final List<GemmVariant> universe;
    private final LongSupplier nanoClock;
    private final PrintStream log;
    private final Path file;
    private final Map<String, Choice> decided = new HashMap<>();
    private final Map<String, String> stored = new HashMap<>();
    private double spentSeconds;
    /** The fastest rate (flop/s) a default variant was measured at, to predict what tuning would cost. */
    private double rate;
    private boolean fileFailed;

    /**
     * @param deviceKey identifies the device, driver and kernels (the file name); null keeps nothing on disk
     * @param universe  the variants to consider, in order (the first fastest wins ties)
     */
    GemmTuner(Settings settings, String deviceKey, List<GemmVariant> universe, LongSupplier nanoClock, PrintStream log) {
        this.settings = settings;
        this.universe = List.copyOf(universe);
        this.nanoClock = nanoClock;
        this.log = log;
        this.file = settings.directory() == null || deviceKey == null ? null : settings.directory().resolve(deviceKey + ".txt");
        if (file != null && settings.enabled()) load();
        if (settings.verbose()) {
            log.println("opencl tuning " + (settings.enabled() ? "on" : "off") + "; choices "
                    + (file == null ? "kept in memory" : "in " + file + " (" + stored.size() + " loaded)"));
        }
    }

    /** Seconds spent timing candidates so far in this process. */
    synchronized double spentSeconds() {
        return spentSeconds;
    }

    /** The variant chosen for {@code key}, if decided. */
    synchronized Choice decided(String key) {
        return decided.get(key);
    }

    /**
     * The variant for the product class {@code key} ({@code flops} of work): the one tuned earlier, or tuned now
     * on {@code device} among the variants {@code runnable} accepts (which may build them), or
     * {@code fallback} (which must be runnable) where tuning is off, not worth it, or over budget.
     */
    synchronized Choice choose(String key, double flops, GemmVariant fallback, Predicate<GemmVariant> runnable, Device device) {
        Choice c = decided.get(key);
        if (c != null) return c;
        String earlier = stored.get(key);
        if (earlier != null) {
            for (GemmVariant v : universe) {
                if (v.name().equals(earlier) && runnable.test(v)) return remember(key, v, "tuned earlier");
            }
        }
        if (!settings.enabled()) return remember(key, fallback, "default; tuning off");
        if (flops < settings.minFlops()) return remember(key, fallback, "default; small product");
        if (spentSeconds >= settings.totalBudgetSeconds()) return remember(key, fallback, "default; tuning budget spent");
        if (rate > 0 && cost(flops / rate) > settings.problemBudgetSeconds()) {
            return remember(key, fallback, "default; too slow to tune");
        }
        long start = nanoClock.getAsLong();
        double building = 0;
        try {
            device.finish();
            double first = time(device, fallback, 1);
            rate = Math.max(rate, flops / first);
            if (cost(first) > settings.problemBudgetSeconds()) return remember(key, fallback, "default; too slow to tune");
            int reps = (int) Math.max(1, Math.min(MAX_REPS, Math.round(TRIAL_SECONDS / first)));
            // Build the candidates side by side: compiling them is most of the first tuning of a kind.
            long builds = nanoClock.getAsLong();
            universe.parallelStream().forEach(v -> runnableOrFalse(runnable, v));
            long timing = nanoClock.getAsLong();
            building = (timing - builds) / 1e9;
            List<String> report = new ArrayList<>();
            GemmVariant best = null;
            double bestSeconds = Double.POSITIVE_INFINITY;
            for (GemmVariant v : universe) {
                if (seconds(timing) > settings.problemBudgetSeconds()) {
                    report.add("(budget reached)");
                    break;
                }
                if (!runnableOrFalse(runnable, v)) continue;
                double s;
                try {
                    device.launch(v);
                    device.finish();
                    s = Double.POSITIVE_INFINITY;
                    for (int t = 0; t < TRIALS; t++) s = Math.min(s, time(device, v, reps));
                } catch (RuntimeException e) {
                    report.add(v.name() + " failed: " + firstLine(e.getMessage()));
                    continue;
                }
                report.add(String.format(Locale.ROOT, "%s %.0f", v.name(), flops / s / 1e9));
                if (s < bestSeconds) {
                    bestSeconds = s;
                    best = v;
                }
            }
            if (best == null) return remember(key, fallback, "default; no variant could be timed");
            Choice chosen = remember(key, best, "tuned");
            if (settings.verbose()) {
                log.printf(Locale.ROOT, "opencl tuning %s (%.2f GFLOP), GFLOP/s: %s -> %s %.3f ms (%.2f s)%n", key, flops / 1e9,
                        String.join(", ", report), best.name(), bestSeconds * 1e3, seconds(start));
            }
            save(key, best, bestSeconds, flops);
            return chosen;
        } finally {
            // Builds happen once per kind of product, whatever the budget; the budget is for timing.
            spentSeconds += seconds(start) - building;
        }
    }

    private static boolean runnableOrFalse(Predicate<GemmVariant> runnable, GemmVariant v) {
        try {
            return runnable.test(v);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** What tuning one product of {@code seconds} would take: every variant, warm-up and trials. */
    private double cost(double seconds) {
        int reps = (int) Math.max(1, Math.min(MAX_REPS, Math.round(TRIAL_SECONDS / seconds)));
        return seconds * universe.size() * (1 + TRIALS * reps);
    }

    private double time(Device device, GemmVariant v, int reps) {
        long s = nanoClock.getAsLong();
        for (int r = 0; r < reps; r++) device.launch(v);
        device.finish();
        return Math.max(1e-9, seconds(s) / reps);
    }

    private double seconds(long since) {
        return (nanoClock.getAsLong() - since) / 1e9;
    }

    private Choice remember(String key, GemmVariant v, String how) {
        Choice c = new Choice(v, how);
        decided.put(key, c);
        return c;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // ---- the file of earlier choices: "key = variant  # time" per line ------------------------------

    private void load() {
        if (!Files.isRegularFile(file)) return;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int hash = line.indexOf('#');
                String l = (hash < 0 ? line : line.substring(0, hash)).strip();
                int eq = l.lastIndexOf('=');
                if (eq <= 0) continue;
                stored.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
            }
        } catch (IOException | RuntimeException e) {
            log.println("opencl tuning: cannot read " + file + " (" + e.getMessage() + "); tuning afresh");
        }
    }

    private void save(String key, GemmVariant v, double seconds, double flops) {
        if (file == null || fileFailed) return;
        String line = String.format(Locale.ROOT, "%s = %s  # %.3f ms, %.0f GFLOP/s%n", key, v.name(), seconds * 1e3, flops / seconds / 1e9);
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.writeString(file, "# jdiffusion OpenCL kernel choices: product class = fastest variant\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            fileFailed = true;
            log.println("opencl tuning: cannot write " + file + " (" + e.getMessage() + "); choices kept in memory only");
        }
    }
}

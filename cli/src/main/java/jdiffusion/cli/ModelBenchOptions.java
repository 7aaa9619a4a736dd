package jdiffusion.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.json.Json;
import jdiffusion.core.plugin.Plugins;
import jdiffusion.core.tensor.DType;
import jdiffusion.models.bench.ModelBenchmark;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options the model benchmarks share, and how they print and save a result. */
final class ModelBenchOptions {

    @Option(names = "--batch", paramLabel = "N", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch = 2;

    @Option(names = "--size", paramLabel = "PX", description = "Latent height and width (default ${DEFAULT-VALUE}: a 512x512 image).")
    int size = 64;

    @Option(names = "--dtype", paramLabel = "TYPE", description = "Weight storage: fp32 or fp16 (default ${DEFAULT-VALUE}).")
    String dtype = "fp32";

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed runs first (default ${DEFAULT-VALUE}).")
    int warmup = 1;

    @Option(names = "--iterations", paramLabel = "N", description = "Timed runs (default ${DEFAULT-VALUE}); the median is reported.")
    int iterations = 3;

    @Option(names = "--backend", paramLabel = "NAME[:OPTIONS]", description = "Compute backend, e.g. opencl:0 (default ${DEFAULT-VALUE}).")
    String backend = "cpu";

    @Option(names = "--compare", paramLabel = "NAME[:OPTIONS]",
            description = "Also run once on this backend: time ratio and output agreement (default: cpu when --backend is not cpu; none to skip).")
    String compare;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the backend's, usually all cores).")
    int threads = 0;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON.")
    Path json;

    @Mixin
    PluginOptions pluginOptions;

    DType dtype() {
        return switch (dtype.toLowerCase(Locale.ROOT)) {
            case "fp32", "float32", "f32" -> DType.FLOAT32;
            case "fp16", "float16", "f16" -> DType.FLOAT16;
            default -> throw new IllegalArgumentException("--dtype " + dtype + " is not supported; expected fp32 or fp16");
        };
    }

    void check() {
        if (batch < 1 || size < 1 || iterations < 1 || warmup < 1) {
            throw new IllegalArgumentException("--batch, --size, --iterations and --warmup must be at least 1");
        }
    }

    /** A benchmark on a backend, with the warm-up and timed runs to do. */
    interface Bench {
        ModelBenchmark.Result run(Backend backend, int warmup, int iterations);
    }

    /**
     * Runs {@code bench} on the chosen backend and reports it; then, unless {@code --compare none}, once more
     * on the compared backend (the CPU backend by default): its time, and the largest difference between the
     * two outputs relative to the compared output's scale, which must stay within {@link BenchOpsCommand#AGREEMENT}.
     * Returns the exit code: 1 when the outputs disagree.
     */
    int run(PrintWriter out, PrintWriter err, Bench bench) throws IOException {
        Plugins plugins = pluginOptions.discover(err);
        BackendChoice tested = BackendChoice.parse(backend);
        String compareSpec = compare != null ? compare : tested.name().equals("cpu") ? "none" : "cpu";
        ModelBenchmark.Result r;
        try (Backend be = tested.create(plugins, threads)) {
            r = bench.run(be, warmup, iterations);
        }
        Map<String, Object> comparison = new LinkedHashMap<>();
        boolean agrees = true;
        if (!compareSpec.equalsIgnoreCase("none")) {
            ModelBenchmark.Result ref;
            try (Backend be = BackendChoice.parse(compareSpec).create(plugins, threads)) {
                ref = bench.run(be, 1, 1);
            }
            double err2 = BackendChoice.maxRelativeError(ref.output(), r.output());
            agrees = err2 <= BenchOpsCommand.AGREEMENT;
            comparison.put("compare_backend", ref.backend());
            comparison.put("compare_seconds", ref.medianSeconds());
            comparison.put("speedup", ref.medianSeconds() / r.medianSeconds());
            comparison.put("max_rel_err", err2);
            comparison.put("agrees", agrees);
        }
        report(out, r, comparison);
        return agrees ? 0 : 1;
    }

    private void report(PrintWriter out, ModelBenchmark.Result r, Map<String, Object> comparison) throws IOException {
        out.printf(Locale.ROOT, "%s %s batch %d, %dx%d latents, %s weights, backend %s%n", r.benchmark(), r.config(),
                r.batch(), r.size(), r.size(), r.dtype(), r.backend());
        out.printf(Locale.ROOT, "  median %.3f s, min %.3f s over %d runs (setup %.1f s); process CPU %s s per run; load %s%n",
                r.medianSeconds(), r.minSeconds(), r.seconds().length, r.setupSeconds(),
                java.util.Arrays.stream(r.cpuSeconds()).mapToObj(c -> String.format(Locale.ROOT, "%.1f", c)).toList(), r.loadAverage());
        out.printf(Locale.ROOT, "  %.1f GFLOP per run (conv %.1f, linear %.1f, attention %.1f): %.1f GFLOP/s%n",
                r.flops() / 1e9, r.convFlops() / 1e9, r.linearFlops() / 1e9, r.attentionFlops() / 1e9, r.gflopsPerSecond());
        out.printf(Locale.ROOT, "  peak RSS %.2f GiB%n", r.peakRssBytes() / (1024.0 * 1024 * 1024));
        if (r.opSeconds() != null && !r.opSeconds().isEmpty()) {
            StringBuilder sb = new StringBuilder("  time by op (first, counted run):");
            r.opSeconds().entrySet().stream().limit(8).forEach(e -> sb.append(String.format(Locale.ROOT, " %s %.2fs", e.getKey(), e.getValue())));
            out.println(sb);
        }
        if (!comparison.isEmpty()) {
            boolean ok = Boolean.TRUE.equals(comparison.get("agrees"));
            out.printf(Locale.ROOT, "  vs %s: %.3f s (one run), speedup %.2f; output max rel err %.1e: %s%n",
                    comparison.get("compare_backend"), (Double) comparison.get("compare_seconds"), (Double) comparison.get("speedup"),
                    (Double) comparison.get("max_rel_err"), ok ? "agrees within " + BenchOpsCommand.AGREEMENT
                            : "DISAGREES beyond " + BenchOpsCommand.AGREEMENT);
        }
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Map<String, Object> m = new LinkedHashMap<>(r.toJson());
            m.putAll(comparison);
            Files.writeString(json, Json.write(m) + "\n");
            out.println("  written to " + json);
        }
    }
}

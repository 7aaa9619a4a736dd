package jdiffusion.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.BackendProvider;
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

    @Option(names = "--backend", paramLabel = "NAME", description = "Compute backend (default ${DEFAULT-VALUE}).")
    String backend = "cpu";

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

    Backend createBackend(PrintWriter err) {
        Plugins plugins = pluginOptions.discover(err);
        BackendProvider p = plugins.backends().get(backend);
        if (!p.isAvailable()) throw new IllegalArgumentException("backend " + backend + " is not available: " + p.unavailableReason());
        return p.create("", threads);
    }

    void report(PrintWriter out, ModelBenchmark.Result r) throws IOException {
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
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(json, Json.write(r.toJson()) + "\n");
            out.println("  written to " + json);
        }
    }
}

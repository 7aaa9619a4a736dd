package jdiffusion.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import jdiffusion.backends.cpu.CpuBackend;
import jdiffusion.backends.cpu.OpBenchmarks;
import jdiffusion.backends.cpu.PeakFlops;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.BackendProvider;
import jdiffusion.core.json.Json;
import jdiffusion.core.plugin.Plugins;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jdiffusion bench ops}: times conv2d, matmul, linear, attention and the normalisations at SD1.5
 * sizes on a backend and reports GFLOP/s against this machine's measured float32 peak.
 */
@Command(name = "ops", description = {
        "Time the backend's operations at SD1.5 sizes (64x64 latents, batch 2): median of several calls after warm-up.",
        "GFLOP/s are compared with this machine's float32 peak, measured here with independent Vector API FMA chains."})
final class BenchOpsCommand implements Callable<Integer> {

    @Mixin
    PluginOptions pluginOptions;

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "NAME[:OPTIONS]", defaultValue = "cpu",
            description = "Backend to time (default: ${DEFAULT-VALUE}).")
    String backendName;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Worker threads; 0 = the jdiffusion.threads system property, else one per processor.")
    int threads;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as a JSON list of {op, shape, gflops, pct_of_peak, ...}.")
    Path json;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3", description = "Untimed calls per op (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "7", description = "Timed calls per op; the median is reported (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--only", paramLabel = "ID", split = ",",
            description = "Only these cases (ids: conv2d, conv2d_fp16, matmul, linear, linear_fp16, attention, groupnorm, layernorm, silu).")
    List<String> only;

    @Override
    public Integer call() throws IOException {
        if (runs < 1 || warmup < 0 || threads < 0) {
            throw new IllegalArgumentException("--runs must be >= 1, --warmup and --threads >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        Plugins plugins = pluginOptions.discover(spec.commandLine().getErr());
        String name = backendName;
        String options = "";
        int colon = backendName.indexOf(':');
        if (colon >= 0) {
            name = backendName.substring(0, colon);
            options = backendName.substring(colon + 1);
        }
        BackendProvider provider = plugins.backends().get(name);
        if (!provider.isAvailable()) {
            throw new IllegalArgumentException("backend " + name + " is not available: " + provider.unavailableReason());
        }
        List<OpBenchmarks.Case> cases = new ArrayList<>();
        for (OpBenchmarks.Case c : OpBenchmarks.standard()) {
            if (only == null || only.contains(c.id())) cases.add(c);
        }
        if (only != null && cases.size() != only.size()) {
            throw new IllegalArgumentException("unknown case in --only " + only + "; known: "
                    + OpBenchmarks.standard().stream().map(OpBenchmarks.Case::id).toList());
        }
        try (Backend backend = provider.create(options, threads)) {
            int used = backend instanceof CpuBackend cpu ? cpu.threads()
                    : threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            double peak = PeakFlops.measure(used, 3, 250);
            out.printf("backend %s, %d thread(s), %d float lanes per vector; measured float32 peak %.1f GFLOP/s%n",
                    backend.name(), used, PeakFlops.vectorLanes(), peak);
            out.printf("%-12s %-44s %10s %9s %7s%n", "op", "shape", "ms", "GFLOP/s", "% peak");
            List<Object> rows = new ArrayList<>();
            for (OpBenchmarks.Case c : cases) {
                OpBenchmarks.Result r = OpBenchmarks.run(backend, c, warmup, runs);
                out.printf("%-12s %-44s %10.2f %9.1f %7.1f%n", c.id(), c.shape(), r.medianMillis(), r.gflops(),
                        r.percentOf(peak));
                out.flush();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("op", c.op());
                row.put("id", c.id());
                row.put("shape", c.shape());
                row.put("gflops", round(r.gflops()));
                row.put("pct_of_peak", round(r.percentOf(peak)));
                row.put("ms", round(r.medianMillis()));
                row.put("peak_gflops", round(peak));
                row.put("threads", used);
                rows.add(row);
            }
            if (json != null) {
                Files.writeString(json, Json.write(rows) + "\n");
                out.println("wrote " + json);
            }
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}

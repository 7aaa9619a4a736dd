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
import jdiffusion.core.backend.Capability;
import jdiffusion.core.json.Json;
import jdiffusion.core.plugin.Plugins;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jdiffusion bench ops}: times conv2d, matmul, linear, attention and the normalisations at SD1.5
 * sizes on a backend and reports GFLOP/s against this machine's measured float32 peak. With {@code --compare}
 * (by default the CPU backend, when another one is timed) each operation also runs on the second backend with
 * the same inputs: its time and the largest difference of the outputs, which must stay within 1e-4 of the
 * output's scale.
 */
@Command(name = "ops", description = {
        "Time the backend's operations at SD1.5 sizes (64x64 latents, batch 2): median of several calls after warm-up.",
        "GFLOP/s are compared with this machine's float32 peak, measured here with independent Vector API FMA chains.",
        "Another backend (--backend opencl) is also compared with the CPU backend: speed ratio and output agreement.",
        "Convolutions count direct-convolution operations: 3x3 stride-1 ones run as Winograd F(2x2,3x3), so theirs are effective GFLOP/s."})
final class BenchOpsCommand implements Callable<Integer> {

    /** How far a backend's output may stray from the compared backend's, relative to the output's largest magnitude. */
    static final double AGREEMENT = 1e-4;

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

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3", description = "At least this many untimed calls per op (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "2",
            description = "Untimed calls per op continue at least this long, so the JIT has compiled the kernels (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "7", description = "Timed calls per op; the median is reported (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--compare", paramLabel = "NAME[:OPTIONS]",
            description = "Also run each op on this backend and compare time and outputs (default: cpu when --backend is not cpu; none to skip).")
    String compareName;

    @Option(names = "--only", paramLabel = "ID", split = ",",
            description = "Only these cases (ids: conv2d, conv2d_fp16, conv2d_s2, matmul, linear, linear_fp16, attention, groupnorm, layernorm, silu).")
    List<String> only;

    @Override
    public Integer call() throws IOException {
        if (runs < 1 || warmup < 0 || threads < 0 || warmupSeconds < 0) {
            throw new IllegalArgumentException("--runs must be >= 1, --warmup, --warmup-seconds and --threads >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        Plugins plugins = pluginOptions.discover(spec.commandLine().getErr());
        BackendChoice tested = BackendChoice.parse(backendName);
        String compareSpec = compareName != null ? compareName : tested.name().equals("cpu") ? "none" : "cpu";
        BackendChoice reference = compareSpec.equalsIgnoreCase("none") ? null : BackendChoice.parse(compareSpec);
        List<OpBenchmarks.Case> cases = new ArrayList<>();
        for (OpBenchmarks.Case c : OpBenchmarks.standard()) {
            if (only == null || only.contains(c.id())) cases.add(c);
        }
        if (only != null && cases.size() != only.size()) {
            throw new IllegalArgumentException("unknown case in --only " + only + "; known: "
                    + OpBenchmarks.standard().stream().map(OpBenchmarks.Case::id).toList());
        }
        boolean agree = true;
        try (Backend backend = tested.create(plugins, threads);
             Backend ref = reference == null ? null : reference.create(plugins, threads)) {
            int used = backend instanceof CpuBackend cpu ? cpu.threads()
                    : threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            double peak = PeakFlops.measure(used, 5, 200);
            // A device's speed has nothing to do with this machine's CPU peak.
            boolean onDevice = backend.capabilities().contains(Capability.DEVICE_MEMORY);
            out.printf("backend %s, %d thread(s), %d float lanes per vector; measured float32 peak %.1f GFLOP/s%s%n",
                    backend.name(), used, PeakFlops.vectorLanes(), peak, onDevice ? " (CPU; not compared with device speed)" : "");
            if (ref != null) out.printf("compared with backend %s: its time per op, and the largest output difference relative to its output's scale%n", ref.name());
            out.printf("%-12s %-44s %10s %9s %7s", "op", "shape", "ms", "GFLOP/s", "% peak");
            if (ref != null) out.printf(" %10s %8s %9s", ref.name() + " ms", "speedup", "rel err");
            out.println();
            List<Object> rows = new ArrayList<>();
            for (OpBenchmarks.Case c : cases) {
                OpBenchmarks.Result r = OpBenchmarks.run(backend, c, warmup, (long) (warmupSeconds * 1000), runs);
                String kernel = backend.lastOperationNote();
                out.printf("%-12s %-44s %10.2f %9.1f %7s", c.id(), c.shape(), r.medianMillis(), r.gflops(),
                        onDevice ? "-" : String.format(java.util.Locale.ROOT, "%.1f", r.percentOf(peak)));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("op", c.op());
                row.put("id", c.id());
                row.put("shape", c.shape());
                row.put("backend", backend.name());
                row.put("gflops", round(r.gflops()));
                row.put("pct_of_peak", onDevice ? null : round(r.percentOf(peak)));
                row.put("ms", round(r.medianMillis()));
                row.put("peak_gflops", round(peak));
                row.put("threads", used);
                if (ref != null) {
                    OpBenchmarks.Result rr = OpBenchmarks.run(ref, c, warmup, (long) (warmupSeconds * 1000), runs);
                    double err = BackendChoice.maxRelativeError(ref.toHost(c.setup().apply(ref).get()),
                            backend.toHost(c.setup().apply(backend).get()));
                    boolean ok = err <= AGREEMENT;
                    agree &= ok;
                    out.printf(" %10.2f %8.2f %9.1e%s", rr.medianMillis(), rr.medianMillis() / r.medianMillis(), err, ok ? "" : " DISAGREES");
                    row.put("compare_backend", ref.name());
                    row.put("compare_ms", round(rr.medianMillis()));
                    row.put("speedup", round(rr.medianMillis() / r.medianMillis()));
                    row.put("max_rel_err", err);
                    row.put("agrees", ok);
                }
                // How the backend ran it, e.g. the kernel variant a device backend chose.
                if (!kernel.isEmpty()) {
                    out.print("  " + kernel);
                    row.put("kernel", kernel);
                }
                out.println();
                out.flush();
                rows.add(row);
            }
            if (ref != null) {
                out.println(agree ? "outputs agree with " + ref.name() + " within " + AGREEMENT + " relative"
                        : "outputs DISAGREE with " + ref.name() + " beyond " + AGREEMENT + " relative (marked above)");
            }
            if (json != null) {
                Files.writeString(json, Json.write(rows) + "\n");
                out.println("wrote " + json);
            }
        }
        return agree ? 0 : 1;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}

package jdiffusion.cli;

import java.util.concurrent.Callable;
import jdiffusion.models.bench.ModelBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Seconds per VAE decode at SD's VAE config, with seeded random weights. */
@Command(name = "vae", description = "Time one VAE decode (random weights at SD's real VAE config).")
final class BenchVaeCommand implements Callable<Integer> {

    @Option(names = "--tiled", description = "Decode in overlapping tiles (bounded memory for large images).")
    boolean tiled;

    @Mixin
    ModelBenchOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        options.batch = options.batch == 2 && !batchGiven() ? 1 : options.batch;
        options.check();
        return options.run(spec.commandLine().getOut(), spec.commandLine().getErr(),
                (be, warmup, iterations) -> ModelBenchmark.vaeDecode(options.batch, options.size, options.dtype(), be, warmup, iterations, tiled));
    }

    private boolean batchGiven() {
        return spec.commandLine().getParseResult().hasMatchedOption("--batch");
    }
}

package jdiffusion.cli;

import java.util.concurrent.Callable;
import jdiffusion.models.bench.ModelBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Seconds per UNet forward pass at a real model's config, with seeded random weights. */
@Command(name = "unet", description = {"Time one UNet forward pass (random weights at SD 1.5 / 2.1 / XL's real config, or the tiny SD 1.5-shaped test UNet).",
        "With another backend than cpu the same pass also runs on the CPU backend: time ratio and output agreement (--compare)."})
final class BenchUnetCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "NAME", description = "sd15, sd21, sdxl or sd15-tiny (default ${DEFAULT-VALUE}).")
    String config = "sd15";

    @Mixin
    ModelBenchOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        options.check();
        return options.run(spec.commandLine().getOut(), spec.commandLine().getErr(),
                (be, warmup, iterations) -> ModelBenchmark.unet(config, options.batch, options.size, options.dtype(), be, warmup, iterations));
    }
}

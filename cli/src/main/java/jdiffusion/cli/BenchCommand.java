package jdiffusion.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Benchmarks: speed is measured here, never in tests. */
@Command(name = "bench", description = "Measure speed: UNet forward, VAE decode.",
        subcommands = {BenchUnetCommand.class, BenchVaeCommand.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

package jdiffusion.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jdiffusion bench}: the parent of the benchmark subcommands ({@code ops}, ...). */
@Command(name = "bench",
        description = "Measure speed: bench ops times the backend's operations at Stable Diffusion 1.5 sizes.",
        subcommands = {BenchOpsCommand.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

package jdiffusion.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jdiffusion bench}: the parent of the benchmark subcommands; speed is measured here, never in tests. */
@Command(name = "bench",
        description = "Measure speed: bench ops times the backend's operations at Stable Diffusion 1.5 sizes; "
                + "bench unet and bench vae time the networks with random weights.",
        subcommands = {BenchOpsCommand.class, BenchUnetCommand.class, BenchVaeCommand.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

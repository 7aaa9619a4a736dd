package jdiffusion.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jdiffusion bench}: the parent of the benchmark subcommands ({@code ops}, {@code unet}, {@code vae}). */
@Command(name = "bench",
        description = "Measure speed: bench ops times the backend's operations at Stable Diffusion 1.5 sizes; "
                + "bench unet / bench vae time whole networks at real configs.",
        subcommands = {BenchOpsCommand.class, BenchUnetCommand.class, BenchVaeCommand.class})
final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

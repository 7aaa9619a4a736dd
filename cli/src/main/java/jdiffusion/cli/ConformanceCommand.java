package jdiffusion.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import jdiffusion.core.conformance.ConformanceGroup;
import jdiffusion.core.conformance.ConformanceReport;
import jdiffusion.core.conformance.ConformanceSuite;
import jdiffusion.core.plugin.Plugins;
import jdiffusion.core.plugin.Provided;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs every reference case found beneath a folder against jdiffusion: each conformance suite
 * (schedulers, samplers, models, ...) finds the sets it understands, at any depth.
 */
@Command(name = "conformance",
        description = "Prove parity with the reference implementations: run every reference case found beneath --refdata.")
final class ConformanceCommand implements Callable<Integer> {

    @Option(names = "--refdata", required = true, paramLabel = "DIR", description = "Folder to search for reference sets.")
    Path refdata;

    @Option(names = {"-v", "--verbose"}, description = "Print every case, not only failures.")
    boolean verbose;

    @Mixin
    PluginOptions pluginOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.isDirectory(refdata)) {
            throw new IllegalArgumentException("--refdata " + refdata + " is not a folder");
        }
        Plugins plugins = pluginOptions.discover(spec.commandLine().getErr());
        var stream = new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                out.write(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8));
            }

            @Override
            public void flush() {
                out.flush();
            }
        }, true, java.nio.charset.StandardCharsets.UTF_8);
        ConformanceReport report = new ConformanceReport(stream, verbose);
        int groups = 0;
        for (Provided<ConformanceSuite> p : plugins.registry(ConformanceSuite.class).entries()) {
            for (ConformanceGroup g : p.plugin().discover(refdata)) {
                report.run(g);
                groups++;
            }
        }
        if (groups == 0) {
            out.println("no reference sets found beneath " + refdata);
        }
        report.finish();
        stream.flush();
        return report.failed() == 0 && groups > 0 ? 0 : 1;
    }
}

package jdiffusion.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import jdiffusion.core.Named;
import jdiffusion.core.plugin.Plugins;
import jdiffusion.core.plugin.Provided;
import jdiffusion.core.plugin.Registry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Lists the samplers and sigma schedules by the names users choose them by, one line each. */
@Command(name = "samplers", description = "List the samplers and sigma schedules, one line each (other accepted names in parentheses).")
final class SamplersCommand implements Callable<Integer> {

    @Mixin
    PluginOptions pluginOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Plugins plugins = pluginOptions.discover(spec.commandLine().getErr());
        print(out, "samplers", plugins.samplers());
        out.println();
        print(out, "schedules", plugins.schedules());
        out.flush();
        return 0;
    }

    private static <T extends Named> void print(PrintWriter out, String title, Registry<T> registry) {
        out.println(title + " (" + registry.entries().size() + "):");
        int width = 4;
        for (Provided<T> p : registry.entries()) width = Math.max(width, p.plugin().name().length());
        for (Provided<T> p : registry.entries()) {
            T t = p.plugin();
            String aliases = t.aliases().isEmpty() ? "" : " (" + String.join(", ", t.aliases()) + ")";
            out.printf("  %-" + width + "s %s%s%n", t.name(), t.description(), aliases);
        }
    }
}

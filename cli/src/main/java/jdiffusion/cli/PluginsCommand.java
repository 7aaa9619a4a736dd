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

/** Lists every plugin jdiffusion found, by kind, with the module or jar it came from. */
@Command(name = "plugins", description = "List every sampler, schedule, scheduler, backend, ... found, and where each came from.")
final class PluginsCommand implements Callable<Integer> {

    @Mixin
    PluginOptions pluginOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Plugins plugins = pluginOptions.discover(spec.commandLine().getErr());
        for (Registry<?> r : plugins.registries()) {
            print(out, r);
        }
        if (!plugins.jars().isEmpty()) {
            out.println("plugin jars:");
            for (Plugins.PluginJar j : plugins.jars()) {
                out.println("  " + j.file() + " (module " + j.module() + ")");
            }
        }
        if (!plugins.problems().isEmpty()) {
            out.println("problems (skipped):");
            plugins.problems().forEach(p -> out.println("  " + p));
        }
        return 0;
    }

    private static <T extends Named> void print(PrintWriter out, Registry<T> r) {
        out.println(plural(r.kind()) + " (" + r.entries().size() + "):");
        if (r.entries().isEmpty()) {
            out.println("  (none)");
        }
        for (Provided<T> p : r.entries()) {
            T t = p.plugin();
            String aliases = t.aliases().isEmpty() ? "" : " (also " + String.join(", ", t.aliases()) + ")";
            out.printf("  %-28s %-32s %s%s%n", t.name(), p.origin(), t.description(), aliases);
        }
    }

    private static String plural(String kind) {
        return kind.endsWith("s") ? kind : kind + "s";
    }
}

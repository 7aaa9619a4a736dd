package jdiffusion.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.plugin.PluginProblem;
import jdiffusion.core.plugin.Plugins;
import picocli.CommandLine.Option;

/** The {@code --plugins DIR} option every command that looks things up by name shares. */
final class PluginOptions {

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "A folder of plugin jars (repeatable). ~/.jdiffusion/plugins is always searched when it exists.")
    List<Path> pluginDirectories = new ArrayList<>();

    /** Discovers built-ins and plugin jars, printing each problem as a warning. */
    Plugins discover(java.io.PrintWriter err) {
        List<Path> dirs = new ArrayList<>(pluginDirectories);
        Path home = Plugins.defaultPluginDirectory();
        if (!dirs.contains(home)) dirs.add(home);
        Plugins plugins = Plugins.discover(dirs);
        for (PluginProblem p : plugins.problems()) {
            err.println("warning: plugin skipped: " + p);
        }
        return plugins;
    }
}

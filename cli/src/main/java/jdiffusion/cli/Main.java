package jdiffusion.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jdiffusion} command: Stable Diffusion in pure Java. */
@Command(name = "jdiffusion",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Stable Diffusion in pure Java.",
        subcommands = {
                PluginsCommand.class,
                GenerateCommand.class,
                ConformanceCommand.class,
                InspectCommand.class,
                BenchCommand.class,
                DemoCommand.class,
                SamplersCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command with the given streams and returns its exit code (for embedding and tests). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("jdiffusion: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (Boolean.getBoolean("jdiffusion.debug")) ex.printStackTrace(commandLine.getErr());
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest, or "development". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"jdiffusion " + (v == null ? "(development build)" : v)
                    + " on Java " + Runtime.version()};
        }
    }
}

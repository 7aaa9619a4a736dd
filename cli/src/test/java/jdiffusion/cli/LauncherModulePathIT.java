package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command on the module path, as the launcher runs it: built-in plugins come from named
 * modules, and a plugin jar dropped into the plugins folder is loaded into its own module layer.
 */
class LauncherModulePathIT {

    record Run(int code, String out, String err) {
    }

    static Run jdiffusion(String... args) throws IOException, InterruptedException {
        String javaExe = ProcessHandle.current().info().command().orElse("java");
        String modulePath = System.getProperty("jdiffusion.modulePath");
        List<String> cmd = new ArrayList<>(List.of(javaExe, "--module-path", modulePath,
                "-m", "jdiffusion.cli/jdiffusion.cli.Main"));
        cmd.addAll(List.of(args));
        Path errFile = Files.createTempFile("jdiffusion-it", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            String err = Files.readString(errFile, StandardCharsets.UTF_8);
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), err);
        } finally {
            Files.deleteIfExists(errFile);
        }
    }

    @Test
    void builtInsComeFromNamedModules() throws Exception {
        Run r = jdiffusion("plugins");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*euler\\s+jdiffusion\\.samplers.*"), r.out());
        assertTrue(r.out().matches("(?s).*karras\\s+jdiffusion\\.schedulers.*"), r.out());
    }

    @Test
    void theModulePathProvidesEveryPluginTheServiceFilesList() throws Exception {
        // module-info `provides` and META-INF/services must name the same providers: what the class path
        // finds here (service files) must also be listed by the packaged command (module descriptors).
        Run r = jdiffusion("plugins");
        assertEquals(0, r.code(), r.err());
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (String line : r.out().split("\\R")) {
            if (line.startsWith("  ") && !line.isBlank()) listed.add(line.trim().split("\\s+")[0]);
        }
        for (var registry : jdiffusion.core.plugin.Plugins.builtIn().registries()) {
            for (String name : registry.names()) {
                assertTrue(listed.contains(name), registry.kind() + " \"" + name
                        + "\" is in META-INF/services but not provided on the module path:\n" + r.out());
            }
        }
    }

    @Test
    void aPluginJarLoadsIntoItsOwnLayerBesideACorruptOne(@TempDir Path dir) throws Exception {
        PluginJars.copyExamplePlugin(dir);
        PluginJars.writeCorruptJar(dir);
        Run r = jdiffusion("plugins", "--plugins", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*ralston\\s+sample-sampler-plugin\\.jar.*"), r.out());
        assertTrue(r.out().contains("module jdiffusion.example.sampler"), r.out());
        assertTrue(r.err().contains("broken.jar"), r.err());
    }
}

package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import jdiffusion.core.plugin.Plugins;
import jdiffusion.core.sampling.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugin discovery in-process (jdiffusion on the class path: each plugin jar gets its own class loader). */
class PluginsCommandTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theExamplePluginIsNotBuiltIn() {
        assertTrue(Plugins.builtIn().samplers().find("ralston").isEmpty(),
                "the example plugin must not be on the test class path");
    }

    @Test
    void listsBuiltInProvidersWithTheirOrigin() {
        Run r = run("plugins");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("samplers ("), r.out());
        assertTrue(r.out().contains("euler"), r.out());
        assertTrue(r.out().contains("karras"), r.out());
        assertTrue(r.out().contains("opencl"), r.out());
    }

    @Test
    void findsAPluginJarByNameThroughThePluginsFolder(@TempDir Path dir) throws Exception {
        PluginJars.copyExamplePlugin(dir);
        Plugins plugins = Plugins.discover(java.util.List.of(dir));
        Sampler ralston = plugins.samplers().get("ralston");
        assertEquals("jdiffusion.example.sampler.RalstonSampler", ralston.getClass().getName());
        assertEquals("sample-sampler-plugin.jar", plugins.samplers().origin("ralston").orElseThrow());

        Run r = run("plugins", "--plugins", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*ralston\\s+sample-sampler-plugin\\.jar.*"), r.out());
    }

    @Test
    void aCorruptJarIsReportedByNameAndTheOthersStillLoad(@TempDir Path dir) throws Exception {
        PluginJars.copyExamplePlugin(dir);
        PluginJars.writeCorruptJar(dir);
        PluginJars.writeJarWithMissingProvider(dir);
        Plugins plugins = Plugins.discover(java.util.List.of(dir));
        assertTrue(plugins.samplers().find("ralston").isPresent());
        assertTrue(plugins.problems().stream().anyMatch(p -> p.origin().equals("broken.jar")), plugins.problems().toString());
        assertTrue(plugins.problems().stream().anyMatch(p -> p.origin().equals("missing-provider.jar")
                && p.message().contains("com.example.DoesNotExist")), plugins.problems().toString());

        Run r = run("plugins", "--plugins", dir.toString());
        assertEquals(0, r.code());
        assertTrue(r.err().contains("broken.jar"), r.err());
        assertTrue(r.out().contains("ralston"), r.out());
        assertFalse(r.out().lines().anyMatch(l -> l.trim().startsWith("DoesNotExist")));
    }
}

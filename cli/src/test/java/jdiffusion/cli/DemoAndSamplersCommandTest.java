package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdiffusion.core.plugin.Plugins;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code samplers} listing and the {@code demo}'s outputs. */
class DemoAndSamplersCommandTest {

    @Test
    void samplersListsEverySamplerAndScheduleOnOneLineEach() {
        PluginsCommandTest.Run r = PluginsCommandTest.run("samplers");
        assertEquals(0, r.code(), r.err());
        Plugins plugins = Plugins.builtIn();
        List<String> lines = r.out().lines().toList();
        for (String name : plugins.samplers().names()) {
            assertEquals(1, lines.stream().filter(l -> l.trim().startsWith(name + " ")).count(), "one line for sampler " + name);
        }
        for (String name : plugins.schedules().names()) {
            assertEquals(1, lines.stream().filter(l -> l.trim().startsWith(name + " ")).count(), "one line for schedule " + name);
        }
        assertTrue(r.out().contains("(euler_ancestral)"), "ComfyUI names are shown as aliases: " + r.out());
    }

    @Test
    void demoWritesItsFiguresAndTableAndNeverOverwritesSilently(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("demo");
        PluginsCommandTest.Run r = PluginsCommandTest.run("demo", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("training-images.png", "forward-process.png", "reverse-process.png", "error-vs-steps.png")) {
            byte[] png = Files.readAllBytes(out.resolve(f));
            assertTrue(png.length > 1000 && (png[0] & 0xff) == 0x89 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', f + " is a PNG");
        }
        List<String> csv = Files.readAllLines(out.resolve("error-vs-steps.csv"));
        assertEquals("sampler,steps,model_evaluations,ode_error_rms,nearest_image_rms", csv.get(0));
        double euler5 = odeError(csv, "euler", 5);
        double euler100 = odeError(csv, "euler", 100);
        double heun100 = odeError(csv, "heun", 100);
        assertTrue(euler100 < euler5 / 5, "Euler converges: " + euler5 + " -> " + euler100);
        assertTrue(heun100 < euler100 / 5, "Heun beats Euler at 100 steps: " + heun100 + " vs " + euler100);
        assertTrue(r.out().contains("ode error"), "the table is printed: " + r.out());

        PluginsCommandTest.Run again = PluginsCommandTest.run("demo", "--out", out.toString());
        assertTrue(again.code() != 0, "a second run into the same folder must fail");
        assertTrue(again.err().contains("already holds files"), again.err());
    }

    private static double odeError(List<String> csv, String sampler, int steps) {
        for (String line : csv) {
            String[] f = line.split(",", -1);
            if (f[0].equals(sampler) && f[1].equals(Integer.toString(steps))) return Double.parseDouble(f[3]);
        }
        throw new AssertionError("no row " + sampler + " " + steps);
    }
}

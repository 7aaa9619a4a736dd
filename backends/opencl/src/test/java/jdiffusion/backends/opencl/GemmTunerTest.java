package jdiffusion.backends.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuner's decisions, on a simulated device whose variants take known times: the fastest runnable variant
 * wins, failures and unrunnable variants are skipped, small or slow products and a spent budget keep the
 * default, and choices come back from the file without timing again.
 */
class GemmTunerTest {

    private static final GemmVariant CLASSIC = GemmVariant.named("classic64");
    private static final GemmVariant BIG = GemmVariant.named("t128x128_k8_8x8");
    private static final GemmVariant MID = GemmVariant.named("t64x64_k16_4x4");
    private static final GemmVariant WIDE = GemmVariant.named("t64x128_k8_8x8");
    private static final List<GemmVariant> UNIVERSE = List.of(CLASSIC, BIG, MID, WIDE);

    /** A device where a launch of each variant advances a clock by its cost (seconds); finish is free. */
    private static final class FakeDevice implements GemmTuner.Device {
        final long[] now = {0};
        final Map<GemmVariant, Double> cost = new HashMap<>();
        final Set<GemmVariant> failing = new java.util.HashSet<>();
        final List<GemmVariant> launches = new ArrayList<>();

        @Override
        public void launch(GemmVariant v) {
            if (failing.contains(v)) throw new OpenClException("clEnqueueNDRangeKernel", -5, v.name(), null);
            launches.add(v);
            now[0] += (long) (cost.getOrDefault(v, 1e-3) * 1e9);
        }

        @Override
        public void finish() {
        }
    }

    private static GemmTuner.Settings settings(Path dir) {
        return new GemmTuner.Settings(true, 1e6, 1.0, 60, dir, false);
    }

    private static GemmTuner tuner(GemmTuner.Settings s, FakeDevice d, PrintStream log) {
        return new GemmTuner(s, "test-device", UNIVERSE, () -> d.now[0], log);
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    @Test
    void theFastestRunnableVariantIsChosenAndKeptForItsProductClass() {
        FakeDevice d = new FakeDevice();
        d.cost.putAll(Map.of(CLASSIC, 4e-3, BIG, 1e-3, MID, 2e-3, WIDE, 0.5e-3));
        GemmTuner t = tuner(settings(null), d, quiet());
        GemmTuner.Choice c = t.choose("NN f32/f32 v4/4 512x512x512 b1", 2.7e8, CLASSIC, v -> v != WIDE, d);
        assertEquals(BIG, c.variant(), "WIDE is faster but cannot run this class");
        assertEquals("tuned", c.how());
        assertFalse(d.launches.contains(WIDE));
        int launches = d.launches.size();
        assertEquals(BIG, t.choose("NN f32/f32 v4/4 512x512x512 b1", 2.7e8, CLASSIC, v -> true, d).variant());
        assertEquals(launches, d.launches.size(), "a tuned class is not timed again");
        assertEquals(WIDE, t.choose("NN f32/f32 v4/4 512x512x256 b1", 1.3e8, CLASSIC, v -> true, d).variant(),
                "another class is tuned on its own");
    }

    @Test
    void aVariantThatFailsToLaunchIsSkipped() {
        FakeDevice d = new FakeDevice();
        d.cost.putAll(Map.of(CLASSIC, 4e-3, BIG, 1e-3, MID, 2e-3, WIDE, 3e-3));
        d.failing.add(BIG);
        GemmTuner t = tuner(settings(null), d, quiet());
        assertEquals(MID, t.choose("k", 1e9, CLASSIC, v -> true, d).variant());
    }

    @Test
    void smallProductsAndDisabledTuningKeepTheDefaultWithoutTiming() {
        FakeDevice d = new FakeDevice();
        GemmTuner t = tuner(settings(null), d, quiet());
        GemmTuner.Choice small = t.choose("small", 1e5, CLASSIC, v -> true, d);
        assertEquals(CLASSIC, small.variant());
        assertTrue(small.how().startsWith("default"), small.how());
        GemmTuner off = tuner(new GemmTuner.Settings(false, 0, 1, 60, null, false), d, quiet());
        assertEquals(CLASSIC, off.choose("big", 1e12, CLASSIC, v -> true, d).variant());
        assertTrue(d.launches.isEmpty(), "nothing was timed: " + d.launches);
    }

    @Test
    void productsTooSlowToTuneWithinTheBudgetKeepTheDefault() {
        FakeDevice d = new FakeDevice();
        d.cost.putAll(Map.of(CLASSIC, 0.2, BIG, 0.01));
        GemmTuner t = tuner(settings(null), d, quiet());
        GemmTuner.Choice c = t.choose("slow", 1e10, CLASSIC, v -> true, d);
        assertEquals(CLASSIC, c.variant(), "one launch of the default shows tuning would take longer than a second");
        assertEquals(List.of(CLASSIC), d.launches);
        // The device's measured speed predicts the next big product's cost: no launch at all.
        GemmTuner.Choice next = t.choose("slower", 4e10, CLASSIC, v -> true, d);
        assertEquals(CLASSIC, next.variant());
        assertEquals(1, d.launches.size());
    }

    @Test
    void onceTheTotalBudgetIsSpentTheDefaultIsUsed() {
        FakeDevice d = new FakeDevice();
        d.cost.putAll(Map.of(CLASSIC, 2e-3, BIG, 1e-3, MID, 1e-3, WIDE, 1e-3));
        GemmTuner t = tuner(new GemmTuner.Settings(true, 0, 1, 0.01, null, false), d, quiet());
        assertEquals(BIG, t.choose("first", 1e9, CLASSIC, v -> true, d).variant());
        assertTrue(t.spentSeconds() >= 0.01, "tuning took " + t.spentSeconds());
        GemmTuner.Choice c = t.choose("second", 1e9, CLASSIC, v -> true, d);
        assertEquals(CLASSIC, c.variant());
        assertTrue(c.how().contains("budget"), c.how());
    }

    @Test
    void choicesAreKeptInTheFileAndReusedByTheNextProcess(@TempDir Path dir) throws IOException {
        FakeDevice d = new FakeDevice();
        d.cost.putAll(Map.of(CLASSIC, 4e-3, BIG, 3e-3, MID, 1e-3, WIDE, 2e-3));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        GemmTuner first = new GemmTuner(new GemmTuner.Settings(true, 0, 1, 60, dir, true), "dev", UNIVERSE,
                () -> d.now[0], new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(MID, first.choose("CONV f32/f16 v4/1 320x4096x2880 b2", 1e10, CLASSIC, v -> true, d).variant());
        String printed = log.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("classic64 2500,") && printed.contains("-> t64x64_k16_4x4 1.000 ms"), printed);
        String file = Files.readString(dir.resolve("dev.txt"));
        assertTrue(file.contains("CONV f32/f16 v4/1 320x4096x2880 b2 = t64x64_k16_4x4"), file);

        FakeDevice d2 = new FakeDevice();
        GemmTuner second = new GemmTuner(new GemmTuner.Settings(true, 0, 1, 60, dir, false), "dev", UNIVERSE,
                () -> d2.now[0], quiet());
        GemmTuner.Choice c = second.choose("CONV f32/f16 v4/1 320x4096x2880 b2", 1e10, CLASSIC, v -> true, d2);
        assertEquals(MID, c.variant());
        assertEquals("tuned earlier", c.how());
        assertTrue(d2.launches.isEmpty());
        // A stored variant this device cannot run any more is tuned afresh.
        FakeDevice d3 = new FakeDevice();
        d3.cost.putAll(Map.of(CLASSIC, 4e-3, BIG, 3e-3, MID, 1e-3, WIDE, 2e-3));
        GemmTuner third = new GemmTuner(new GemmTuner.Settings(true, 0, 1, 60, dir, false), "dev", UNIVERSE,
                () -> d3.now[0], quiet());
        assertEquals(WIDE, third.choose("CONV f32/f16 v4/1 320x4096x2880 b2", 1e10, CLASSIC, v -> v != MID, d3).variant());
    }
}

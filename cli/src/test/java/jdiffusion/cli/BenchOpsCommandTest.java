package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jdiffusion.core.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code bench ops} command's output contract (not its numbers: speed is not asserted in tests). */
class BenchOpsCommandTest {

    @Test
    void writesOneJsonEntryPerCaseWithGflopsAndPercentOfPeak(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("ops.json");
        PluginsCommandTest.Run r = PluginsCommandTest.run("bench", "ops", "--only", "silu,groupnorm", "--warmup", "0", "--warmup-seconds", "0",
                "--runs", "1", "--threads", "2", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("measured float32 peak"), r.out());
        List<?> rows = (List<?>) Json.read(json);
        assertEquals(2, rows.size());
        for (Object o : rows) {
            Map<?, ?> row = (Map<?, ?>) o;
            assertTrue(row.get("op") instanceof String, row.toString());
            assertTrue(row.get("shape") instanceof String, row.toString());
            assertTrue(((Number) row.get("gflops")).doubleValue() > 0, row.toString());
            assertTrue(((Number) row.get("pct_of_peak")).doubleValue() > 0, row.toString());
            assertEquals(2, ((Number) row.get("threads")).intValue());
        }
    }

    @Test
    void anUnknownCaseIsRejectedListingTheKnownOnes() {
        PluginsCommandTest.Run r = PluginsCommandTest.run("bench", "ops", "--only", "convolution");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("conv2d") && r.err().contains("convolution"), r.err());
    }
}

package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import jdiffusion.core.backend.BackendProvider;
import jdiffusion.core.json.Json;
import jdiffusion.core.plugin.Plugins;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench unet --backend opencl}: a whole UNet forward pass (the tiny SD 1.5-shaped UNet) on the OpenCL
 * device, timed and compared with the same pass on the CPU backend. Skipped with the reason where no OpenCL
 * platform exists; a failure under CI=true.
 */
class BenchUnetBackendComparisonTest {

    @Test
    void unetOnAnotherBackendAgreesWithTheCpuBackend(@TempDir Path dir) throws Exception {
        BackendProvider opencl = Plugins.builtIn().backends().get("opencl");
        if (!opencl.isAvailable()) {
            String why = "OpenCL bench test skipped: " + opencl.unavailableReason();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) Assertions.fail("CI=true but " + why);
            Assumptions.abort(why);
        }
        Path json = dir.resolve("unet.json");
        PluginsCommandTest.Run r = PluginsCommandTest.run("bench", "unet", "--config", "sd15-tiny", "--backend", "opencl",
                "--size", "16", "--batch", "2", "--warmup", "1", "--iterations", "1", "--threads", "2", "--json", json.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("vs cpu") && r.out().contains("agrees within 1.0E-4"), r.out());
        Map<?, ?> m = (Map<?, ?>) Json.read(json);
        assertEquals("cpu", m.get("compare_backend"), m.toString());
        assertEquals(Boolean.TRUE, m.get("agrees"), m.toString());
        assertTrue(((Number) m.get("max_rel_err")).doubleValue() <= 1e-4, m.toString());
        assertTrue(String.valueOf(m.get("backend")).startsWith("opencl:"), m.toString());
    }
}

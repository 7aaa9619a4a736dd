package jdiffusion.backends.tornadovm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.conformance.ConformanceGroup;
import jdiffusion.models.conformance.ModelConformanceSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The tiny models' parity with diffusers / transformers (UNet SD1/SD2/SDXL, VAE with float32 and float16
 * weights, CLIP text encoders, the single-file checkpoint) with every network running on the TornadoVM device:
 * the model conformance suite's own cases and tolerances.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TornadoVmModelParityTest {

    private Backend tornado;

    @BeforeAll
    void open() {
        tornado = new TornadoVmBackendProvider().create(System.getProperty("jdiffusion.test.tornadovm", ""), 0);
    }

    @AfterAll
    void close() {
        if (tornado != null) tornado.close();
    }

    @Test
    void tinyModelsMatchTheReferenceThroughTornadoVm() throws IOException {
        Path refdata = Path.of(System.getProperty("jdiffusion.test.modelRefdata", "../../models/src/test/resources/refdata/models"));
        assertTrue(Files.isDirectory(refdata), "model reference data missing at " + refdata.toAbsolutePath());
        Map<String, String> outcome = new TreeMap<>();
        StringBuilder failures = new StringBuilder();
        int passed = 0;
        for (ConformanceGroup g : new ModelConformanceSuite().withBackend(tornado).discover(refdata)) {
            for (ConformanceCase c : g.cases()) {
                CaseResult r = c.run();
                outcome.merge(g.name(), r.outcome().name(), (a, b) -> a.equals(b) ? a : a + "," + b);
                if (r.outcome() == CaseResult.Outcome.PASSED) passed++;
                if (r.outcome() == CaseResult.Outcome.FAILED) {
                    failures.append(g.name()).append(' ').append(c.id()).append(": ").append(r.detail()).append('\n');
                }
            }
        }
        assertTrue(failures.isEmpty(), "on " + tornado.name() + ":\n" + failures);
        for (String model : new String[]{"unet-sd15-tiny", "unet-sd2-tiny", "unet-sdxl-tiny", "vae-tiny",
                "clip-text-sd15-tiny", "clip-text-sdxl-g-tiny", "single-file-sd15-tiny"}) {
            assertEquals("PASSED", outcome.get(model), model + " in " + outcome);
        }
        assertTrue(passed > 0);
        System.err.println("TornadoVM model parity on " + tornado.name() + ": " + passed + " cases passed; " + outcome);
    }
}

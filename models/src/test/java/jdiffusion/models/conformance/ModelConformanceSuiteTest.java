package jdiffusion.models.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.conformance.ConformanceGroup;
import jdiffusion.core.conformance.ConformanceReport;
import jdiffusion.models.testing.TestData;
import org.junit.jupiter.api.Test;

/** Every model reference case in the project's copies of the reference data, as {@code jdiffusion conformance} runs them. */
class ModelConformanceSuiteTest {

    @Test
    void everyModelCasePassesAndOtherSuitesCasesAreLeftToThem() throws IOException {
        List<ConformanceGroup> groups = new ModelConformanceSuite().discover(TestData.models());
        Map<String, String> outcome = new TreeMap<>();
        StringBuilder failures = new StringBuilder();
        for (ConformanceGroup g : groups) {
            for (ConformanceCase c : g.cases()) {
                CaseResult r = c.run();
                outcome.merge(g.name(), r.outcome().name(), (a, b) -> a.equals(b) ? a : a + "," + b);
                if (r.outcome() == CaseResult.Outcome.FAILED) failures.append(g.name()).append(' ').append(c.id()).append(": ").append(r.detail()).append('\n');
            }
        }
        assertTrue(failures.isEmpty(), failures.toString());
        for (String model : List.of("unet-sd15-tiny", "unet-sd2-tiny", "unet-sdxl-tiny", "vae-tiny", "clip-text-sd15-tiny",
                "clip-text-sdxl-g-tiny", "clip-tokenizer", "clip-tokenizer-tiny", "single-file-sd15-tiny")) {
            assertEquals("PASSED", outcome.get(model), model + " in " + outcome);
        }
        // the recorded pipeline run, adapter sets and the ControlNet itself are the pipeline, adapters and
        // controlnet suites' cases
        assertEquals(null, outcome.get("sd15-tiny-pipeline"));
        assertEquals(null, outcome.get("lora-kohya-tiny"));
        assertEquals(null, outcome.get("textual-inversion-tiny"));
        assertTrue(outcome.get("controlnet-tiny") == null || !outcome.get("controlnet-tiny").contains("SKIPPED"));
    }
}

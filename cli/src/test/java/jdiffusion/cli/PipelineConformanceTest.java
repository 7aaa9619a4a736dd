package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceGroup;
import jdiffusion.core.pipeline.PipelineConformanceSuite;
import org.junit.jupiter.api.Test;

/** The pipeline suite finds the recorded diffusers run beside its folder and reproduces it. */
class PipelineConformanceTest {

    @Test
    void theRecordedTinyPipelineRunPassesThroughTheConformanceSuite() throws Exception {
        Path dir = TinyPipeline.folder();
        Files.copy(TinyPipeline.resource("case.json"), dir.resolve("case.json"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(TinyPipeline.RECORDED_RUN, dir.resolve("io.safetensors"), StandardCopyOption.REPLACE_EXISTING);
        List<ConformanceGroup> groups = new PipelineConformanceSuite().discover(dir.getParent());
        assertEquals(1, groups.size());
        assertEquals("sd15-tiny-pipeline", groups.get(0).name());
        CaseResult r = groups.get(0).cases().get(0).run();
        assertTrue(r.passed(), r.detail());
        assertTrue(r.maxRelError() < 2e-4, "max rel err " + r.maxRelError());
    }
}

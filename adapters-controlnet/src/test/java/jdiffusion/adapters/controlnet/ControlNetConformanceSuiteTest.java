package jdiffusion.adapters.controlnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import jdiffusion.adapters.controlnet.conformance.ControlNetConformanceSuite;
import jdiffusion.core.conformance.ConformanceGroup;
import jdiffusion.core.conformance.ConformanceReport;
import org.junit.jupiter.api.Test;

/** {@code jdiffusion conformance} over the project's copy of the ControlNet set. */
class ControlNetConformanceSuiteTest {

    @Test
    void theControlNetReferenceCasesPass() throws Exception {
        ControlNetConformanceSuite suite = new ControlNetConformanceSuite(caseDir -> name -> {
            try {
                return Fixtures.modelFolder(name);
            } catch (java.io.IOException e) {
                return null;
            }
        }).withBackend(Fixtures.BACKEND);
        List<ConformanceGroup> groups = suite.discover(Path.of("src/test/resources/refdata"));
        assertEquals(1, groups.size());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ConformanceReport report = new ConformanceReport(new PrintStream(buf, true, StandardCharsets.UTF_8), true);
        for (ConformanceGroup g : groups) report.run(g);
        report.finish();
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertEquals(2, report.passed(), text);
        assertEquals(0, report.failed() + report.skipped(), text);
    }
}

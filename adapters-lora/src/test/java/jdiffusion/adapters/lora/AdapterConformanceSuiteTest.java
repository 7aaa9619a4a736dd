package jdiffusion.adapters.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdiffusion.adapters.lora.conformance.AdapterConformanceSuite;
import jdiffusion.core.conformance.ConformanceGroup;
import jdiffusion.core.conformance.ConformanceReport;
import org.junit.jupiter.api.Test;

/**
 * {@code jdiffusion conformance} over the project's copies of the adapter sets: every folder is found,
 * every case runs and passes (base networks from the models module's copies).
 */
class AdapterConformanceSuiteTest {

    @Test
    void everyAdapterReferenceCasePasses() throws Exception {
        AdapterConformanceSuite suite = new AdapterConformanceSuite(caseDir -> name -> {
            Path own = Refdata.ROOT.resolve(name);
            if (Files.isDirectory(own)) return own;
            try {
                return Refdata.modelFolder(name);
            } catch (java.io.IOException e) {
                return null;
            }
        }).withBackend(TinyModels.BACKEND);
        List<ConformanceGroup> groups = suite.discover(Refdata.ROOT);
        assertEquals(7, groups.size(), groups.stream().map(ConformanceGroup::name).toList().toString());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ConformanceReport report = new ConformanceReport(new PrintStream(buf, true, StandardCharsets.UTF_8), true);
        for (ConformanceGroup g : groups) report.run(g);
        report.finish();
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertEquals(0, report.failed(), text);
        assertEquals(0, report.skipped(), text);
        assertEquals(43, report.passed(), text);
    }
}

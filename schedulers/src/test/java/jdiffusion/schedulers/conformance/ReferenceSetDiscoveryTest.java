package jdiffusion.schedulers.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.conformance.ConformanceGroup;
import jdiffusion.core.conformance.ConformanceReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceSetDiscoveryTest {

    @Test
    void findsTheReferenceSetFromItsParentFolderAndNamesOneGroupPerClass() throws Exception {
        Path set = DiffusersConformanceTest.referenceSet();
        List<ConformanceGroup> fromSet = new DiffusersSchedulerSuite().discover(set);
        List<ConformanceGroup> fromParent = new DiffusersSchedulerSuite().discover(set.getParent());
        assertEquals(fromSet.stream().map(ConformanceGroup::name).toList(), fromParent.stream().map(ConformanceGroup::name).toList());
        // 21 scheduler classes and the training tables
        assertEquals(22, fromSet.size());
        assertTrue(fromSet.stream().anyMatch(g -> g.name().equals("EulerDiscreteScheduler")));
        assertTrue(fromSet.stream().anyMatch(g -> g.name().equals("alphas_cumprod")));
    }

    @Test
    void findsNothingInAFolderWithoutReferenceSets(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("scheduler"));
        Files.writeString(dir.resolve("scheduler/scheduler_config.json"), "{}");
        assertTrue(new DiffusersSchedulerSuite().discover(dir).isEmpty());
    }

    @Test
    void aCaseWithAnUnknownClassFailsWithoutThrowing(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("schedulers"));
        Files.writeString(dir.resolve("schedulers/NoSuchScheduler.json"), "[{\"id\": \"NoSuchScheduler/x\", \"class\": \"NoSuchScheduler\"}]");
        List<ConformanceGroup> groups = new DiffusersSchedulerSuite().discover(dir);
        assertEquals(1, groups.size());
        List<ConformanceCase> cases = groups.get(0).cases();
        assertEquals(1, cases.size());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConformanceReport report = new ConformanceReport(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        report.run(groups.get(0));
        report.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("no scheduler class NoSuchScheduler"), out);
        assertTrue(out.strip().endsWith("0 passed, 1 failed"), out);
    }
}

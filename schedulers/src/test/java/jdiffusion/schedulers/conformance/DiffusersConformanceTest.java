package jdiffusion.schedulers.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceGroup;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every public reference case of the diffusers scheduler set (copied into the test resources), one dynamic
 * test per case named by its id, run by the same code as {@code jdiffusion conformance}.
 */
class DiffusersConformanceTest {

    static Path referenceSet() {
        try {
            return Path.of(DiffusersConformanceTest.class.getResource("/refdata/diffusers").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicNode> schedulersMatchDiffusersWithReplayedNoise() throws Exception {
        List<ConformanceGroup> groups = new DiffusersSchedulerSuite().discover(referenceSet());
        assertFalse(groups.isEmpty(), "no reference set found in the test resources");
        return groups.stream().map(g -> DynamicContainer.dynamicContainer(g.name(),
                g.cases().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
                    CaseResult r = c.run();
                    assertTrue(r.passed(), () -> c.id() + ": " + r.outcome() + " " + r.detail());
                }))));
    }
}

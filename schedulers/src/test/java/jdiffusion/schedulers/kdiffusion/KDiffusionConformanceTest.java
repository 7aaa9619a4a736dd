package jdiffusion.schedulers.kdiffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.conformance.ConformanceGroup;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every public ComfyUI / k-diffusion reference case (copied gzipped into the test resources) as one dynamic
 * test, named by its id, run by the same code as {@code jdiffusion conformance}.
 */
class KDiffusionConformanceTest {

    static Path referenceData() {
        try {
            return Path.of(KDiffusionConformanceTest.class.getResource("/kdiffusion").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicNode> everyReferenceCaseMatchesComfyUi() {
        List<DynamicNode> nodes = new ArrayList<>();
        for (ConformanceGroup g : new ReferenceSet(referenceData()).groups()) {
            List<DynamicTest> tests = new ArrayList<>();
            for (ConformanceCase c : g.cases()) {
                tests.add(DynamicTest.dynamicTest(c.id(), () -> {
                    CaseResult r = c.run();
                    assertTrue(r.passed(), () -> c.id() + ": " + r.outcome() + " " + r.detail());
                }));
            }
            nodes.add(DynamicContainer.dynamicContainer(g.name(), tests));
        }
        return nodes.stream();
    }

    @Test
    void theSuiteFindsTheSetBeneathAParentFolder() throws Exception {
        List<ConformanceGroup> groups = new KDiffusionConformanceSuite().discover(referenceData().getParent());
        assertFalse(groups.isEmpty());
        assertTrue(groups.stream().anyMatch(g -> g.name().equals("sampler euler_ancestral")));
        assertTrue(groups.stream().anyMatch(g -> g.name().equals("schedule karras")));
        assertEquals(3 + 14 + 42, groups.size(), "model samplings, schedules and samplers of the public set");
    }
}

package jdiffusion.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdiffusion.core.Named;
import org.junit.jupiter.api.Test;

class RegistryTest {

    record Thing(String name, List<String> aliases) implements Named {
    }

    private static Provided<Thing> p(String name, String origin, String... aliases) {
        return new Provided<>(new Thing(name, List.of(aliases)), origin);
    }

    @Test
    void findsByNameAndAliasIgnoringCase() {
        Registry<Thing> r = Registry.of("sampler", List.of(p("euler_a", "m1", "euler_ancestral"), p("euler", "m1")));
        assertEquals("euler_a", r.get("EULER_A").name());
        assertEquals("euler_a", r.get("Euler_Ancestral").name());
        assertEquals(List.of("euler_a", "euler"), r.names());
        assertEquals("m1", r.origin("euler").orElseThrow());
    }

    @Test
    void unknownNameListsTheNamesThatExist() {
        Registry<Thing> r = Registry.of("sampler", List.of(p("euler", "m"), p("heun", "m")));
        UnknownNameException e = assertThrows(UnknownNameException.class, () -> r.get("eulr"));
        assertTrue(e.getMessage().contains("unknown sampler \"eulr\""), e.getMessage());
        assertTrue(e.getMessage().contains("available: euler, heun"), e.getMessage());
        assertTrue(e.getMessage().contains("--plugins"), e.getMessage());
        assertEquals(List.of("euler", "heun"), e.available());
    }

    @Test
    void duplicateNameKeepsTheFirstAndReportsBoth() {
        Provided<Thing> first = p("euler", "builtin");
        Registry<Thing> r = Registry.of("sampler", List.of(first, p("Euler", "plugin.jar")));
        assertSame(first.plugin(), r.get("euler"));
        assertEquals(1, r.problems().size());
        PluginProblem problem = r.problems().get(0);
        assertEquals(PluginProblem.Kind.DUPLICATE_NAME, problem.kind());
        assertTrue(problem.message().contains("builtin") && problem.message().contains("plugin.jar"), problem.message());
    }
}

package jdiffusion.schedulers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import jdiffusion.core.Config;
import jdiffusion.core.ConfigException;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.schedule.SigmaSchedule;
import jdiffusion.schedulers.modelsampling.DiscreteModelSampling;
import jdiffusion.schedulers.modelsampling.FlowModelSampling;
import org.junit.jupiter.api.Test;

/** Behaviour of the schedules beyond the reference data: options, errors, the flow shift, declarations. */
class ScheduleBehaviourTest {

    private static final DiscreteModelSampling SD = DiscreteModelSampling.stableDiffusion(Parameterization.EPSILON);

    private static Config options(Map<String, Object> m) {
        return Config.of("test options", m);
    }

    @Test
    void theServiceDeclarationsListEveryBuiltInSchedule() throws IOException {
        TreeSet<String> builtIn = new TreeSet<>();
        for (SigmaSchedule s : BuiltInSchedules.all()) builtIn.add(s.getClass().getName());
        TreeSet<String> loaded = new TreeSet<>();
        for (SigmaSchedule s : ServiceLoader.load(SigmaSchedule.class)) loaded.add(s.getClass().getName());
        assertEquals(builtIn, loaded, "META-INF/services");
        String moduleInfo = Files.readString(Path.of("src/main/java/module-info.java"));
        for (String name : builtIn) assertTrue(moduleInfo.contains(name), "module-info.java provides " + name);
    }

    @Test
    void anUnknownOptionIsRejectedWithTheKnownOnes() {
        ConfigException e = assertThrows(ConfigException.class, () -> new KarrasSchedule().sigmas(SD, 10, options(Map.of("roh", 7))));
        assertTrue(e.getMessage().contains("roh") && e.getMessage().contains("rho"), e.getMessage());
    }

    @Test
    void karrasHonoursRhoAndTheRange() {
        Sigmas s = new KarrasSchedule().sigmas(SD, 4, options(Map.of("rho", 1.0, "sigma_min", 1.0, "sigma_max", 4.0)));
        assertArrayEquals(new float[] {4f, 3f, 2f, 1f, 0f}, s.toArray(), 1e-6f, "rho 1 is linear in sigma");
    }

    @Test
    void klOptimalRejectsASingleStep() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KlOptimalSchedule().sigmas(SD, 1, options(Map.of())));
        assertTrue(e.getMessage().contains("at least 2 steps"), e.getMessage());
    }

    @Test
    void linearQuadraticNeedsAQuadraticPart() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new LinearQuadraticSchedule().sigmas(SD, 3, options(Map.of("linear_steps", 3L))));
        assertTrue(e.getMessage().contains("linear_steps"), e.getMessage());
    }

    @Test
    void flowShiftIsStaticOrFollowsTheResolution() {
        FlowShiftSchedule flow = new FlowShiftSchedule();
        Sigmas plain = flow.sigmas(null, 4, options(Map.of("shift", 1.0)));
        assertArrayEquals(new float[] {1f, 0.75f, 0.5f, 0.25f, 0f}, plain.toArray(), 1e-6f, "shift 1 is linear in t");
        Sigmas sd3 = flow.sigmas(null, 4, options(Map.of("shift", 3.0)));
        assertEquals(3 * 0.5 / (1 + 2 * 0.5), sd3.get(2), 1e-6, "sigma = 3t / (1 + 2t)");
        double mu = FlowModelSampling.resolutionShift(1024, 1024, 0.5, 1.15);
        assertEquals(1.15, mu, 1e-12, "Flux's shift at 1024 x 1024 is max_shift");
        Sigmas small = flow.sigmas(null, 4, options(Map.of("width", 256L, "height", 256L)));
        Sigmas large = flow.sigmas(null, 4, options(Map.of("width", 1024L, "height", 1024L)));
        assertTrue(large.get(2) > small.get(2), "larger images are shifted further towards noise");
        assertEquals(Math.exp(mu) / (Math.exp(mu) + (1 / 0.5 - 1)), large.get(2), 1e-6);
    }

    @Test
    void customUsesTheGivenSigmas() {
        Sigmas s = new CustomSchedule().sigmas(null, 2, options(Map.of("sigmas", List.of(5.0, 1.0, 0.0))));
        assertArrayEquals(new float[] {5f, 1f, 0f}, s.toArray());
        assertThrows(ConfigException.class, () -> new CustomSchedule().sigmas(null, 3, options(Map.of("sigmas", List.of(5.0, 1.0, 0.0)))));
        assertThrows(ConfigException.class, () -> new CustomSchedule().sigmas(null, 2, options(Map.of("sigmas", List.of(1.0, 5.0, 0.0)))));
    }

    @Test
    void alignYourStepsAndGitsKeepPartOfTheirTableForDenoiseBelowOne() {
        Sigmas full = new AlignYourStepsSchedule().sigmas(null, 10, options(Map.of("model_type", "SDXL")));
        Sigmas half = new AlignYourStepsSchedule().sigmas(null, 10, options(Map.of("model_type", "SDXL", "denoise", 0.5)));
        assertEquals(11, full.size());
        assertEquals(6, half.size());
        assertEquals(full.get(5), half.get(0));
        assertThrows(ConfigException.class, () -> new GitsSchedule().sigmas(null, 10, options(Map.of("coeff", 1.23))));
    }

    @Test
    void comfyUisStableDiffusionTableIsRebuiltFromItsBetaSchedule() {
        assertEquals(0.0291671585f, SD.sigmaMin());
        assertEquals(14.6146412f, SD.sigmaMax());
        assertEquals(999.0, SD.timestep(SD.sigmaMax()));
        // sigma(t) interpolates exp(log sigma) in float32, so it lands within an ulp of the table, not on it.
        assertEquals(SD.sigmaMax(), (float) SD.sigma(999), Math.ulp(SD.sigmaMax()));
    }
}

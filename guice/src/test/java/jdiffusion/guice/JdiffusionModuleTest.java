package jdiffusion.guice;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.List;
import java.util.Map;
import jdiffusion.core.plugin.Plugins;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.schedule.SigmaSchedule;
import jdiffusion.samplers.EulerSampler;
import org.junit.jupiter.api.Test;

class JdiffusionModuleTest {

    @Test
    void bindsDiscoveredProvidersByName() {
        Injector injector = Guice.createInjector(JdiffusionModule.of(Plugins.builtIn()));
        Map<String, Sampler> samplers = injector.getInstance(Key.get(new TypeLiteral<Map<String, Sampler>>() { }));
        assertInstanceOf(EulerSampler.class, samplers.get("euler"));
        Map<String, SigmaSchedule> schedules = injector.getInstance(Key.get(new TypeLiteral<Map<String, SigmaSchedule>>() { }));
        assertTrue(schedules.containsKey("karras"), schedules.keySet().toString());
    }

    @Test
    void rejectsTwoProvidersOfOneNameNamingBoth() {
        JdiffusionModule module = JdiffusionModule.withAdditional(Plugins.builtIn(), Sampler.class,
                List.of(new ImpostorEuler()), "impostor.jar");
        CreationException e = assertThrows(CreationException.class, () -> Guice.createInjector(module));
        String msg = e.getMessage();
        assertTrue(msg.contains("duplicate sampler name \"euler\""), msg);
        assertTrue(msg.contains(EulerSampler.class.getName()) && msg.contains(ImpostorEuler.class.getName()), msg);
        assertTrue(msg.contains("impostor.jar"), msg);
    }

    static final class ImpostorEuler implements Sampler {
        @Override
        public String name() {
            return "Euler";
        }

        @Override
        public float[] sample(jdiffusion.core.sampling.Denoiser d, float[] x, jdiffusion.core.sampling.Sigmas s,
                              jdiffusion.core.sampling.SamplingContext c) {
            return x.clone();
        }
    }
}

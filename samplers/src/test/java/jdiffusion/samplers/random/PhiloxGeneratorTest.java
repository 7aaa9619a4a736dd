package jdiffusion.samplers.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import jdiffusion.core.plugin.Plugins;
import jdiffusion.core.sampling.NoiseSourceFactory;
import org.junit.jupiter.api.Test;

/** A1111's "NV" source, recorded by its own {@code rng_philox.py} (numpy): single draws and streams of draws. */
class PhiloxGeneratorTest {

    @Test
    void nvSourceMatchesA1111PhiloxBitForBit() throws Exception {
        Map<String, Object> file = RecordedNoise.load("/random/nv-philox-randn.json.gz");
        RecordedNoise.Mismatch m = RecordedNoise.compare(file, seed -> new PhiloxNoiseSourceFactory().create(seed));
        assertTrue(m.cases() >= 40 && m.values() > 20000, "recorded cases present: " + m);
        assertEquals(0, m.differing(), () -> m.differing() + " of " + m.values() + " values differ; first: " + m.firstDifference());
    }

    @Test
    void nvSourceIsFoundByName() {
        assertEquals("nv", Plugins.builtIn().registry(NoiseSourceFactory.class).get("philox").name());
    }
}

package jdiffusion.samplers.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import jdiffusion.core.plugin.Plugins;
import jdiffusion.core.sampling.NoiseSourceFactory;
import org.junit.jupiter.api.Test;

/**
 * {@code torch.randn} on a seeded CPU generator, recorded with torch 1.13 (x86, AVX2 kernels, the ones the
 * diffusers reference pipeline's initial latents came from): sizes below 16 (double path with its cached
 * value), exactly 16, tails that are not multiples of 16, latents up to [1,4,64,64], 64-bit seeds, and
 * several draws from one generator.
 */
class TorchCpuGeneratorTest {

    @Test
    void randnMatchesTorchCpuGeneratorBitForBit() throws Exception {
        Map<String, Object> file = RecordedNoise.load("/random/torch-cpu-randn.json.gz");
        RecordedNoise.Mismatch m = RecordedNoise.compare(file, seed -> new TorchCpuNoiseSourceFactory().create(seed));
        assertTrue(m.cases() >= 80 && m.values() > 30000, "recorded cases present: " + m);
        assertEquals(0, m.differing(), () -> m.differing() + " of " + m.values() + " values differ; first: " + m.firstDifference());
    }

    @Test
    void cpuSourceIsFoundByNameAndAlias() {
        var registry = Plugins.builtIn().registry(NoiseSourceFactory.class);
        assertEquals("cpu", registry.get("cpu").name());
        assertEquals("cpu", registry.get("torch_cpu").name());
    }
}

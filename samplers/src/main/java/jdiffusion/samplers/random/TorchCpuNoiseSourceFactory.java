package jdiffusion.samplers.random;

import java.util.List;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.sampling.NoiseSourceFactory;

/**
 * Noise bit-compatible with torch's CPU generator: {@code next(n)} is
 * {@code torch.randn(n)} on {@code torch.Generator().manual_seed(seed)}, so diffusers (with a CPU
 * generator), ComfyUI and A1111's "CPU" source reproduce from the same seed.
 */
public final class TorchCpuNoiseSourceFactory implements NoiseSourceFactory {

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public List<String> aliases() {
        return List.of("torch_cpu", "torch");
    }

    @Override
    public String description() {
        return "torch's CPU generator (mt19937, torch.randn), as diffusers with a CPU generator and ComfyUI";
    }

    @Override
    public NoiseSource create(long seed) {
        TorchCpuGenerator g = new TorchCpuGenerator(seed);
        return g::randn;
    }
}

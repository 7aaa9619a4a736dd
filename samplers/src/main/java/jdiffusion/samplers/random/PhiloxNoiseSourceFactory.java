package jdiffusion.samplers.random;

import java.util.List;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.sampling.NoiseSourceFactory;

/** A1111's "NV" noise source: Philox 4x32-10 as the CUDA generator produces it, computed on the CPU. */
public final class PhiloxNoiseSourceFactory implements NoiseSourceFactory {

    @Override
    public String name() {
        return "nv";
    }

    @Override
    public List<String> aliases() {
        return List.of("philox", "cuda");
    }

    @Override
    public String description() {
        return "A1111's NV source: Philox 4x32-10 like torch.randn on CUDA, reproducible on any machine";
    }

    @Override
    public NoiseSource create(long seed) {
        PhiloxGenerator g = new PhiloxGenerator(seed);
        return g::randn;
    }
}

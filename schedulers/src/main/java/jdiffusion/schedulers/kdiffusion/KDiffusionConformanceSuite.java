package jdiffusion.schedulers.kdiffusion;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdiffusion.core.conformance.ConformanceGroup;
import jdiffusion.core.conformance.ConformanceSuite;

/**
 * Parity with ComfyUI's k-diffusion samplers and sigma schedules: finds every folder beneath the given root
 * laid out as the k-diffusion reference data ({@code samplers/}, {@code schedules/}, {@code model_sampling/})
 * and runs its cases with the toy denoiser and replayed noise. A case passes when it is bit-exact or within
 * max(1e-6, 10 x its recorded float64 sensitivity) relative to max(1, |x|); schedules within one float32 ulp.
 */
public final class KDiffusionConformanceSuite implements ConformanceSuite {

    @Override
    public String name() {
        return "kdiffusion";
    }

    @Override
    public String description() {
        return "ComfyUI / k-diffusion samplers and sigma schedules (toy denoiser, replayed noise)";
    }

    @Override
    public List<ConformanceGroup> discover(Path root) throws IOException {
        List<ConformanceGroup> groups = new ArrayList<>();
        if (!Files.isDirectory(root)) return groups;
        List<Path> sets;
        try (Stream<Path> s = Files.walk(root, 8, FileVisitOption.FOLLOW_LINKS)) {
            sets = s.filter(Files::isDirectory).filter(ReferenceSet::isSet).sorted().toList();
        }
        for (Path set : sets) groups.addAll(new ReferenceSet(set).groups());
        return groups;
    }
}

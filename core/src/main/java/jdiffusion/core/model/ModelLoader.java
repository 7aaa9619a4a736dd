package jdiffusion.core.model;

import java.io.IOException;
import java.nio.file.Path;
import jdiffusion.core.Config;
import jdiffusion.core.Named;
import jdiffusion.core.backend.Backend;

/**
 * Loads a model from where users keep it: a diffusers folder, a single-file checkpoint, ...
 * Weights are memory-mapped, not copied.
 */
public interface ModelLoader extends Named {

    /** Whether this loader understands {@code path} (cheap: looks at names and headers only). */
    boolean canLoad(Path path);

    /** Loads the model for {@code backend}; {@code options} may carry an explicit config for what files cannot tell. */
    StableDiffusionModel load(Path path, Backend backend, Config options) throws IOException;
}

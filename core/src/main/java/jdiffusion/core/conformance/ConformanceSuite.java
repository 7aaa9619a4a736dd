package jdiffusion.core.conformance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import jdiffusion.core.Named;

/**
 * A kind of reference data jdiffusion proves itself against (diffusers schedulers, ComfyUI samplers,
 * models, ...). {@code jdiffusion conformance --refdata DIR} asks every suite to find its reference sets
 * anywhere beneath DIR and runs their cases; the JUnit tests run the same cases from the project's copies.
 */
public interface ConformanceSuite extends Named {

    /** The groups of cases this suite recognises beneath {@code root} (at any depth); empty if none. */
    List<ConformanceGroup> discover(Path root) throws IOException;
}

package jdiffusion.core.backend;

import java.util.Set;
import jdiffusion.core.Named;

/**
 * A compute backend plugin ({@code cpu}, {@code opencl}, ...). Cheap to create; {@link #create} does the
 * heavy part (thread pools, device contexts, kernel compilation).
 */
public interface BackendProvider extends Named {

    /** Whether this backend can run here (a device present, a native library found); never throws. */
    boolean isAvailable();

    /** Why {@link #isAvailable()} is false, for error messages; empty when available. */
    default String unavailableReason() {
        return "";
    }

    /** The capabilities instances will have. */
    Set<Capability> capabilities();

    /**
     * Creates a backend. {@code options} holds what follows the name in {@code --backend NAME:OPTIONS}
     * (e.g. a device index for {@code opencl:0}), or is empty; {@code threads} is 0 for the machine's default.
     */
    Backend create(String options, int threads);
}

package jdiffusion.models.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.core.tensor.Tensor;

/**
 * Optional recording of intermediate activations by module path ({@code down_blocks.0.resnets.0}), the
 * names diffusers' forward hooks give them, so parity tests can locate where outputs start to differ.
 * {@link #NONE} records nothing and costs nothing.
 */
public final class Trace {

    /** Records nothing. */
    public static final Trace NONE = new Trace(false);

    private final boolean enabled;
    private final Map<String, Tensor> activations = new LinkedHashMap<>();

    private Trace(boolean enabled) {
        this.enabled = enabled;
    }

    /** A trace that keeps every recorded activation. */
    public static Trace recording() {
        return new Trace(true);
    }

    public void record(String path, Tensor t) {
        if (enabled) activations.put(path, t);
    }

    public boolean enabled() {
        return enabled;
    }

    /** The recorded activations in order (backend tensors). */
    public Map<String, Tensor> activations() {
        return activations;
    }
}

package jdiffusion.models.nn;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.Capability;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.weights.WeightException;
import jdiffusion.models.weights.WeightSource;

/**
 * A network's weights as its layers ask for them: by module path ({@code down_blocks.0.resnets.1}),
 * checked against the shape the config implies, and placed on the backend. Float16 and bfloat16 weights
 * stay in their stored type where the backend reads them directly; otherwise they are converted once.
 * Remembers which keys were used, so a loader can tell whether a file fits its config completely.
 */
public final class Params {

    private final WeightSource weights;
    private final Backend backend;
    private final String prefix;
    private final Set<String> used;

    private Params(WeightSource weights, Backend backend, String prefix, Set<String> used) {
        this.weights = weights;
        this.backend = backend;
        this.prefix = prefix;
        this.used = used;
    }

    /** The root of a network's weights. */
    public static Params of(WeightSource weights, Backend backend) {
        return new Params(weights, backend, "", Collections.synchronizedSet(new LinkedHashSet<>()));
    }

    public Backend backend() {
        return backend;
    }

    /** The parameters of submodule {@code name}. */
    public Params child(String name) {
        return new Params(weights, backend, prefix + name + ".", used);
    }

    /** The parameters of submodule {@code name.index}. */
    public Params child(String name, int index) {
        return child(name + "." + index);
    }

    /** The full key of {@code name} in this scope. */
    public String key(String name) {
        return prefix + name;
    }

    public boolean has(String name) {
        return weights.contains(prefix + name);
    }

    /** Whether any key lies under submodule {@code name}. */
    public boolean hasChild(String name) {
        String p = prefix + name + ".";
        for (String n : weights.names()) {
            if (n.startsWith(p)) return true;
        }
        return false;
    }

    /** Tensor {@code name}, of exactly {@code shape}, on the backend. */
    public Tensor get(String name, int... shape) {
        String k = prefix + name;
        Tensor t = weights.tensor(k, shape);
        used.add(k);
        return place(k, t);
    }

    /** Tensor {@code name} of {@code shape}, or null when the file has none (optional biases). */
    public Tensor optional(String name, int... shape) {
        return has(name) ? get(name, shape) : null;
    }

    private Tensor place(String key, Tensor t) {
        DType d = t.dtype();
        boolean direct = d == DType.FLOAT32
                || (d == DType.FLOAT16 && backend.capabilities().contains(Capability.FLOAT16_WEIGHTS))
                || (d == DType.BFLOAT16 && backend.capabilities().contains(Capability.BFLOAT16_WEIGHTS));
        if (!d.isFloatingPoint() || d == DType.FLOAT64) {
            throw new WeightException(weights.description() + ": tensor \"" + key + "\" is " + d.safetensorsName()
                    + "; weights must be F32, F16 or BF16");
        }
        Tensor onDevice = backend.fromHost(t);
        return direct ? onDevice : backend.convert(onDevice, DType.FLOAT32);
    }

    /** Keys of the source never asked for, sorted (empty when the config used every tensor). */
    public Set<String> unused() {
        Set<String> all = new TreeSet<>(weights.names());
        all.removeAll(used);
        return all;
    }

    public String description() {
        return weights.description();
    }
}

package jdiffusion.models.nn;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import jdiffusion.core.adapter.NetworkPatch;
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
 *
 * <p>Carries the network's adapter patch ({@link NetworkPatch}, none by default): a layer's
 * {@code weight} and {@code bias} come back merged with it in {@code MERGED} mode, and layers apply its
 * run-time form through {@link #patch()} and {@link #module()}.
 */
public final class Params {

    private final WeightSource weights;
    private final Backend backend;
    private final String prefix;
    private final Set<String> used;
    private final NetworkPatch patch;

    private Params(WeightSource weights, Backend backend, String prefix, Set<String> used, NetworkPatch patch) {
        this.weights = weights;
        this.backend = backend;
        this.prefix = prefix;
        this.used = used;
        this.patch = patch;
    }

    /** The root of a network's weights. */
    public static Params of(WeightSource weights, Backend backend) {
        return new Params(weights, backend, "", Collections.synchronizedSet(new LinkedHashSet<>()), NetworkPatch.none(""));
    }

    /** The same weights with an adapter patch for the layers built from them. */
    public Params withPatch(NetworkPatch patch) {
        return new Params(weights, backend, prefix, used, patch);
    }

    /** The adapter patch of the network (one that changes nothing by default). */
    public NetworkPatch patch() {
        return patch;
    }

    /** This scope's module path ({@code down_blocks.0.attentions.0.proj_in}); empty at the root. */
    public String module() {
        return prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
    }

    /** The network's base tensors by name, as stored (zero-copy views, never patched). */
    public java.util.Map<String, Tensor> tensors() {
        java.util.Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        for (String n : weights.names()) out.put(n, weights.tensor(n));
        return java.util.Collections.unmodifiableMap(out);
    }

    public Backend backend() {
        return backend;
    }

    /** The parameters of submodule {@code name}. */
    public Params child(String name) {
        return new Params(weights, backend, prefix + name + ".", used, patch);
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
        if (name.equals("weight")) t = patch.weight(module(), t);
        else if (name.equals("bias")) t = patch.bias(module(), t);
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

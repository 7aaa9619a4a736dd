package jdiffusion.models.weights;

import java.util.LinkedHashSet;
import java.util.Set;
import jdiffusion.core.tensor.Tensor;

/** The part of a {@link WeightSource} under one key prefix, seen without the prefix. */
final class ScopedWeights implements WeightSource {

    private final WeightSource parent;
    private final String prefix;

    ScopedWeights(WeightSource parent, String prefix) {
        this.parent = parent;
        this.prefix = prefix.endsWith(".") ? prefix : prefix + ".";
    }

    @Override
    public String description() {
        return parent.description();
    }

    @Override
    public Set<String> names() {
        Set<String> out = new LinkedHashSet<>();
        for (String n : parent.names()) {
            if (n.startsWith(prefix)) out.add(n.substring(prefix.length()));
        }
        return out;
    }

    @Override
    public boolean contains(String name) {
        return parent.contains(prefix + name);
    }

    @Override
    public Tensor tensor(String name) {
        return parent.tensor(prefix + name);
    }

    @Override
    public Tensor tensor(String name, int... shape) {
        return parent.tensor(prefix + name, shape);
    }
}

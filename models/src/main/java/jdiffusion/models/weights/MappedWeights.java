package jdiffusion.models.weights;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import jdiffusion.core.tensor.Tensor;

/**
 * Another source's tensors under new names (e.g. diffusers names over an LDM checkpoint's keys), each
 * optionally re-viewed (a reshape, no copy). Nothing is converted or copied.
 */
public final class MappedWeights implements WeightSource {

    private final WeightSource source;
    private final Map<String, String> toSource;
    private final Map<String, UnaryOperator<Tensor>> views;

    /**
     * @param toSource this source's name for each key of {@code source} it exposes
     * @param views    per exposed name, a view applied to the tensor (reshapes); may be empty
     */
    public MappedWeights(WeightSource source, Map<String, String> toSource, Map<String, UnaryOperator<Tensor>> views) {
        this.source = source;
        this.toSource = Map.copyOf(toSource);
        this.views = Map.copyOf(views);
    }

    @Override
    public String description() {
        return source.description();
    }

    @Override
    public Set<String> names() {
        return new LinkedHashSet<>(toSource.keySet());
    }

    @Override
    public boolean contains(String name) {
        return toSource.containsKey(name);
    }

    @Override
    public Tensor tensor(String name) {
        String original = toSource.get(name);
        if (original == null) {
            throw new WeightException(source.description() + ": missing tensor for \"" + name + "\" (no original key maps to it)");
        }
        Tensor t = source.tensor(original);
        UnaryOperator<Tensor> v = views.get(name);
        return v == null ? t : v.apply(t);
    }
}

package jdiffusion.models.weights;

import java.util.Arrays;
import java.util.Set;
import jdiffusion.core.tensor.Tensor;

/**
 * Named weight tensors of one network, in the network's own (diffusers / transformers) key names, as
 * zero-copy views of memory-mapped files. Lookups of absent keys fail naming the source and the key.
 */
public interface WeightSource {

    /** What the weights come from (file names), for error messages. */
    String description();

    /** Every key this source holds. */
    Set<String> names();

    boolean contains(String name);

    /** The tensor stored under {@code name}, in its stored dtype. */
    Tensor tensor(String name);

    /** The tensor under {@code name}, which must have {@code shape}; the error names key, found and expected shapes. */
    default Tensor tensor(String name, int... shape) {
        Tensor t = tensor(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new WeightException(description() + ": tensor \"" + name + "\" has shape " + Arrays.toString(t.shape())
                    + ", the model config expects " + Arrays.toString(shape));
        }
        return t;
    }

    /** The weights under {@code prefix + "."}, with the prefix removed. */
    default WeightSource scope(String prefix) {
        return new ScopedWeights(this, prefix);
    }
}

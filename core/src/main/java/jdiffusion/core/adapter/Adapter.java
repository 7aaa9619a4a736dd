package jdiffusion.core.adapter;

import java.util.Map;
import jdiffusion.core.tensor.Tensor;

/**
 * A fine-tuning adapter read from a file (a LoRA, LoHa, LoKr, DoRA, full weight difference, or a
 * textual-inversion embedding), not yet tied to a model. {@link #bind} ties it to a model's networks:
 * every module the file names is matched to a layer and its shapes are checked.
 */
public interface Adapter {

    /** Where it came from (the file), for messages. */
    String source();

    /** The name of the {@link AdapterFormat} that read it. */
    String format();

    /**
     * Ties the adapter to a model.
     *
     * @param networks the model's base parameters by network name ({@link Networks#UNET},
     *                 {@link Networks#TEXT_ENCODER}, ...) and diffusers parameter name
     * @param strength how strongly to apply it to the UNet and to the text encoders
     * @return the layer patches and embeddings, and the keys that matched nothing
     * @throws AdapterMismatchException when a module matches a layer whose shape does not fit (an adapter
     *                                  for another model), or when nothing in the file matches the model
     */
    AdapterBinding bind(Map<String, Map<String, Tensor>> networks, AdapterStrength strength);
}

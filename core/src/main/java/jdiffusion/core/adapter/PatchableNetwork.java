package jdiffusion.core.adapter;

import java.util.Map;
import jdiffusion.core.tensor.Tensor;

/**
 * A network whose Linear and Conv2d layers adapters can change (the UNet, a text encoder): it shows its
 * base parameters, and makes a copy of itself that applies a {@link NetworkPatch}, sharing the base
 * weights (which stay memory-mapped and unchanged).
 *
 * @param <T> the network's own type
 */
public interface PatchableNetwork<T> {

    /** The base parameters by diffusers name ({@code down_blocks.0.attentions.0.proj_in.weight}, ...). */
    Map<String, Tensor> parameters();

    /** A copy of the network with {@code patch} applied (replacing any patch this one has). */
    T withPatch(NetworkPatch patch);
}

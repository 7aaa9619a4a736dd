package jdiffusion.core.adapter;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.Tensor;

/**
 * What one adapter does to one Linear or Conv2d layer, bound to that layer's base weight and to a
 * strength. Its two forms agree: merged, the layer computes with {@code W + weightDelta()} (and
 * {@code b + biasDelta()}); at run time it computes {@code y = layer(x)} with the base weights and adds
 * {@code outputDelta(x, y)}. Several patches on one layer add up, each relative to the base weights.
 * Thread-safe.
 */
public interface LayerPatch {

    /** The change to the weight, float32, shaped as the layer's weight. */
    Tensor weightDelta();

    /** The change to the bias [out], float32, or null when the bias is unchanged. */
    default Tensor biasDelta() {
        return null;
    }

    /**
     * The change to the layer's output.
     *
     * @param backend computes it
     * @param x       the layer's input: [..., in] for a Linear layer, [N, C, H, W] for a convolution
     * @param y       the layer's output computed with the base weight and bias
     * @param conv    the layer's geometry for a convolution, null for a Linear layer
     */
    Tensor outputDelta(Backend backend, Tensor x, Tensor y, Conv2dParams conv);
}

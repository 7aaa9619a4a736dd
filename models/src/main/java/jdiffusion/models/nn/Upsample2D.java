package jdiffusion.models.nn;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;

/**
 * diffusers' {@code Upsample2D} with a convolution: nearest-neighbour resize (2x, or to the size of the
 * skip connection it will meet when the latent is not a multiple of the total downsampling), then 3x3 conv.
 */
public final class Upsample2D {

    private final Conv2d conv;

    public Upsample2D(Params p, int channels) {
        this.conv = new Conv2d(p.child("conv"), channels, channels, 3, 1, 1);
    }

    /** Resizes to {@code outH x outW} (twice the input for the plain path). */
    public Tensor forward(Backend be, Tensor x, int outH, int outW) {
        return conv.forward(be, be.upsampleNearest(x, outH, outW));
    }

    public Tensor forward(Backend be, Tensor x) {
        return forward(be, x, x.dim(2) * 2, x.dim(3) * 2);
    }
}

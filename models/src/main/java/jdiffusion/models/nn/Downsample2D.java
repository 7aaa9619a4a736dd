package jdiffusion.models.nn;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;

/**
 * diffusers' {@code Downsample2D} with a convolution: 3x3 stride 2. With padding 0 (the VAE) the input is
 * first zero-padded by one pixel on the right and bottom only, as the original LDM encoder does.
 */
public final class Downsample2D {

    private final Conv2d conv;
    private final boolean asymmetricPad;

    public Downsample2D(Params p, int channels, int padding) {
        this.conv = new Conv2d(p.child("conv"), channels, channels, 3, 2, padding);
        this.asymmetricPad = padding == 0;
    }

    public Tensor forward(Backend be, Tensor x) {
        return conv.forward(be, asymmetricPad ? be.pad2d(x, 0, 1, 0, 1) : x);
    }
}

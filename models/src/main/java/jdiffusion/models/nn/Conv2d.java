package jdiffusion.models.nn;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.Tensor;

/** A 2-D convolution (torch.nn.Conv2d, NCHW): weight [out, in, k, k], bias [out]. */
public final class Conv2d {

    private final Tensor weight;
    private final Tensor bias;
    private final Conv2dParams geometry;
    private final int out;

    public Conv2d(Params p, int in, int out, int kernel, int stride, int padding) {
        this.out = out;
        this.weight = p.get("weight", out, in, kernel, kernel);
        this.bias = p.optional("bias", out);
        this.geometry = Conv2dParams.of(stride, padding);
    }

    public Tensor forward(Backend be, Tensor x) {
        return be.conv2d(x, weight, bias, geometry);
    }

    public int out() {
        return out;
    }
}

package jdiffusion.models.nn;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;

/** {@code y = x W^T + b} (torch.nn.Linear): weight [out, in], optional bias [out]. */
public final class Linear {

    private final Tensor weight;
    private final Tensor bias;
    private final int in;
    private final int out;

    public Linear(Params p, int in, int out, boolean bias) {
        this.in = in;
        this.out = out;
        this.weight = p.get("weight", out, in);
        this.bias = bias ? p.get("bias", out) : null;
    }

    /** A linear layer whose bias is used when the file has one. */
    public static Linear withOptionalBias(Params p, int in, int out) {
        return new Linear(p, in, out, p.has("bias"));
    }

    public Tensor forward(Backend be, Tensor x) {
        return be.linear(x, weight, bias);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }
}

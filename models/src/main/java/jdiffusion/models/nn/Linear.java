package jdiffusion.models.nn;

import jdiffusion.core.adapter.NetworkPatch;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;

/**
 * {@code y = x W^T + b} (torch.nn.Linear): weight [out, in], optional bias [out]. Applies the network's
 * adapter patch: merged weights come from {@link Params}, run-time changes are added to the output.
 */
public final class Linear {

    private final Tensor weight;
    private final Tensor bias;
    private final int in;
    private final int out;
    private final String module;
    private final NetworkPatch patch;

    public Linear(Params p, int in, int out, boolean bias) {
        this.module = p.module();
        this.patch = p.patch();
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
        return patch.forward(be, module, x, be.linear(x, weight, bias), null);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }
}

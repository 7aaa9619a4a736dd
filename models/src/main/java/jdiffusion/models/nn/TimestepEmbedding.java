package jdiffusion.models.nn;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;

/** diffusers' {@code TimestepEmbedding}: Linear, SiLU, Linear. */
public final class TimestepEmbedding {

    private final Linear linear1;
    private final Linear linear2;

    public TimestepEmbedding(Params p, int in, int dim) {
        this.linear1 = new Linear(p.child("linear_1"), in, dim, true);
        this.linear2 = new Linear(p.child("linear_2"), dim, dim, true);
    }

    public Tensor forward(Backend be, Tensor x) {
        return linear2.forward(be, be.silu(linear1.forward(be, x)));
    }

    public int dim() {
        return linear2.out();
    }
}

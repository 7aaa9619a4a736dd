package jdiffusion.models.nn;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;

/**
 * The transformer block's feed-forward network with a GEGLU gate (Shazeer 2020), diffusers'
 * {@code FeedForward(activation_fn="geglu")}: Linear(dim, 2 inner) split into value and gate,
 * value * GELU(gate), Linear(inner, dim).
 */
public final class FeedForward {

    private final Linear proj;
    private final Linear out;

    public FeedForward(Params p, int dim, int inner) {
        this.proj = new Linear(p.child("net.0.proj"), dim, inner * 2, true);
        this.out = new Linear(p.child("net.2"), inner, dim, true);
    }

    public Tensor forward(Backend be, Tensor x) {
        return out.forward(be, be.geglu(proj.forward(be, x)));
    }
}

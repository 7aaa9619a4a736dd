package jdiffusion.models.nn;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;

/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017) as diffusers' {@code Attention} with its
 * classic processor: q, k, v projections, {@code softmax(q k^T / sqrt(d)) v} per head (heads split from
 * the last dimension), output projection. Self-attention when no context is given.
 */
public final class Attention {

    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final int heads;
    private final float scale;

    /**
     * @param contextDim width of the cross-attention context (= queryDim for self-attention)
     */
    public Attention(Params p, int queryDim, int contextDim, int heads, int dimHead) {
        int inner = heads * dimHead;
        this.toQ = Linear.withOptionalBias(p.child("to_q"), queryDim, inner);
        this.toK = Linear.withOptionalBias(p.child("to_k"), contextDim, inner);
        this.toV = Linear.withOptionalBias(p.child("to_v"), contextDim, inner);
        this.toOut = Linear.withOptionalBias(p.child("to_out.0"), inner, queryDim);
        this.heads = heads;
        this.scale = (float) (1.0 / Math.sqrt(dimHead));
    }

    /** x [B, L, queryDim], context [B, Lc, contextDim] or null for self-attention; result [B, L, queryDim]. */
    public Tensor forward(Backend be, Tensor x, Tensor context) {
        Tensor c = context == null ? x : context;
        Tensor q = toQ.forward(be, x);
        Tensor k = toK.forward(be, c);
        Tensor v = toV.forward(be, c);
        return toOut.forward(be, be.attention(q, k, v, heads, scale, false));
    }
}

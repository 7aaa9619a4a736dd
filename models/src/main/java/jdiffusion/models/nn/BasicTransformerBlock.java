package jdiffusion.models.nn;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;

/**
 * diffusers' {@code BasicTransformerBlock} with layer norms: pre-norm self-attention, cross-attention to
 * the text embeddings, and a GEGLU feed-forward, each added back to its input.
 */
public final class BasicTransformerBlock {

    private static final float LN_EPS = 1e-5f;

    private final LayerNorm norm1;
    private final Attention attn1;
    private final LayerNorm norm2;
    private final Attention attn2;
    private final LayerNorm norm3;
    private final FeedForward ff;

    public BasicTransformerBlock(Params p, int dim, int heads, int dimHead, int crossAttentionDim) {
        this.norm1 = new LayerNorm(p.child("norm1"), dim, LN_EPS);
        this.attn1 = new Attention(p.child("attn1"), dim, dim, heads, dimHead);
        this.norm2 = new LayerNorm(p.child("norm2"), dim, LN_EPS);
        this.attn2 = new Attention(p.child("attn2"), dim, crossAttentionDim, heads, dimHead);
        this.norm3 = new LayerNorm(p.child("norm3"), dim, LN_EPS);
        this.ff = new FeedForward(p.child("ff"), dim, dim * 4);
    }

    /** x [B, L, dim], context [B, Lc, crossAttentionDim]. */
    public Tensor forward(Backend be, Tensor x, Tensor context, Trace trace, String path) {
        Tensor a1 = attn1.forward(be, norm1.forward(be, x), null);
        trace.record(path + ".attn1", a1);
        x = be.add(a1, x);
        Tensor a2 = attn2.forward(be, norm2.forward(be, x), context);
        trace.record(path + ".attn2", a2);
        x = be.add(a2, x);
        Tensor f = ff.forward(be, norm3.forward(be, x));
        trace.record(path + ".ff", f);
        return be.add(f, x);
    }
}

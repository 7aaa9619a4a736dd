package jdiffusion.models.nn;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;

/**
 * The VAE's mid-block attention: diffusers' {@code Attention} over the pixels of a feature map
 * [B, C, H, W] with its own GroupNorm, single-headed as the VAE configures it (head dim = C), and a
 * residual connection.
 */
public final class SpatialSelfAttention {

    private final GroupNorm groupNorm;
    private final Attention attention;

    public SpatialSelfAttention(Params p, int channels, int heads, int groups, float eps) {
        this.groupNorm = new GroupNorm(p.child("group_norm"), groups, channels, eps);
        this.attention = new Attention(p, channels, channels, heads, channels / heads);
    }

    public Tensor forward(Backend be, Tensor x) {
        int b = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        Tensor n = groupNorm.forward(be, x);
        Tensor tokens = be.permute(n.reshape(b, c, h * w), 0, 2, 1);          // [B, HW, C]
        Tensor a = attention.forward(be, tokens, null);
        Tensor back = be.permute(a, 0, 2, 1).reshape(b, c, h, w);
        return be.add(back, x);
    }
}

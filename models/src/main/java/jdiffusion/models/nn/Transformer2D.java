package jdiffusion.models.nn;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;

/**
 * diffusers' {@code Transformer2DModel} over a feature map (the spatial transformer of latent diffusion):
 * GroupNorm, projection in (1x1 conv, or a linear layer on the tokens when {@code useLinearProjection},
 * as SD 2.x and SDXL), transformer blocks over the H*W tokens, projection out, plus the input.
 */
public final class Transformer2D {

    private static final float NORM_EPS = 1e-6f;

    private final GroupNorm norm;
    private final boolean linearProjection;
    private final Conv2d projInConv;
    private final Linear projInLinear;
    private final List<BasicTransformerBlock> blocks = new ArrayList<>();
    private final Conv2d projOutConv;
    private final Linear projOutLinear;
    private final int inner;

    public Transformer2D(Params p, int channels, int heads, int layers, int crossAttentionDim, int groups,
                         boolean useLinearProjection) {
        if (channels % heads != 0) {
            throw new IllegalArgumentException(p.key("") + ": " + channels + " channels do not split into " + heads + " attention heads");
        }
        int dimHead = channels / heads;
        this.inner = heads * dimHead;
        this.norm = new GroupNorm(p.child("norm"), groups, channels, NORM_EPS);
        this.linearProjection = useLinearProjection;
        this.projInConv = useLinearProjection ? null : new Conv2d(p.child("proj_in"), channels, inner, 1, 1, 0);
        this.projInLinear = useLinearProjection ? new Linear(p.child("proj_in"), channels, inner, true) : null;
        for (int i = 0; i < layers; i++) {
            blocks.add(new BasicTransformerBlock(p.child("transformer_blocks", i), inner, heads, dimHead, crossAttentionDim));
        }
        this.projOutConv = useLinearProjection ? null : new Conv2d(p.child("proj_out"), inner, channels, 1, 1, 0);
        this.projOutLinear = useLinearProjection ? new Linear(p.child("proj_out"), inner, channels, true) : null;
    }

    /** x [B, C, H, W], context [B, Lc, D]; result [B, C, H, W]. */
    public Tensor forward(Backend be, Tensor x, Tensor context, Trace trace, String path) {
        int b = x.dim(0), h = x.dim(2), w = x.dim(3);
        Tensor n = norm.forward(be, x);
        Tensor tokens;
        if (linearProjection) {
            tokens = projInLinear.forward(be, toTokens(be, n));
        } else {
            tokens = toTokens(be, projInConv.forward(be, n));
        }
        for (int i = 0; i < blocks.size(); i++) {
            tokens = blocks.get(i).forward(be, tokens, context, trace, path + ".transformer_blocks." + i);
        }
        Tensor out;
        if (linearProjection) {
            out = toMap(be, projOutLinear.forward(be, tokens), b, h, w);
        } else {
            out = projOutConv.forward(be, toMap(be, tokens, b, h, w));
        }
        return be.add(out, x);
    }

    /** [B, C, H, W] to [B, H*W, C]. */
    static Tensor toTokens(Backend be, Tensor x) {
        return be.permute(x, 0, 2, 3, 1).reshape(x.dim(0), x.dim(2) * x.dim(3), x.dim(1));
    }

    /** [B, H*W, C] to [B, C, H, W]. */
    static Tensor toMap(Backend be, Tensor t, int b, int h, int w) {
        return be.permute(t.reshape(b, h, w, t.dim(2)), 0, 3, 1, 2);
    }
}

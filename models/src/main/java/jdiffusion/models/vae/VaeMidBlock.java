package jdiffusion.models.vae;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.nn.Params;
import jdiffusion.models.nn.ResnetBlock2D;
import jdiffusion.models.nn.SpatialSelfAttention;
import jdiffusion.models.nn.Trace;

/** diffusers' {@code UNetMidBlock2D} as the VAE uses it: resnet, single-head self-attention, resnet. */
final class VaeMidBlock {

    static final float EPS = 1e-6f;

    private final ResnetBlock2D resnet0;
    private final SpatialSelfAttention attention;   // null without mid-block attention
    private final ResnetBlock2D resnet1;

    VaeMidBlock(Params p, int channels, int groups, boolean attention) {
        this.resnet0 = new ResnetBlock2D(p.child("resnets", 0), channels, channels, 0, groups, EPS, 1f);
        this.attention = attention ? new SpatialSelfAttention(p.child("attentions", 0), channels, 1, groups, EPS) : null;
        this.resnet1 = new ResnetBlock2D(p.child("resnets", 1), channels, channels, 0, groups, EPS, 1f);
    }

    Tensor forward(Backend be, Tensor x, Trace trace, String path) {
        x = resnet0.forward(be, x, null);
        if (attention != null) {
            x = attention.forward(be, x);
            trace.record(path + ".attentions.0", x);
        }
        return resnet1.forward(be, x, null);
    }
}

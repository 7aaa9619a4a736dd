package jdiffusion.models.nn;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;

/**
 * The residual block of diffusers' {@code ResnetBlock2D} (He et al. 2016, as in DDPM and latent diffusion):
 * GroupNorm, SiLU, 3x3 conv, plus the projected time embedding, GroupNorm, SiLU, 3x3 conv; a 1x1 conv
 * shortcut when the channel count changes; {@code (x + h) / outputScaleFactor}.
 */
public final class ResnetBlock2D {

    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear timeEmbProj;    // null without time embedding (the VAE)
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d convShortcut;   // null when in == out
    private final float outputScaleFactor;

    /**
     * @param tembChannels width of the time embedding, or 0 for none
     */
    public ResnetBlock2D(Params p, int in, int out, int tembChannels, int groups, float eps, float outputScaleFactor) {
        this.norm1 = new GroupNorm(p.child("norm1"), groups, in, eps);
        this.conv1 = new Conv2d(p.child("conv1"), in, out, 3, 1, 1);
        this.timeEmbProj = tembChannels > 0 ? new Linear(p.child("time_emb_proj"), tembChannels, out, true) : null;
        this.norm2 = new GroupNorm(p.child("norm2"), groups, out, eps);
        this.conv2 = new Conv2d(p.child("conv2"), out, out, 3, 1, 1);
        this.convShortcut = in != out ? new Conv2d(p.child("conv_shortcut"), in, out, 1, 1, 0) : null;
        this.outputScaleFactor = outputScaleFactor;
    }

    /** x [N, in, H, W], temb [N, tembChannels] or null; result [N, out, H, W]. */
    public Tensor forward(Backend be, Tensor x, Tensor temb) {
        Tensor h = conv1.forward(be, be.silu(norm1.forward(be, x)));
        if (timeEmbProj != null && temb != null) {
            Tensor t = timeEmbProj.forward(be, be.silu(temb));
            h = be.add(h, t.reshape(t.dim(0), t.dim(1), 1, 1));
        }
        h = conv2.forward(be, be.silu(norm2.forward(be, h)));
        Tensor shortcut = convShortcut != null ? convShortcut.forward(be, x) : x;
        Tensor y = be.add(shortcut, h);
        return outputScaleFactor == 1f ? y : be.scale(y, 1f / outputScaleFactor);
    }
}

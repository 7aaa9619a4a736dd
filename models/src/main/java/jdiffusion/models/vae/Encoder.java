package jdiffusion.models.vae;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.nn.Conv2d;
import jdiffusion.models.nn.Downsample2D;
import jdiffusion.models.nn.GroupNorm;
import jdiffusion.models.nn.Params;
import jdiffusion.models.nn.ResnetBlock2D;
import jdiffusion.models.nn.Trace;

/**
 * The VAE encoder (diffusers' {@code Encoder}): conv_in, per level resnets and a downsampler (all but the
 * last level), the mid block, GroupNorm, SiLU, conv_out to twice the latent channels (mean and log-variance).
 */
final class Encoder {

    private final Conv2d convIn;
    private final List<List<ResnetBlock2D>> resnets = new ArrayList<>();
    private final List<Downsample2D> downsamplers = new ArrayList<>();
    private final VaeMidBlock mid;
    private final GroupNorm normOut;
    private final Conv2d convOut;

    Encoder(Params p, VaeConfig c) {
        int[] ch = c.blockOutChannels();
        int g = c.normNumGroups();
        this.convIn = new Conv2d(p.child("conv_in"), c.inChannels(), ch[0], 3, 1, 1);
        int out = ch[0];
        for (int i = 0; i < ch.length; i++) {
            int in = out;
            out = ch[i];
            Params b = p.child("down_blocks", i);
            List<ResnetBlock2D> level = new ArrayList<>();
            for (int j = 0; j < c.layersPerBlock(); j++) {
                level.add(new ResnetBlock2D(b.child("resnets", j), j == 0 ? in : out, out, 0, g, VaeMidBlock.EPS, 1f));
            }
            resnets.add(level);
            downsamplers.add(i < ch.length - 1 ? new Downsample2D(b.child("downsamplers.0"), out, 0) : null);
        }
        this.mid = new VaeMidBlock(p.child("mid_block"), ch[ch.length - 1], g, c.midBlockAddAttention());
        this.normOut = new GroupNorm(p.child("conv_norm_out"), g, ch[ch.length - 1], VaeMidBlock.EPS);
        this.convOut = new Conv2d(p.child("conv_out"), ch[ch.length - 1], 2 * c.latentChannels(), 3, 1, 1);
    }

    Tensor forward(Backend be, Tensor x, Trace trace) {
        x = convIn.forward(be, x);
        trace.record("encoder.conv_in", x);
        for (int i = 0; i < resnets.size(); i++) {
            for (ResnetBlock2D r : resnets.get(i)) x = r.forward(be, x, null);
            if (downsamplers.get(i) != null) x = downsamplers.get(i).forward(be, x);
            trace.record("encoder.down_blocks." + i, x);
        }
        x = mid.forward(be, x, trace, "encoder.mid_block");
        trace.record("encoder.mid_block", x);
        x = normOut.forward(be, x);
        trace.record("encoder.conv_norm_out", x);
        x = convOut.forward(be, be.silu(x));
        trace.record("encoder", x);
        return x;
    }
}

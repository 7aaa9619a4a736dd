package jdiffusion.models.vae;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.nn.Conv2d;
import jdiffusion.models.nn.GroupNorm;
import jdiffusion.models.nn.Params;
import jdiffusion.models.nn.ResnetBlock2D;
import jdiffusion.models.nn.Trace;
import jdiffusion.models.nn.Upsample2D;

/**
 * The VAE decoder (diffusers' {@code Decoder}): conv_in, the mid block, per level (deepest first)
 * layers_per_block + 1 resnets and an upsampler (all but the last level), GroupNorm, SiLU, conv_out.
 */
final class Decoder {

    private final Conv2d convIn;
    private final VaeMidBlock mid;
    private final List<List<ResnetBlock2D>> resnets = new ArrayList<>();
    private final List<Upsample2D> upsamplers = new ArrayList<>();
    private final GroupNorm normOut;
    private final Conv2d convOut;

    Decoder(Params p, VaeConfig c) {
        int[] ch = c.blockOutChannels();
        int n = ch.length;
        int g = c.normNumGroups();
        this.convIn = new Conv2d(p.child("conv_in"), c.latentChannels(), ch[n - 1], 3, 1, 1);
        this.mid = new VaeMidBlock(p.child("mid_block"), ch[n - 1], g, c.midBlockAddAttention());
        int out = ch[n - 1];
        for (int i = 0; i < n; i++) {
            int prev = out;
            out = ch[n - 1 - i];
            Params b = p.child("up_blocks", i);
            List<ResnetBlock2D> level = new ArrayList<>();
            for (int j = 0; j < c.layersPerBlock() + 1; j++) {
                level.add(new ResnetBlock2D(b.child("resnets", j), j == 0 ? prev : out, out, 0, g, VaeMidBlock.EPS, 1f));
            }
            resnets.add(level);
            upsamplers.add(i < n - 1 ? new Upsample2D(b.child("upsamplers.0"), out) : null);
        }
        this.normOut = new GroupNorm(p.child("conv_norm_out"), g, ch[0], VaeMidBlock.EPS);
        this.convOut = new Conv2d(p.child("conv_out"), ch[0], c.outChannels(), 3, 1, 1);
    }

    Tensor forward(Backend be, Tensor z, Trace trace) {
        Tensor x = convIn.forward(be, z);
        trace.record("decoder.conv_in", x);
        x = mid.forward(be, x, trace, "decoder.mid_block");
        trace.record("decoder.mid_block", x);
        for (int i = 0; i < resnets.size(); i++) {
            for (ResnetBlock2D r : resnets.get(i)) x = r.forward(be, x, null);
            if (upsamplers.get(i) != null) x = upsamplers.get(i).forward(be, x);
            trace.record("decoder.up_blocks." + i, x);
        }
        x = normOut.forward(be, x);
        trace.record("decoder.conv_norm_out", x);
        return convOut.forward(be, be.silu(x));
    }
}

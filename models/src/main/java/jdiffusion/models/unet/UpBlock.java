package jdiffusion.models.unet;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.nn.Params;
import jdiffusion.models.nn.ResnetBlock2D;
import jdiffusion.models.nn.Trace;
import jdiffusion.models.nn.Transformer2D;
import jdiffusion.models.nn.Upsample2D;

/**
 * diffusers' {@code CrossAttnUpBlock2D} and {@code UpBlock2D}: per layer, the latest skip connection is
 * concatenated to the channels ({@code cat([x, skip], dim=1)}), then a resnet (and spatial transformer);
 * optionally a nearest-neighbour upsampler at the end.
 */
final class UpBlock {

    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2D> attentions = new ArrayList<>();
    private final Upsample2D upsampler;

    /**
     * @param index     the up block's index (0 = deepest)
     * @param prevOut   channels coming from the block below
     * @param skipIn    channels of the last skip this block takes (the next shallower down block's output)
     */
    UpBlock(Params p, UNetConfig c, int index, int prevOut, int out, int skipIn, int tembDim, boolean crossAttention,
            boolean upsample) {
        int n = c.blockOutChannels().length;
        int layers = c.layersPerBlock()[n - 1 - index] + 1;
        int heads = c.attentionHeads()[n - 1 - index];
        int cross = c.crossAttentionDim()[n - 1 - index];
        for (int i = 0; i < layers; i++) {
            int skipChannels = i == layers - 1 ? skipIn : out;
            int resIn = i == 0 ? prevOut : out;
            resnets.add(new ResnetBlock2D(p.child("resnets", i), resIn + skipChannels, out, tembDim, c.normNumGroups(),
                    (float) c.normEps(), (float) c.resnetOutScaleFactor()));
            if (crossAttention) {
                attentions.add(new Transformer2D(p.child("attentions", i), out, heads, c.upTransformerLayers()[index][i],
                        cross, c.normNumGroups(), c.useLinearProjection()));
            }
        }
        this.upsampler = upsample ? new Upsample2D(p.child("upsamplers.0"), out) : null;
    }

    int layers() {
        return resnets.size();
    }

    /**
     * Runs the block on {@code x} with its skips (taken from the end of {@code skips}, which shrinks);
     * {@code upH x upW} is the upsampler's target size.
     */
    Tensor forward(Backend be, Tensor x, Tensor temb, Tensor context, List<Tensor> skips, int upH, int upW,
                   Trace trace, String path) {
        for (int i = 0; i < resnets.size(); i++) {
            Tensor skip = skips.removeLast();
            x = be.concat(1, x, skip);
            x = resnets.get(i).forward(be, x, temb);
            if (!attentions.isEmpty()) x = attentions.get(i).forward(be, x, context, trace, path + ".attentions." + i);
        }
        if (upsampler != null) x = upsampler.forward(be, x, upH, upW);
        return x;
    }
}

package jdiffusion.models.unet;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.nn.Downsample2D;
import jdiffusion.models.nn.Params;
import jdiffusion.models.nn.ResnetBlock2D;
import jdiffusion.models.nn.Trace;
import jdiffusion.models.nn.Transformer2D;

/**
 * diffusers' {@code CrossAttnDownBlock2D} (resnet + spatial transformer per layer) and {@code DownBlock2D}
 * (resnets only), each optionally ending in a stride-2 downsampler. Every layer's output, and the
 * downsampler's, is kept as a skip connection for the up path.
 */
final class DownBlock {

    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2D> attentions = new ArrayList<>();
    private final Downsample2D downsampler;

    DownBlock(Params p, UNetConfig c, int index, int in, int out, int tembDim, boolean crossAttention, boolean downsample) {
        int layers = c.layersPerBlock()[index];
        for (int i = 0; i < layers; i++) {
            resnets.add(new ResnetBlock2D(p.child("resnets", i), i == 0 ? in : out, out, tembDim, c.normNumGroups(),
                    (float) c.normEps(), (float) c.resnetOutScaleFactor()));
            if (crossAttention) {
                attentions.add(new Transformer2D(p.child("attentions", i), out, c.attentionHeads()[index],
                        c.transformerLayers()[index][i], c.crossAttentionDim()[index], c.normNumGroups(), c.useLinearProjection()));
            }
        }
        this.downsampler = downsample ? new Downsample2D(p.child("downsamplers.0"), out, c.downsamplePadding()) : null;
    }

    /** Runs the block, appending its skip connections to {@code skips}; returns the block's output. */
    Tensor forward(Backend be, Tensor x, Tensor temb, Tensor context, List<Tensor> skips, Trace trace, String path) {
        for (int i = 0; i < resnets.size(); i++) {
            x = resnets.get(i).forward(be, x, temb);
            trace.record(path + ".resnets." + i, x);
            if (!attentions.isEmpty()) x = attentions.get(i).forward(be, x, context, trace, path + ".attentions." + i);
            skips.add(x);
        }
        if (downsampler != null) {
            x = downsampler.forward(be, x);
            skips.add(x);
        }
        return x;
    }

    /** How many skip connections the block emits. */
    int skipCount() {
        return resnets.size() + (downsampler != null ? 1 : 0);
    }
}

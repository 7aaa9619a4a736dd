package jdiffusion.models.unet;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.nn.Params;
import jdiffusion.models.nn.ResnetBlock2D;
import jdiffusion.models.nn.Trace;
import jdiffusion.models.nn.Transformer2D;

/** diffusers' {@code UNetMidBlock2DCrossAttn}: resnet, then (spatial transformer, resnet) pairs. */
final class MidBlock {

    private final List<ResnetBlock2D> resnets = new ArrayList<>();
    private final List<Transformer2D> attentions = new ArrayList<>();

    MidBlock(Params p, UNetConfig c, int channels, int tembDim) {
        int n = c.blockOutChannels().length;
        float eps = (float) c.normEps();
        float scale = (float) c.midBlockScaleFactor();
        int[] lastBlockLayers = c.transformerLayers()[n - 1];
        resnets.add(new ResnetBlock2D(p.child("resnets", 0), channels, channels, tembDim, c.normNumGroups(), eps, scale));
        attentions.add(new Transformer2D(p.child("attentions", 0), channels, c.attentionHeads()[n - 1],
                lastBlockLayers[0], c.crossAttentionDim()[n - 1], c.normNumGroups(),
                c.useLinearProjection()));
        resnets.add(new ResnetBlock2D(p.child("resnets", 1), channels, channels, tembDim, c.normNumGroups(), eps, scale));
    }

    Tensor forward(Backend be, Tensor x, Tensor temb, Tensor context, Trace trace, String path) {
        x = resnets.get(0).forward(be, x, temb);
        for (int i = 0; i < attentions.size(); i++) {
            x = attentions.get(i).forward(be, x, context, trace, path + ".attentions." + i);
            x = resnets.get(i + 1).forward(be, x, temb);
        }
        return x;
    }
}

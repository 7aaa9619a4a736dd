package jdiffusion.adapters.controlnet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.nn.Conv2d;
import jdiffusion.models.nn.Downsample2D;
import jdiffusion.models.nn.Params;
import jdiffusion.models.nn.ResnetBlock2D;
import jdiffusion.models.nn.TimestepEmbedding;
import jdiffusion.models.nn.Transformer2D;
import jdiffusion.models.unet.UNetConfig;

/**
 * ControlNet (Zhang, Rao and Agrawala 2023, "Adding Conditional Control to Text-to-Image Diffusion
 * Models") as diffusers' {@code ControlNetModel} computes it: a copy of the UNet's encoder (time embedding,
 * conv_in, down blocks, mid block) whose input is the latent plus the control image's embedding (a small
 * conv net downsampling it to the latent size), and whose every skip connection and mid-block output pass
 * through a 1x1 "zero" convolution and are multiplied by the conditioning scale. The UNet adds them to its
 * own skips and mid-block output. SD1.x, SD2.x and SDXL layouts (SDXL with its text_time embedding).
 * Immutable and thread-safe.
 */
public final class ControlNetModel {

    private final ControlNetConfig config;
    private final Backend backend;
    private final TimestepEmbedding timeEmbedding;
    private final TimestepEmbedding addEmbedding;     // SDXL text_time, else null
    private final Conv2d convIn;
    private final Conv2d condIn;
    private final List<Conv2d> condBlocks = new ArrayList<>();
    private final Conv2d condOut;
    private final List<Level> levels = new ArrayList<>();
    private final ResnetBlock2D midResnet0;
    private final List<Transformer2D> midAttentions = new ArrayList<>();
    private final List<ResnetBlock2D> midResnets = new ArrayList<>();
    private final List<Conv2d> zeroConvs = new ArrayList<>();
    private final Conv2d midZeroConv;

    /** One down block: resnets with their optional transformers, and the optional downsampler. */
    private record Level(List<ResnetBlock2D> resnets, List<Transformer2D> attentions, Downsample2D downsampler) {
    }

    /** Builds the network from weights with diffusers' ControlNetModel names; shapes are checked. */
    public ControlNetModel(ControlNetConfig config, Params p) {
        this.config = config;
        this.backend = p.backend();
        UNetConfig u = config.unet();
        int[] ch = u.blockOutChannels();
        int n = ch.length;
        int temb = u.timeEmbedDim();
        float eps = (float) u.normEps();
        this.timeEmbedding = new TimestepEmbedding(p.child("time_embedding"), ch[0], temb);
        this.addEmbedding = u.additionEmbedType() == null ? null
                : new TimestepEmbedding(p.child("add_embedding"), u.projectionClassEmbeddingsInputDim(), temb);
        this.convIn = new Conv2d(p.child("conv_in"), u.inChannels(), ch[0], 3, 1, 1);

        int[] e = config.embeddingChannels();
        Params ce = p.child("controlnet_cond_embedding");
        this.condIn = new Conv2d(ce.child("conv_in"), config.conditioningChannels(), e[0], 3, 1, 1);
        for (int i = 0; i < e.length - 1; i++) {
            condBlocks.add(new Conv2d(ce.child("blocks", 2 * i), e[i], e[i], 3, 1, 1));
            condBlocks.add(new Conv2d(ce.child("blocks", 2 * i + 1), e[i], e[i + 1], 3, 2, 1));
        }
        this.condOut = new Conv2d(ce.child("conv_out"), e[e.length - 1], ch[0], 3, 1, 1);

        int zero = 0;
        zeroConvs.add(new Conv2d(p.child("controlnet_down_blocks", zero++), ch[0], ch[0], 1, 1, 0));
        int out = ch[0];
        for (int i = 0; i < n; i++) {
            int in = out;
            out = ch[i];
            Params b = p.child("down_blocks", i);
            boolean cross = u.downBlockTypes().get(i).equals("CrossAttnDownBlock2D");
            List<ResnetBlock2D> resnets = new ArrayList<>();
            List<Transformer2D> attentions = new ArrayList<>();
            for (int j = 0; j < u.layersPerBlock()[i]; j++) {
                resnets.add(new ResnetBlock2D(b.child("resnets", j), j == 0 ? in : out, out, temb, u.normNumGroups(), eps,
                        (float) u.resnetOutScaleFactor()));
                if (cross) {
                    attentions.add(new Transformer2D(b.child("attentions", j), out, u.attentionHeads()[i], u.transformerLayers()[i][j],
                            u.crossAttentionDim()[i], u.normNumGroups(), u.useLinearProjection()));
                }
                zeroConvs.add(new Conv2d(p.child("controlnet_down_blocks", zero++), out, out, 1, 1, 0));
            }
            Downsample2D down = null;
            if (i < n - 1) {
                down = new Downsample2D(b.child("downsamplers.0"), out, u.downsamplePadding());
                zeroConvs.add(new Conv2d(p.child("controlnet_down_blocks", zero++), out, out, 1, 1, 0));
            }
            levels.add(new Level(resnets, attentions, down));
        }
        Params mid = p.child("mid_block");
        int c = ch[n - 1];
        float midScale = (float) u.midBlockScaleFactor();
        this.midResnet0 = new ResnetBlock2D(mid.child("resnets", 0), c, c, temb, u.normNumGroups(), eps, midScale);
        int midLayers = u.transformerLayers()[n - 1][u.transformerLayers()[n - 1].length - 1];
        midAttentions.add(new Transformer2D(mid.child("attentions", 0), c, u.attentionHeads()[n - 1], midLayers,
                u.crossAttentionDim()[n - 1], u.normNumGroups(), u.useLinearProjection()));
        midResnets.add(new ResnetBlock2D(mid.child("resnets", 1), c, c, temb, u.normNumGroups(), eps, midScale));
        this.midZeroConv = new Conv2d(p.child("controlnet_mid_block"), c, c, 1, 1, 0);
    }

    public ControlNetConfig config() {
        return config;
    }

    /** How many down-block residuals it gives (the UNet's skip connections). */
    public int residualCount() {
        return zeroConvs.size();
    }

    /**
     * The residuals for the UNet.
     *
     * @param sample       the UNet's input latent [N, C, h, w]
     * @param timesteps    one timestep, or one per batch item
     * @param cond         the text embeddings (and SDXL's text_embeds / time_ids) the UNet gets
     * @param controlImage the control image [N, 3, h * downscale, w * downscale], values in [0, 1], RGB
     * @param scale        the conditioning scale every residual is multiplied by
     * @param guessMode    diffusers' guess mode: residual i of k scaled by 10^(i/k - 1) times {@code scale}
     */
    public ControlNetOutput forward(Tensor sample, float[] timesteps, Conditioning cond, Tensor controlImage, float scale,
                                    boolean guessMode) {
        Backend be = backend;
        int batch = sample.dim(0);
        UNetConfig u = config.unet();
        int down = config.downscale();
        if (controlImage.rank() != 4 || controlImage.dim(0) != batch || controlImage.dim(1) != config.conditioningChannels()
                || controlImage.dim(2) != sample.dim(2) * down || controlImage.dim(3) != sample.dim(3) * down) {
            throw new IllegalArgumentException("the control image must be [" + batch + ", " + config.conditioningChannels() + ", "
                    + sample.dim(2) * down + ", " + sample.dim(3) * down + "] for a latent of " + Arrays.toString(sample.shape())
                    + " (this ControlNet downsamples " + down + "x), got " + Arrays.toString(controlImage.shape()));
        }
        Tensor context = cond.encoderHiddenStates();
        if (config.bgr()) controlImage = flipChannels(be, controlImage);

        float[] t = timesteps.length == batch ? timesteps : broadcast(timesteps, batch);
        Tensor emb = timeEmbedding.forward(be, be.timestepEmbedding(t, u.blockOutChannels()[0], u.flipSinToCos(), (float) u.freqShift(), 1f, 10000));
        if (addEmbedding != null) emb = be.add(emb, addEmbedding.forward(be, textTimeEmbeds(be, cond, batch)));

        Tensor x = convIn.forward(be, sample);
        Tensor c = be.silu(condIn.forward(be, controlImage));
        for (Conv2d block : condBlocks) c = be.silu(block.forward(be, c));
        x = be.add(x, condOut.forward(be, c));

        List<Tensor> skips = new ArrayList<>();
        skips.add(x);
        for (Level level : levels) {
            for (int j = 0; j < level.resnets().size(); j++) {
                x = level.resnets().get(j).forward(be, x, emb);
                if (!level.attentions().isEmpty()) x = level.attentions().get(j).forward(be, x, context, jdiffusion.models.nn.Trace.NONE, "");
                skips.add(x);
            }
            if (level.downsampler() != null) {
                x = level.downsampler().forward(be, x);
                skips.add(x);
            }
        }
        x = midResnet0.forward(be, x, emb);
        for (int i = 0; i < midAttentions.size(); i++) {
            x = midAttentions.get(i).forward(be, x, context, jdiffusion.models.nn.Trace.NONE, "");
            x = midResnets.get(i).forward(be, x, emb);
        }

        int k = skips.size();
        List<Tensor> res = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            float s = guessMode && !config.globalPoolConditions() ? (float) (Math.pow(10, (double) i / k - 1) * scale) : scale;
            res.add(pool(be, be.scale(zeroConvs.get(i).forward(be, skips.get(i)), s)));
        }
        // guess mode's last (mid) scale is 10^0: the plain scale
        Tensor midRes = pool(be, be.scale(midZeroConv.forward(be, x), scale));
        return new ControlNetOutput(res, midRes);
    }

    /** global_pool_conditions: each residual averaged over its spatial positions, [N, C, 1, 1]. */
    private Tensor pool(Backend be, Tensor r) {
        if (!config.globalPoolConditions()) return r;
        Tensor h = be.toHost(r);
        int n = h.dim(0);
        int ch = h.dim(1);
        int plane = h.dim(2) * h.dim(3);
        float[] v = h.toFloatArray();
        float[] out = new float[n * ch];
        for (int i = 0; i < n * ch; i++) {
            double s = 0;
            for (int j = 0; j < plane; j++) s += v[i * plane + j];
            out[i] = (float) (s / plane);
        }
        return be.fromHost(Tensor.wrap(out, n, ch, 1, 1));
    }

    private static Tensor flipChannels(Backend be, Tensor img) {
        Tensor h = be.toHost(img);
        int n = h.dim(0);
        int c = h.dim(1);
        int plane = h.dim(2) * h.dim(3);
        float[] v = h.toFloatArray();
        float[] out = new float[v.length];
        for (int b = 0; b < n; b++) {
            for (int ci = 0; ci < c; ci++) {
                System.arraycopy(v, (b * c + ci) * plane, out, (b * c + (c - 1 - ci)) * plane, plane);
            }
        }
        return be.fromHost(Tensor.wrap(out, h.shape()));
    }

    private Tensor textTimeEmbeds(Backend be, Conditioning cond, int batch) {
        UNetConfig u = config.unet();
        if (cond.textEmbeds() == null || cond.timeIds() == null) {
            throw new IllegalArgumentException("this ControlNet has addition_embed_type \"text_time\" (SDXL): it needs text_embeds and time_ids");
        }
        float[] ids = be.toHost(cond.timeIds()).toFloatArray();
        int dim = u.additionTimeEmbedDim();
        Tensor timeEmbeds = be.timestepEmbedding(ids, dim, u.flipSinToCos(), (float) u.freqShift(), 1f, 10000)
                .reshape(batch, ids.length / batch * dim);
        return be.concat(1, cond.textEmbeds(), timeEmbeds);
    }

    private static float[] broadcast(float[] t, int batch) {
        if (t.length != 1) throw new IllegalArgumentException(t.length + " timesteps for a batch of " + batch);
        float[] out = new float[batch];
        Arrays.fill(out, t[0]);
        return out;
    }
}

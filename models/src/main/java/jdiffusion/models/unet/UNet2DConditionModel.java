package jdiffusion.models.unet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.model.NoisePredictor;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.nn.Conv2d;
import jdiffusion.models.nn.GroupNorm;
import jdiffusion.models.nn.Params;
import jdiffusion.models.nn.Trace;
import jdiffusion.models.nn.TimestepEmbedding;

/**
 * Stable Diffusion's denoising U-Net (Ronneberger et al. 2015 as adapted by Rombach et al. 2022), built
 * from a diffusers {@code UNet2DConditionModel} config and its weights, with diffusers' order of
 * operations: sinusoidal timestep embedding and its MLP (plus SDXL's size/crop and pooled-text
 * embedding), conv_in, down blocks collecting skip connections (plus ControlNet residuals), the mid block,
 * up blocks consuming the skips, GroupNorm, SiLU, conv_out.
 *
 * <p>Covers SD 1.x, SD 2.x (linear projections, per-block head counts), SDXL (transformer depth per
 * block, {@code text_time} embedding) and inpainting UNets (9 input channels). Immutable and thread-safe.
 */
public final class UNet2DConditionModel implements NoisePredictor {

    private final UNetConfig config;
    private final Backend backend;
    private final Parameterization parameterization;
    private final TimestepEmbedding timeEmbedding;
    private final TimestepEmbedding addEmbedding;   // SDXL text_time, else null
    private final Conv2d convIn;
    private final List<DownBlock> downBlocks = new ArrayList<>();
    private final MidBlock midBlock;                // null when mid_block_type is null
    private final List<UpBlock> upBlocks = new ArrayList<>();
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    /** Builds the network; every weight is checked against the shape the config implies. */
    public UNet2DConditionModel(UNetConfig config, Params p, Parameterization parameterization) {
        this.config = config;
        this.backend = p.backend();
        this.parameterization = parameterization;
        int[] ch = config.blockOutChannels();
        int n = ch.length;
        int temb = config.timeEmbedDim();
        this.timeEmbedding = new TimestepEmbedding(p.child("time_embedding"), ch[0], temb);
        this.addEmbedding = config.additionEmbedType() == null ? null
                : new TimestepEmbedding(p.child("add_embedding"), config.projectionClassEmbeddingsInputDim(), temb);
        this.convIn = new Conv2d(p.child("conv_in"), config.inChannels(), ch[0], config.convInKernel(), 1, (config.convInKernel() - 1) / 2);
        int out = ch[0];
        for (int i = 0; i < n; i++) {
            int in = out;
            out = ch[i];
            downBlocks.add(new DownBlock(p.child("down_blocks", i), config, i, in, out, temb,
                    config.downBlockTypes().get(i).equals("CrossAttnDownBlock2D"), i < n - 1));
        }
        this.midBlock = config.midBlockType() == null ? null : new MidBlock(p.child("mid_block"), config, ch[n - 1], temb);
        out = ch[n - 1];
        for (int i = 0; i < n; i++) {
            int prev = out;
            out = ch[n - 1 - i];
            int skipIn = ch[n - 1 - Math.min(i + 1, n - 1)];
            upBlocks.add(new UpBlock(p.child("up_blocks", i), config, i, prev, out, skipIn, temb,
                    config.upBlockTypes().get(i).equals("CrossAttnUpBlock2D"), i < n - 1));
        }
        this.convNormOut = new GroupNorm(p.child("conv_norm_out"), config.normNumGroups(), ch[0], (float) config.normEps());
        this.convOut = new Conv2d(p.child("conv_out"), ch[0], config.outChannels(), config.convOutKernel(), 1, (config.convOutKernel() - 1) / 2);
    }

    public UNetConfig config() {
        return config;
    }

    @Override
    public int inChannels() {
        return config.inChannels();
    }

    @Override
    public Parameterization parameterization() {
        return parameterization;
    }

    @Override
    public Tensor predict(Tensor sample, float[] timesteps, Conditioning conditioning) {
        return forward(sample, timesteps, conditioning, Trace.NONE);
    }

    /**
     * The forward pass. {@code sample} [N, in_channels, h, w]; {@code timesteps} one value or one per
     * batch item; the conditioning's text embeddings [N, L, cross_attention_dim] (plus SDXL's
     * text_embeds [N, P] and time_ids [N, 6], and ControlNet residuals when present).
     */
    public Tensor forward(Tensor sample, float[] timesteps, Conditioning cond, Trace trace) {
        Backend be = backend;
        int batch = sample.dim(0);
        if (sample.rank() != 4 || sample.dim(1) != config.inChannels()) {
            throw new IllegalArgumentException("UNet sample must be [N, " + config.inChannels() + ", h, w], got "
                    + Arrays.toString(sample.shape()));
        }
        float[] t = broadcastTimesteps(timesteps, batch);
        Tensor context = cond.encoderHiddenStates();
        if (context == null || context.rank() != 3 || context.dim(0) != batch) {
            throw new IllegalArgumentException("encoder_hidden_states must be [" + batch + ", tokens, dim], got "
                    + (context == null ? "null" : Arrays.toString(context.shape())));
        }
        int upFactor = 1 << config.upsamplers();
        boolean forwardUpsampleSize = sample.dim(2) % upFactor != 0 || sample.dim(3) % upFactor != 0;

        Tensor x = sample;
        if (config.centerInputSample()) x = be.add(be.scale(x, 2f), be.fromHost(Tensor.wrap(new float[]{-1f}, 1)));
        Tensor tEmb = be.timestepEmbedding(t, config.blockOutChannels()[0], config.flipSinToCos(), (float) config.freqShift(), 1f, 10000);
        trace.record("time_proj", tEmb);
        Tensor emb = timeEmbedding.forward(be, tEmb);
        trace.record("time_embedding", emb);
        if (addEmbedding != null) {
            Tensor aug = addEmbedding.forward(be, textTimeEmbeds(cond, batch, trace));
            trace.record("add_embedding", aug);
            emb = be.add(emb, aug);
        }

        x = convIn.forward(be, x);
        trace.record("conv_in", x);
        List<Tensor> skips = new ArrayList<>();
        skips.add(x);
        for (int i = 0; i < downBlocks.size(); i++) {
            int before = skips.size();
            x = downBlocks.get(i).forward(be, x, emb, context, skips, trace, "down_blocks." + i);
            if (trace.enabled()) {
                trace.record("down_blocks." + i + ".hidden", x);
                for (int j = before; j < skips.size(); j++) trace.record("down_blocks." + i + ".res." + (j - before), skips.get(j));
            }
        }
        List<Tensor> controlDown = cond.downBlockResiduals();
        Tensor controlMid = cond.midBlockResidual();
        if (!controlDown.isEmpty() || controlMid != null) {
            if (controlDown.size() != skips.size() || controlMid == null) {
                throw new IllegalArgumentException("ControlNet residuals: expected " + skips.size()
                        + " down-block residuals and a mid-block residual, got " + controlDown.size()
                        + (controlMid == null ? " and no mid-block residual" : ""));
            }
            for (int i = 0; i < skips.size(); i++) skips.set(i, be.add(skips.get(i), controlDown.get(i)));
        }
        if (midBlock != null) {
            x = midBlock.forward(be, x, emb, context, trace, "mid_block");
            trace.record("mid_block", x);
        }
        if (controlMid != null) x = be.add(x, controlMid);
        for (int i = 0; i < upBlocks.size(); i++) {
            UpBlock up = upBlocks.get(i);
            int upH = x.dim(2) * 2;
            int upW = x.dim(3) * 2;
            if (forwardUpsampleSize && i < upBlocks.size() - 1) {
                // diffusers passes the size of the skip the next block will meet (skips before this block's own)
                Tensor next = skips.get(skips.size() - up.layers() - 1);
                upH = next.dim(2);
                upW = next.dim(3);
            }
            x = up.forward(be, x, emb, context, skips, upH, upW, trace, "up_blocks." + i);
            trace.record("up_blocks." + i, x);
        }
        x = convNormOut.forward(be, x);
        trace.record("conv_norm_out", x);
        return convOut.forward(be, be.silu(x));
    }

    /** SDXL's added conditioning: [text_embeds, Timesteps(time_ids) reshaped to [N, 6 * dim]]. */
    private Tensor textTimeEmbeds(Conditioning cond, int batch, Trace trace) {
        Backend be = backend;
        Tensor textEmbeds = cond.textEmbeds();
        Tensor timeIds = cond.timeIds();
        if (textEmbeds == null || timeIds == null) {
            throw new IllegalArgumentException("this UNet has addition_embed_type \"text_time\" (SDXL): it needs "
                    + "text_embeds [N, pooled dim] and time_ids [N, 6] in its conditioning");
        }
        Tensor ids = be.toHost(timeIds);
        float[] flat = ids.toFloatArray();
        if (ids.dim(0) != batch) {
            throw new IllegalArgumentException("time_ids has batch " + ids.dim(0) + ", the sample has " + batch);
        }
        int dim = config.additionTimeEmbedDim();
        Tensor timeProj = be.timestepEmbedding(flat, dim, config.flipSinToCos(), (float) config.freqShift(), 1f, 10000);
        trace.record("add_time_proj", timeProj);
        Tensor timeEmbeds = timeProj.reshape(batch, flat.length / batch * dim);
        Tensor add = be.concat(1, textEmbeds, timeEmbeds);
        if (add.dim(1) != config.projectionClassEmbeddingsInputDim()) {
            throw new IllegalArgumentException("text_embeds " + Arrays.toString(textEmbeds.shape()) + " and time_ids "
                    + Arrays.toString(ids.shape()) + " give " + add.dim(1) + " features; projection_class_embeddings_input_dim is "
                    + config.projectionClassEmbeddingsInputDim());
        }
        return add;
    }

    private static float[] broadcastTimesteps(float[] timesteps, int batch) {
        if (timesteps.length == batch) return timesteps;
        if (timesteps.length == 1) {
            float[] t = new float[batch];
            Arrays.fill(t, timesteps[0]);
            return t;
        }
        throw new IllegalArgumentException(timesteps.length + " timesteps for a batch of " + batch + " (give 1 or " + batch + ")");
    }
}

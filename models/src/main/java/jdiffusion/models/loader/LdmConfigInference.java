package jdiffusion.models.loader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdiffusion.core.Config;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.weights.WeightException;
import jdiffusion.models.weights.WeightSource;

/**
 * diffusers-style configs for the networks of a single-file checkpoint, from what the tensor shapes tell
 * (channels, blocks, resnets per block, transformer depth, context width, linear projections, latent
 * channels, ...) and, for what they cannot tell, the family's defaults: attention heads (8 per block for
 * SD 1.x, 64-wide heads for SD 2.x and SDXL), GroupNorm groups (32), SDXL's size embedding width (256),
 * the VAE scaling factor (0.18215, SDXL 0.13025). A user-supplied config replaces these guesses.
 */
public final class LdmConfigInference {

    private static final Pattern INPUT = Pattern.compile("input_blocks\\.(\\d+)\\.(\\d+)\\.(.+)");
    private static final Pattern OUTPUT = Pattern.compile("output_blocks\\.(\\d+)\\.(\\d+)\\.(.+)");
    private static final Pattern TBLOCK = Pattern.compile("transformer_blocks\\.(\\d+)\\..+");

    private LdmConfigInference() {
    }

    /** Per LDM input/output block: its resnet's output channels, downsampler/upsampler, transformer depth. */
    private static final class Slot {
        int resnetOut = -1;
        boolean resample;
        int transformerDepth;
        int contextDim = -1;
        boolean linearProjection;
    }

    private static TreeMap<Integer, Slot> slots(WeightSource w, String prefix, Pattern p) {
        TreeMap<Integer, Slot> slots = new TreeMap<>();
        for (String key : w.names()) {
            if (!key.startsWith(prefix)) continue;
            Matcher m = p.matcher(key.substring(prefix.length()));
            if (!m.matches()) continue;
            Slot s = slots.computeIfAbsent(Integer.parseInt(m.group(1)), i -> new Slot());
            int sub = Integer.parseInt(m.group(2));
            String rest = m.group(3);
            if (rest.startsWith("op.") || rest.startsWith("conv.")) {
                s.resample = true;
            } else if (sub == 0 && rest.equals("out_layers.3.weight")) {
                s.resnetOut = w.tensor(key).dim(0);
            } else if (sub >= 1) {
                Matcher t = TBLOCK.matcher(rest);
                if (t.matches()) s.transformerDepth = Math.max(s.transformerDepth, Integer.parseInt(t.group(1)) + 1);
                if (rest.endsWith("attn2.to_k.weight")) s.contextDim = w.tensor(key).dim(1);
                if (rest.equals("proj_in.weight")) s.linearProjection = w.tensor(key).rank() == 2;
            }
        }
        return slots;
    }

    /** The UNet's config, inferred from the tensors under {@code model.diffusion_model.} of a {@code family} checkpoint. */
    public static Config unet(WeightSource w, String family) {
        String p = CheckpointKind.LDM_UNET;
        Tensor convIn = w.tensor(p + "input_blocks.0.0.weight");
        Tensor convOut = w.tensor(p + "out.2.weight");
        int c0 = convIn.dim(0);
        TreeMap<Integer, Slot> in = slots(w, p, INPUT);
        in.remove(0);
        List<Integer> channels = new ArrayList<>();
        List<Integer> layers = new ArrayList<>();
        List<String> downTypes = new ArrayList<>();
        List<List<Integer>> depth = new ArrayList<>();
        int contextDim = -1;
        boolean linear = false;
        List<Integer> cur = new ArrayList<>();
        int curChannels = -1;
        boolean attn = false;
        for (Slot s : in.values()) {
            if (s.resample) {
                channels.add(curChannels);
                layers.add(cur.size());
                downTypes.add(attn ? "CrossAttnDownBlock2D" : "DownBlock2D");
                depth.add(cur);
                cur = new ArrayList<>();
                attn = false;
                continue;
            }
            curChannels = s.resnetOut;
            cur.add(s.transformerDepth);
            attn |= s.transformerDepth > 0;
            if (s.contextDim > 0) contextDim = s.contextDim;
            linear |= s.linearProjection;
        }
        channels.add(curChannels);
        layers.add(cur.size());
        downTypes.add(attn ? "CrossAttnDownBlock2D" : "DownBlock2D");
        depth.add(cur);
        int n = channels.size();

        TreeMap<Integer, Slot> out = slots(w, p, OUTPUT);
        List<String> upTypes = new ArrayList<>();
        List<List<Integer>> upDepth = new ArrayList<>();
        int idx = 0;
        List<Slot> outSlots = new ArrayList<>(out.values());
        for (int b = 0; b < n; b++) {
            int count = layers.get(n - 1 - b) + 1;
            List<Integer> d = new ArrayList<>();
            boolean a = false;
            for (int l = 0; l < count && idx < outSlots.size(); l++, idx++) {
                d.add(outSlots.get(idx).transformerDepth);
                a |= outSlots.get(idx).transformerDepth > 0;
            }
            upTypes.add(a ? "CrossAttnUpBlock2D" : "UpBlock2D");
            upDepth.add(d);
        }

        Map<String, Object> c = new LinkedHashMap<>();
        c.put("in_channels", (long) convIn.dim(1));
        c.put("out_channels", (long) convOut.dim(0));
        c.put("conv_in_kernel", (long) convIn.dim(2));
        c.put("conv_out_kernel", (long) convOut.dim(2));
        c.put("block_out_channels", longs(channels));
        c.put("down_block_types", downTypes);
        c.put("up_block_types", upTypes);
        c.put("layers_per_block", uniform(layers) ? (Object) (long) layers.get(0) : longs(layers));
        c.put("cross_attention_dim", (long) (contextDim > 0 ? contextDim : 768));
        c.put("use_linear_projection", linear);
        c.put("norm_num_groups", 32L);
        int timeDim = w.tensor(p + "time_embed.0.weight").dim(0);
        if (timeDim != 4 * c0) c.put("time_embedding_dim", (long) timeDim);
        List<Object> heads = new ArrayList<>();
        for (int ch : channels) heads.add((long) (family.equals("sd1") || ch % 64 != 0 ? 8 : ch / 64));
        c.put("attention_head_dim", family.equals("sd1") ? (Object) 8L : heads);
        // transformer depth per block: SDXL varies it; the mid block uses the last block's (diffusers' rule)
        List<Object> tl = new ArrayList<>();
        boolean uniformDepth = true;
        for (int b = 0; b < n; b++) {
            List<Integer> d = depth.get(b);
            int first = d.isEmpty() ? 1 : Math.max(1, d.get(0));
            tl.add((long) first);
            if (first != 1) uniformDepth = false;
        }
        Slot mid = null;
        for (String key : w.names()) {
            if (key.startsWith(p + "middle_block.1.transformer_blocks.")) {
                mid = mid == null ? new Slot() : mid;
                Matcher t = TBLOCK.matcher(key.substring((p + "middle_block.1.").length()));
                if (t.matches()) mid.transformerDepth = Math.max(mid.transformerDepth, Integer.parseInt(t.group(1)) + 1);
            }
        }
        if (mid != null && mid.transformerDepth != (long) (Long) tl.get(n - 1)) {
            throw new WeightException(w.description() + ": the mid block has " + mid.transformerDepth
                    + " transformer layers but the last down block " + tl.get(n - 1) + "; pass an explicit UNet config");
        }
        c.put("transformer_layers_per_block", uniformDepth ? (Object) 1L : tl);
        if (mid == null) c.put("mid_block_type", null);
        if (w.contains(p + "label_emb.0.0.weight")) {
            c.put("addition_embed_type", "text_time");
            c.put("addition_time_embed_dim", 256L);
            c.put("projection_class_embeddings_input_dim", (long) w.tensor(p + "label_emb.0.0.weight").dim(1));
        }
        return Config.of(w.description() + " (UNet config inferred from tensor shapes, " + family + " defaults)", c);
    }

    /** The VAE's config from the tensors under {@code prefix}. */
    public static Config vae(WeightSource w, String prefix, String family) {
        Map<String, Object> c = new LinkedHashMap<>();
        Tensor convIn = w.tensor(prefix + "encoder.conv_in.weight");
        List<Integer> channels = new ArrayList<>();
        for (int i = 0; w.contains(prefix + "encoder.down." + i + ".block.0.conv2.weight"); i++) {
            channels.add(w.tensor(prefix + "encoder.down." + i + ".block.0.conv2.weight").dim(0));
        }
        int layers = 0;
        while (w.contains(prefix + "encoder.down.0.block." + layers + ".conv1.weight")) layers++;
        c.put("in_channels", (long) convIn.dim(1));
        c.put("out_channels", (long) w.tensor(prefix + "decoder.conv_out.weight").dim(0));
        c.put("latent_channels", (long) w.tensor(prefix + "decoder.conv_in.weight").dim(1));
        c.put("block_out_channels", longs(channels));
        c.put("down_block_types", java.util.Collections.nCopies(channels.size(), "DownEncoderBlock2D"));
        c.put("up_block_types", java.util.Collections.nCopies(channels.size(), "UpDecoderBlock2D"));
        c.put("layers_per_block", (long) layers);
        c.put("norm_num_groups", 32L);
        c.put("mid_block_add_attention", w.contains(prefix + "encoder.mid.attn_1.q.weight") || w.contains(prefix + "decoder.mid.attn_1.q.weight"));
        c.put("use_quant_conv", w.contains(prefix + "quant_conv.weight"));
        c.put("use_post_quant_conv", w.contains(prefix + "post_quant_conv.weight"));
        c.put("scaling_factor", family.startsWith("sdxl") ? 0.13025 : 0.18215);
        c.put("sample_size", family.startsWith("sdxl") ? 1024L : family.equals("sd2") ? 768L : 512L);
        return Config.of(w.description() + " (VAE config inferred from tensor shapes)", c);
    }

    /** A transformers-layout CLIP text encoder's config from the tensors of {@code w} (already renamed). */
    public static Config clip(WeightSource w, boolean openClip) {
        Tensor tok = w.tensor("text_model.embeddings.token_embedding.weight");
        int layers = 0;
        while (w.contains("text_model.encoder.layers." + layers + ".mlp.fc1.weight")) layers++;
        int hidden = tok.dim(1);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("hidden_size", (long) hidden);
        c.put("vocab_size", (long) tok.dim(0));
        c.put("max_position_embeddings", (long) w.tensor("text_model.embeddings.position_embedding.weight").dim(0));
        c.put("num_hidden_layers", (long) layers);
        c.put("intermediate_size", (long) w.tensor("text_model.encoder.layers.0.mlp.fc1.weight").dim(0));
        c.put("num_attention_heads", (long) Math.max(1, hidden / 64));
        c.put("hidden_act", openClip ? "gelu" : "quick_gelu");
        c.put("layer_norm_eps", 1e-5);
        c.put("eos_token_id", 2L);
        if (w.contains("text_projection")) {
            c.put("projection_dim", (long) w.tensor("text_projection").dim(1));
            c.put("architectures", List.of("CLIPTextModelWithProjection"));
        } else if (w.contains("text_projection.weight")) {
            c.put("projection_dim", (long) w.tensor("text_projection.weight").dim(0));
            c.put("architectures", List.of("CLIPTextModelWithProjection"));
        } else {
            c.put("architectures", List.of("CLIPTextModel"));
        }
        return Config.of(w.description() + " (text encoder config inferred from tensor shapes)", c);
    }

    private static List<Long> longs(List<Integer> v) {
        return v.stream().map(Integer::longValue).toList();
    }

    private static boolean uniform(List<Integer> v) {
        return v.stream().distinct().count() == 1;
    }
}

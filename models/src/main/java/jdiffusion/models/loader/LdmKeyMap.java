package jdiffusion.models.loader;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.unet.UNetConfig;
import jdiffusion.models.weights.MappedWeights;
import jdiffusion.models.weights.WeightException;
import jdiffusion.models.weights.WeightSource;

/**
 * The original CompVis/LDM (and OpenCLIP) key names of single-file checkpoints, seen under diffusers' and
 * transformers' names, the renaming diffusers' {@code convert_ldm_unet_checkpoint},
 * {@code convert_ldm_vae_checkpoint}, {@code convert_ldm_clip_checkpoint} and
 * {@code convert_open_clip_checkpoint} perform, done as a name map over the memory-mapped file: no tensor
 * is converted or copied (the VAE attention's 1x1-conv weights are re-viewed as matrices, OpenCLIP's fused
 * q/k/v projection is viewed as three row ranges).
 */
public final class LdmKeyMap {

    private static final Pattern INPUT = Pattern.compile("input_blocks\\.(\\d+)\\.(\\d+)\\.(.+)");
    private static final Pattern MIDDLE = Pattern.compile("middle_block\\.(\\d+)\\.(.+)");
    private static final Pattern OUTPUT = Pattern.compile("output_blocks\\.(\\d+)\\.(\\d+)\\.(.+)");
    private static final Pattern VAE_DOWN = Pattern.compile("encoder\\.down\\.(\\d+)\\.(block\\.(\\d+)|downsample)\\.(.+)");
    private static final Pattern VAE_UP = Pattern.compile("decoder\\.up\\.(\\d+)\\.(block\\.(\\d+)|upsample)\\.(.+)");
    private static final Pattern VAE_MID = Pattern.compile("(encoder|decoder)\\.mid\\.(block_(\\d)|attn_1)\\.(.+)");
    private static final Pattern RESBLOCK = Pattern.compile("transformer\\.resblocks\\.(\\d+)\\.(.+)");

    private LdmKeyMap() {
    }

    /** diffusers' renaming inside a UNet resnet ({@code in_layers.0} to {@code norm1}, ...). */
    private static String resnet(String rest) {
        return rest.replace("in_layers.0", "norm1").replace("in_layers.2", "conv1")
                .replace("out_layers.0", "norm2").replace("out_layers.3", "conv2")
                .replace("emb_layers.1", "time_emb_proj").replace("skip_connection", "conv_shortcut");
    }

    /**
     * The UNet under {@code prefix} ({@code model.diffusion_model.}) with diffusers names, for the block
     * layout of {@code config} (layers per block decide which input block is which resnet or downsampler).
     */
    public static WeightSource unet(WeightSource ldm, String prefix, UNetConfig config) {
        int n = config.blockOutChannels().length;
        Map<Integer, String> inputs = new HashMap<>();   // LDM input block -> diffusers module
        int idx = 1;
        for (int b = 0; b < n; b++) {
            for (int l = 0; l < config.layersPerBlock()[b]; l++) inputs.put(idx++, "down_blocks." + b + "/" + l);
            if (b < n - 1) inputs.put(idx++, "down_blocks." + b + "/down");
        }
        Map<Integer, String> outputs = new HashMap<>();
        idx = 0;
        for (int b = 0; b < n; b++) {
            int layers = config.layersPerBlock()[n - 1 - b] + 1;
            for (int l = 0; l < layers; l++) outputs.put(idx++, "up_blocks." + b + "/" + l);
        }
        Map<String, String> names = new LinkedHashMap<>();
        for (String key : ldm.names()) {
            if (!key.startsWith(prefix)) continue;
            String k = key.substring(prefix.length());
            String d = unetName(k, inputs, outputs);
            if (d != null) names.put(d, key);
        }
        return new MappedWeights(ldm, names, Map.of());
    }

    private static String unetName(String k, Map<Integer, String> inputs, Map<Integer, String> outputs) {
        switch (k) {
            case "time_embed.0.weight": return "time_embedding.linear_1.weight";
            case "time_embed.0.bias": return "time_embedding.linear_1.bias";
            case "time_embed.2.weight": return "time_embedding.linear_2.weight";
            case "time_embed.2.bias": return "time_embedding.linear_2.bias";
            case "label_emb.0.0.weight": return "add_embedding.linear_1.weight";
            case "label_emb.0.0.bias": return "add_embedding.linear_1.bias";
            case "label_emb.0.2.weight": return "add_embedding.linear_2.weight";
            case "label_emb.0.2.bias": return "add_embedding.linear_2.bias";
            case "input_blocks.0.0.weight": return "conv_in.weight";
            case "input_blocks.0.0.bias": return "conv_in.bias";
            case "out.0.weight": return "conv_norm_out.weight";
            case "out.0.bias": return "conv_norm_out.bias";
            case "out.2.weight": return "conv_out.weight";
            case "out.2.bias": return "conv_out.bias";
            default: break;
        }
        Matcher m = INPUT.matcher(k);
        if (m.matches()) {
            String where = inputs.get(Integer.parseInt(m.group(1)));
            if (where == null) return null;
            String block = where.substring(0, where.indexOf('/'));
            String layer = where.substring(where.indexOf('/') + 1);
            int sub = Integer.parseInt(m.group(2));
            String rest = m.group(3);
            if (layer.equals("down")) return rest.startsWith("op.") ? block + ".downsamplers.0.conv." + rest.substring(3) : null;
            return sub == 0 ? block + ".resnets." + layer + "." + resnet(rest) : block + ".attentions." + layer + "." + rest;
        }
        m = MIDDLE.matcher(k);
        if (m.matches()) {
            int i = Integer.parseInt(m.group(1));
            return i % 2 == 0 ? "mid_block.resnets." + (i / 2) + "." + resnet(m.group(2))
                    : "mid_block.attentions." + (i / 2) + "." + m.group(2);
        }
        m = OUTPUT.matcher(k);
        if (m.matches()) {
            String where = outputs.get(Integer.parseInt(m.group(1)));
            if (where == null) return null;
            String block = where.substring(0, where.indexOf('/'));
            String layer = where.substring(where.indexOf('/') + 1);
            int sub = Integer.parseInt(m.group(2));
            String rest = m.group(3);
            if (sub == 0) return block + ".resnets." + layer + "." + resnet(rest);
            // the upsampler is the block's last module: .1.conv without attention, .2.conv with it
            if (rest.startsWith("conv.")) return block + ".upsamplers.0.conv." + rest.substring(5);
            return sub == 1 ? block + ".attentions." + layer + "." + rest : null;
        }
        return null;
    }

    /** The VAE under {@code prefix} ({@code first_stage_model.}) with diffusers names; {@code levels} = len(block_out_channels). */
    public static WeightSource vae(WeightSource ldm, String prefix, int levels) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, UnaryOperator<Tensor>> views = new HashMap<>();
        for (String key : ldm.names()) {
            if (!key.startsWith(prefix)) continue;
            String k = key.substring(prefix.length());
            String d = vaeName(k, levels);
            if (d == null) continue;
            names.put(d, key);
            if (d.contains("mid_block.attentions.0.to_") && d.endsWith(".weight")) {
                // LDM stores q/k/v/proj_out as 1x1 convolutions [C, C, 1, 1]; diffusers as linear [C, C]
                views.put(d, t -> t.rank() == 4 ? t.reshape(t.dim(0), t.dim(1)) : t);
            }
        }
        return new MappedWeights(ldm, names, views);
    }

    private static String vaeName(String k, int levels) {
        for (String part : new String[]{"encoder", "decoder"}) {
            if (k.startsWith(part + ".norm_out.")) return part + ".conv_norm_out." + k.substring(part.length() + 10);
            if (k.startsWith(part + ".conv_in.") || k.startsWith(part + ".conv_out.")) return k;
        }
        if (k.startsWith("quant_conv.") || k.startsWith("post_quant_conv.")) return k;
        Matcher m = VAE_DOWN.matcher(k);
        if (m.matches()) {
            String rest = m.group(4).replace("nin_shortcut", "conv_shortcut");
            return m.group(3) != null ? "encoder.down_blocks." + m.group(1) + ".resnets." + m.group(3) + "." + rest
                    : "encoder.down_blocks." + m.group(1) + ".downsamplers.0." + rest;
        }
        m = VAE_UP.matcher(k);
        if (m.matches()) {
            int i = levels - 1 - Integer.parseInt(m.group(1));
            if (i < 0) return null;
            String rest = m.group(4).replace("nin_shortcut", "conv_shortcut");
            return m.group(3) != null ? "decoder.up_blocks." + i + ".resnets." + m.group(3) + "." + rest
                    : "decoder.up_blocks." + i + ".upsamplers.0." + rest;
        }
        m = VAE_MID.matcher(k);
        if (m.matches()) {
            String part = m.group(1);
            String rest = m.group(4);
            if (m.group(3) != null) {
                return part + ".mid_block.resnets." + (Integer.parseInt(m.group(3)) - 1) + "." + rest.replace("nin_shortcut", "conv_shortcut");
            }
            String attn = switch (rest) {
                case "norm.weight" -> "group_norm.weight";
                case "norm.bias" -> "group_norm.bias";
                case "q.weight", "q.bias", "k.weight", "k.bias", "v.weight", "v.bias" -> "to_" + rest;
                case "proj_out.weight" -> "to_out.0.weight";
                case "proj_out.bias" -> "to_out.0.bias";
                default -> null;
            };
            return attn == null ? null : part + ".mid_block.attentions.0." + attn;
        }
        return null;
    }

    /**
     * An OpenAI CLIP text encoder stored with transformers' names under {@code prefix}
     * ({@code cond_stage_model.transformer.}, {@code conditioner.embedders.0.transformer.}).
     */
    public static WeightSource clip(WeightSource ldm, String prefix) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String key : ldm.names()) {
            if (key.startsWith(prefix)) {
                String k = key.substring(prefix.length());
                if (!k.startsWith("text_model.") && !k.equals("text_projection.weight")) k = "text_model." + k;
                names.put(k, key);
            }
        }
        return new MappedWeights(ldm, names, Map.of());
    }

    /**
     * An OpenCLIP text tower under {@code prefix} ({@code cond_stage_model.model.},
     * {@code conditioner.embedders.1.model.}) with transformers' names, keeping its first {@code layers}
     * resblocks (SD 2.x uses one fewer than stored). The fused {@code in_proj} of each block is viewed as
     * q, k and v; the projection stays in OpenCLIP's [hidden, projection] layout under {@code text_projection}.
     */
    public static WeightSource openClip(WeightSource ldm, String prefix, int layers) {
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, UnaryOperator<Tensor>> views = new HashMap<>();
        for (String key : ldm.names()) {
            if (!key.startsWith(prefix)) continue;
            String k = key.substring(prefix.length());
            switch (k) {
                case "positional_embedding" -> names.put("text_model.embeddings.position_embedding.weight", key);
                case "token_embedding.weight" -> names.put("text_model.embeddings.token_embedding.weight", key);
                case "ln_final.weight" -> names.put("text_model.final_layer_norm.weight", key);
                case "ln_final.bias" -> names.put("text_model.final_layer_norm.bias", key);
                case "text_projection" -> names.put("text_projection", key);
                default -> {
                    Matcher m = RESBLOCK.matcher(k);
                    if (!m.matches() || Integer.parseInt(m.group(1)) >= layers) break;
                    String base = "text_model.encoder.layers." + m.group(1) + ".";
                    String rest = m.group(2);
                    if (rest.equals("attn.in_proj_weight") || rest.equals("attn.in_proj_bias")) {
                        String kind = rest.endsWith("weight") ? "weight" : "bias";
                        String[] qkv = {"q_proj", "k_proj", "v_proj"};
                        for (int i = 0; i < 3; i++) {
                            int part = i;
                            String name = base + "self_attn." + qkv[i] + "." + kind;
                            names.put(name, key);
                            views.put(name, t -> {
                                int h = t.dim(0) / 3;
                                return t.slice(part * h, (part + 1) * h);
                            });
                        }
                    } else {
                        String r = rest.replace("ln_1", "layer_norm1").replace("ln_2", "layer_norm2")
                                .replace("mlp.c_fc", "mlp.fc1").replace("mlp.c_proj", "mlp.fc2")
                                .replace("attn.out_proj", "self_attn.out_proj");
                        names.put(base + r, key);
                    }
                }
            }
        }
        if (names.isEmpty()) throw new WeightException(ldm.description() + ": no OpenCLIP text encoder under " + prefix);
        return new MappedWeights(ldm, names, views);
    }
}

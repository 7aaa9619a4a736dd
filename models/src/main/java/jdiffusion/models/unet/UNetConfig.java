package jdiffusion.models.unet;

import java.util.List;
import jdiffusion.core.Config;

/**
 * The parts of a diffusers {@code UNet2DConditionModel} config.json that Stable Diffusion 1.x, 2.x, SDXL and
 * their inpainting variants use, resolved per block as diffusers' constructor resolves them
 * ({@code attention_head_dim} is really the number of heads; lists are per down block and reversed for
 * the up blocks; the mid block takes the last entry). Options outside this set are rejected with an
 * error naming the key and value.
 *
 * @param transformerLayers per down block, per resnet layer: transformer blocks in its attention
 * @param upTransformerLayers per up block, per resnet layer
 */
public record UNetConfig(int inChannels, int outChannels, boolean centerInputSample, boolean flipSinToCos, double freqShift,
                         List<String> downBlockTypes, String midBlockType, List<String> upBlockTypes,
                         int[] blockOutChannels, int[] layersPerBlock, int downsamplePadding, double midBlockScaleFactor,
                         int normNumGroups, double normEps, int[] crossAttentionDim, int[][] transformerLayers,
                         int[][] upTransformerLayers, int[] attentionHeads, boolean useLinearProjection,
                         double resnetOutScaleFactor, int timeEmbedDim, String additionEmbedType,
                         int additionTimeEmbedDim, int projectionClassEmbeddingsInputDim,
                         int convInKernel, int convOutKernel) {

    public static final List<String> DOWN_BLOCKS = List.of("CrossAttnDownBlock2D", "DownBlock2D");
    public static final List<String> UP_BLOCKS = List.of("CrossAttnUpBlock2D", "UpBlock2D");

    /** Reads and checks a config.json's values. */
    public static UNetConfig from(Config c) {
        ConfigValues.requireNull(c, "num_attention_heads", "null (diffusers rejects it too: the head count is attention_head_dim)");
        ConfigValues.requireValue(c, "act_fn", "silu", "\"silu\"");
        ConfigValues.requireValue(c, "only_cross_attention", false, "false");
        ConfigValues.requireValue(c, "mid_block_only_cross_attention", false, "null or false");
        ConfigValues.requireValue(c, "dual_cross_attention", false, "false");
        ConfigValues.requireNull(c, "class_embed_type", "null (class-conditioned UNets are not supported)");
        ConfigValues.requireNull(c, "num_class_embeds", "null (class-conditioned UNets are not supported)");
        ConfigValues.requireNull(c, "encoder_hid_dim", "null");
        ConfigValues.requireNull(c, "encoder_hid_dim_type", "null");
        ConfigValues.requireValue(c, "time_embedding_type", "positional", "\"positional\"");
        ConfigValues.requireNull(c, "time_embedding_act_fn", "null");
        ConfigValues.requireNull(c, "timestep_post_act", "null");
        ConfigValues.requireNull(c, "time_cond_proj_dim", "null (LCM-distilled guidance embedding is not supported)");
        ConfigValues.requireValue(c, "resnet_time_scale_shift", "default", "\"default\"");
        ConfigValues.requireValue(c, "resnet_skip_time_act", false, "false");
        ConfigValues.requireValue(c, "attention_type", "default", "\"default\"");
        ConfigValues.requireNull(c, "cross_attention_norm", "null");
        ConfigValues.requireValue(c, "class_embeddings_concat", false, "false");

        List<String> down = ConfigValues.strings(c, "down_block_types");
        List<String> up = ConfigValues.strings(c, "up_block_types");
        for (String t : down) {
            if (!DOWN_BLOCKS.contains(t)) throw c.invalid("down_block_types", c.raw("down_block_types"), "blocks among " + DOWN_BLOCKS + " (found " + t + ")");
        }
        for (String t : up) {
            if (!UP_BLOCKS.contains(t)) throw c.invalid("up_block_types", c.raw("up_block_types"), "blocks among " + UP_BLOCKS + " (found " + t + ")");
        }
        int n = down.size();
        if (up.size() != n) throw c.invalid("up_block_types", c.raw("up_block_types"), n + " up blocks, as many as down_block_types");
        int[] channels = c.raw("block_out_channels") == null ? new int[]{320, 640, 1280, 1280} : ConfigValues.ints(c, "block_out_channels");
        if (channels.length != n) throw c.invalid("block_out_channels", c.raw("block_out_channels"), n + " entries, one per down block");
        String mid = c.raw("mid_block_type") == null && c.keys().contains("mid_block_type") ? null
                : c.getString("mid_block_type", "UNetMidBlock2DCrossAttn");
        if (mid != null && !mid.equals("UNetMidBlock2DCrossAttn")) {
            throw c.invalid("mid_block_type", mid, "\"UNetMidBlock2DCrossAttn\" or null");
        }
        int[] layers = ConfigValues.perBlock(c, "layers_per_block", n, 2);
        int[] heads = ConfigValues.perBlock(c, "attention_head_dim", n, 8);
        int[] cross = ConfigValues.perBlock(c, "cross_attention_dim", n, 1280);
        int[][] tl = transformerLayers(c, "transformer_layers_per_block", n, layers, false);
        int[][] upTl;
        if (c.raw("reverse_transformer_layers_per_block") != null) {
            int[] upLayers = new int[n];
            for (int i = 0; i < n; i++) upLayers[i] = layers[n - 1 - i] + 1;
            upTl = transformerLayers(c, "reverse_transformer_layers_per_block", n, upLayers, true);
        } else {
            if (c.raw("transformer_layers_per_block") instanceof List<?> l && l.stream().anyMatch(o -> o instanceof List<?>)) {
                throw c.invalid("transformer_layers_per_block", c.raw("transformer_layers_per_block"),
                        "ints per block, or reverse_transformer_layers_per_block for an asymmetrical UNet");
            }
            upTl = new int[n][];
            for (int i = 0; i < n; i++) upTl[i] = ConfigValues.repeat(tl[n - 1 - i][0], layers[n - 1 - i] + 1);
        }
        String addType = c.getString("addition_embed_type", null);
        if (addType != null && !addType.equals("text_time")) {
            throw c.invalid("addition_embed_type", addType, "null or \"text_time\" (SDXL)");
        }
        int addTimeDim = 0;
        int projDim = 0;
        if (addType != null) {
            addTimeDim = c.requireInt("addition_time_embed_dim");
            projDim = c.requireInt("projection_class_embeddings_input_dim");
        }
        int groups = c.getInt("norm_num_groups", 32);
        if (c.keys().contains("norm_num_groups") && c.raw("norm_num_groups") == null) {
            throw c.invalid("norm_num_groups", null, "an integer (UNets without GroupNorm are not supported)");
        }
        int convIn = c.getInt("conv_in_kernel", 3);
        int convOut = c.getInt("conv_out_kernel", 3);
        if (convIn % 2 == 0) throw c.invalid("conv_in_kernel", convIn, "an odd kernel size");
        if (convOut % 2 == 0) throw c.invalid("conv_out_kernel", convOut, "an odd kernel size");
        return new UNetConfig(c.getInt("in_channels", 4), c.getInt("out_channels", 4),
                c.getBoolean("center_input_sample", false), c.getBoolean("flip_sin_to_cos", true),
                c.getDouble("freq_shift", 0), down, mid, up, channels, layers, c.getInt("downsample_padding", 1),
                c.getDouble("mid_block_scale_factor", 1), groups, c.getDouble("norm_eps", 1e-5), cross, tl, upTl, heads,
                c.getBoolean("use_linear_projection", false), c.getDouble("resnet_out_scale_factor", 1.0),
                c.getInt("time_embedding_dim", channels[0] * 4), addType, addTimeDim, projDim, convIn, convOut);
    }

    /** Per block, per layer transformer depth: an int, a list of ints per block, or lists per layer. */
    private static int[][] transformerLayers(Config c, String key, int blocks, int[] layersPerBlock, boolean nestedAllowed) {
        Object v = c.raw(key);
        int[][] out = new int[blocks][];
        if (v == null || v instanceof Number) {
            int d = v == null ? 1 : c.getInt(key, 1);
            for (int i = 0; i < blocks; i++) out[i] = ConfigValues.repeat(d, layersPerBlock[i]);
            return out;
        }
        if (!(v instanceof List<?> l) || l.size() != blocks) throw c.invalid(key, v, "an integer or a list of " + blocks + " entries");
        for (int i = 0; i < blocks; i++) {
            Object e = l.get(i);
            if (e instanceof Long d) {
                out[i] = ConfigValues.repeat(Math.toIntExact(d), layersPerBlock[i]);
            } else if (e instanceof List<?> perLayer && perLayer.size() == layersPerBlock[i]) {
                out[i] = perLayer.stream().mapToInt(o -> {
                    if (!(o instanceof Long d)) throw c.invalid(key, v, "integers");
                    return Math.toIntExact(d);
                }).toArray();
            } else {
                throw c.invalid(key, v, "per block an integer or a list of " + layersPerBlock[i] + " integers");
            }
        }
        return out;
    }

    /** Number of 2x upsamplers (every up block but the last). */
    public int upsamplers() {
        return blockOutChannels.length - 1;
    }
}

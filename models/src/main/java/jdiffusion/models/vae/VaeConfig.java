package jdiffusion.models.vae;

import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.ConfigException;

/**
 * A diffusers {@code AutoencoderKL} config.json: channels per level, resnets per level, GroupNorm groups,
 * latent channels, the mid-block attention switch, the quant convs, and the latent scaling
 * ({@code scaling_factor}, {@code shift_factor}). {@code sample_size} sets the default tile size for tiled
 * encoding and decoding. Options outside what SD's VAEs use are rejected naming key and value.
 */
public record VaeConfig(int inChannels, int outChannels, int latentChannels, int[] blockOutChannels, int layersPerBlock,
                        int normNumGroups, boolean midBlockAddAttention, boolean useQuantConv, boolean usePostQuantConv,
                        double scalingFactor, double shiftFactor, int sampleSize) {

    public static VaeConfig from(Config c) {
        String act = c.getString("act_fn", "silu");
        if (!act.equals("silu")) throw c.invalid("act_fn", act, "\"silu\"");
        Object blocks = c.raw("block_out_channels");
        int[] channels;
        if (blocks == null) {
            channels = new int[]{64};
        } else if (blocks instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(o -> o instanceof Long v && v > 0)) {
            channels = l.stream().mapToInt(o -> Math.toIntExact((Long) o)).toArray();
        } else {
            throw c.invalid("block_out_channels", blocks, "a non-empty list of positive integers");
        }
        checkTypes(c, "down_block_types", "DownEncoderBlock2D", channels.length);
        checkTypes(c, "up_block_types", "UpDecoderBlock2D", channels.length);
        Object sample = c.raw("sample_size");
        int sampleSize;
        if (sample instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Long v) {
            sampleSize = Math.toIntExact(v);
        } else {
            sampleSize = c.getInt("sample_size", 32);
        }
        if (c.raw("latents_mean") != null || c.raw("latents_std") != null) {
            // SD 1.x/2.x/XL VAEs have none; per-channel latent statistics belong to other model families.
            throw new ConfigException(c.source() + ": latents_mean/latents_std are set; per-channel latent normalisation is not supported");
        }
        return new VaeConfig(c.getInt("in_channels", 3), c.getInt("out_channels", 3), c.getInt("latent_channels", 4),
                channels, c.getInt("layers_per_block", 1), c.getInt("norm_num_groups", 32),
                c.getBoolean("mid_block_add_attention", true), c.getBoolean("use_quant_conv", true),
                c.getBoolean("use_post_quant_conv", true), c.getDouble("scaling_factor", 0.18215),
                c.getDouble("shift_factor", 0), sampleSize);
    }

    private static void checkTypes(Config c, String key, String expected, int n) {
        Object v = c.raw(key);
        if (v == null) {
            if (n != 1) throw c.invalid(key, null, n + " entries of \"" + expected + "\"");
            return;
        }
        if (!(v instanceof List<?> l) || l.size() != n || !l.stream().allMatch(expected::equals)) {
            throw c.invalid(key, v, n + " entries of \"" + expected + "\" (one per block_out_channels entry)");
        }
    }

    /** Spatial downsampling factor: 2 per level but the last (8 for SD's 4-level VAE). */
    public int downsamplingFactor() {
        return 1 << (blockOutChannels.length - 1);
    }
}

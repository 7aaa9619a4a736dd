package jdiffusion.adapters.controlnet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.Config;
import jdiffusion.models.unet.UNetConfig;

/**
 * A diffusers {@code ControlNetModel} config.json: the encoder half of a UNet (read as the UNet of the
 * same blocks, so SD1.x, SD2.x and SDXL layouts resolve exactly as the UNet's do) plus the conditioning
 * embedding: {@code conditioning_channels}, {@code conditioning_embedding_out_channels} (one stride-2 conv
 * per entry after the first, so the control image is 2^(n-1) times the latent size),
 * {@code controlnet_conditioning_channel_order} and {@code global_pool_conditions}.
 */
public record ControlNetConfig(UNetConfig unet, int conditioningChannels, int[] embeddingChannels, boolean bgr,
                               boolean globalPoolConditions) {

    /** Reads and checks a ControlNet config; errors name the key, the value and what is expected. */
    public static ControlNetConfig from(Config c) {
        String order = c.getString("controlnet_conditioning_channel_order", "rgb");
        if (!order.equals("rgb") && !order.equals("bgr")) {
            throw c.invalid("controlnet_conditioning_channel_order", order, "\"rgb\" or \"bgr\"");
        }
        int[] emb;
        Object raw = c.raw("conditioning_embedding_out_channels");
        if (raw == null) {
            emb = new int[]{16, 32, 96, 256};
        } else if (raw instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(o -> o instanceof Long n && n > 0)) {
            emb = l.stream().mapToInt(o -> ((Long) o).intValue()).toArray();
        } else {
            throw c.invalid("conditioning_embedding_out_channels", raw, "a non-empty list of positive integers");
        }
        return new ControlNetConfig(UNetConfig.from(asUnetConfig(c)), c.getInt("conditioning_channels", 3), emb,
                order.equals("bgr"), c.getBoolean("global_pool_conditions", false));
    }

    /** The config as the UNet with the same encoder would have it (up blocks mirror the down blocks). */
    private static Config asUnetConfig(Config c) {
        Map<String, Object> m = new LinkedHashMap<>(c.asMap());
        List<String> up = new ArrayList<>();
        Object down = m.get("down_block_types");
        if (m.get("down_block_types") == null) {
            down = List.of("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D");
            m.put("down_block_types", down);
        }
        if (down instanceof List<?> l) {
            for (Object o : l) up.add(String.valueOf(o).replace("Down", "Up"));
        }
        Collections.reverse(up);
        m.put("up_block_types", up);
        return Config.of(c.source(), m);
    }

    /** How many times smaller than the control image the latent is. */
    public int downscale() {
        return 1 << (embeddingChannels.length - 1);
    }
}

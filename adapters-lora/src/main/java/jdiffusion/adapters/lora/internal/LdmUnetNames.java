package jdiffusion.adapters.lora.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The original (CompVis/LDM, {@code model.diffusion_model.*}) name of each diffusers UNet module, derived
 * from the diffusers module names alone: kohya's SDXL LoRAs name UNet layers this way
 * ({@code lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q}). The numbering follows the LDM
 * UNet: {@code input_blocks} count every resnet (with its attention) and every downsampler from 1
 * ({@code input_blocks.0} is conv_in), {@code output_blocks} every up-block layer, with the upsampler inside
 * the last one; the middle block is resnet, attention, resnet.
 */
public final class LdmUnetNames {

    private static final Pattern BLOCK = Pattern.compile("^(down_blocks|up_blocks)\\.(\\d+)\\.(resnets|attentions|downsamplers|upsamplers)\\.(\\d+)\\.(.+)$");
    private static final Pattern MID = Pattern.compile("^mid_block\\.(resnets|attentions)\\.(\\d+)\\.(.+)$");

    private LdmUnetNames() {
    }

    /** Block layout counted from the module names. */
    private record Level(int resnets, boolean attentions, boolean sampler) {
    }

    /**
     * Maps each LDM module name to its diffusers module name, for every module in {@code diffusersModules}
     * that has an LDM counterpart.
     */
    public static Map<String, String> ldmToDiffusers(Collection<String> diffusersModules) {
        Map<Integer, Level> down = levels(diffusersModules, "down_blocks", "downsamplers");
        Map<Integer, Level> up = levels(diffusersModules, "up_blocks", "upsamplers");
        boolean midAttention = diffusersModules.stream().anyMatch(m -> m.startsWith("mid_block.attentions."));
        Map<String, String> out = new HashMap<>();
        for (String m : diffusersModules) {
            String ldm = toLdm(m, down, up, midAttention);
            if (ldm != null) out.put(ldm, m);
        }
        return out;
    }

    private static Map<Integer, Level> levels(Collection<String> modules, String blocks, String sampler) {
        Map<Integer, int[]> resnets = new TreeMap<>();
        Map<Integer, Boolean> attn = new HashMap<>();
        Map<Integer, Boolean> samp = new HashMap<>();
        for (String m : modules) {
            Matcher x = BLOCK.matcher(m);
            if (!x.matches() || !x.group(1).equals(blocks)) continue;
            int i = Integer.parseInt(x.group(2));
            int j = Integer.parseInt(x.group(4));
            resnets.computeIfAbsent(i, k -> new int[1]);
            switch (x.group(3)) {
                case "resnets" -> resnets.get(i)[0] = Math.max(resnets.get(i)[0], j + 1);
                case "attentions" -> attn.put(i, true);
                default -> {
                    if (x.group(3).equals(sampler)) samp.put(i, true);
                }
            }
        }
        Map<Integer, Level> out = new TreeMap<>();
        resnets.forEach((i, n) -> out.put(i, new Level(n[0], attn.getOrDefault(i, false), samp.getOrDefault(i, false))));
        return out;
    }

    private static String toLdm(String m, Map<Integer, Level> down, Map<Integer, Level> up, boolean midAttention) {
        switch (m) {
            case "conv_in": return "input_blocks.0.0";
            case "time_embedding.linear_1": return "time_embed.0";
            case "time_embedding.linear_2": return "time_embed.2";
            case "add_embedding.linear_1": return "label_emb.0.0";
            case "add_embedding.linear_2": return "label_emb.0.2";
            case "conv_norm_out": return "out.0";
            case "conv_out": return "out.2";
            default: break;
        }
        Matcher mid = MID.matcher(m);
        if (mid.matches()) {
            int j = Integer.parseInt(mid.group(2));
            boolean resnet = mid.group(1).equals("resnets");
            // middle_block: resnet 0, attention 0, resnet 1 (no attention: resnet 0, resnet 1)
            int idx = resnet ? (midAttention ? 2 * j : j) : 2 * j + 1;
            return "middle_block." + idx + "." + (resnet ? resnetInner(mid.group(3)) : mid.group(3));
        }
        Matcher x = BLOCK.matcher(m);
        if (!x.matches()) return null;
        int i = Integer.parseInt(x.group(2));
        int j = Integer.parseInt(x.group(4));
        String kind = x.group(3);
        String rest = x.group(5);
        if (x.group(1).equals("down_blocks")) {
            int offset = 1;
            for (int k = 0; k < i; k++) {
                Level l = down.get(k);
                if (l == null) return null;
                offset += l.resnets() + (l.sampler() ? 1 : 0);
            }
            Level l = down.get(i);
            return switch (kind) {
                case "resnets" -> "input_blocks." + (offset + j) + ".0." + resnetInner(rest);
                case "attentions" -> "input_blocks." + (offset + j) + ".1." + rest;
                case "downsamplers" -> rest.startsWith("conv") ? "input_blocks." + (offset + l.resnets()) + ".0.op" + rest.substring(4) : null;
                default -> null;
            };
        }
        int offset = 0;
        for (int k = 0; k < i; k++) {
            Level l = up.get(k);
            if (l == null) return null;
            offset += l.resnets();
        }
        Level l = up.get(i);
        return switch (kind) {
            case "resnets" -> "output_blocks." + (offset + j) + ".0." + resnetInner(rest);
            case "attentions" -> "output_blocks." + (offset + j) + ".1." + rest;
            case "upsamplers" -> "output_blocks." + (offset + l.resnets() - 1) + "." + (l.attentions() ? 2 : 1) + "." + rest;
            default -> null;
        };
    }

    /** ResnetBlock2D's diffusers names inside LDM's ResBlock. */
    private static String resnetInner(String rest) {
        String[][] map = {
                {"norm1", "in_layers.0"}, {"conv1", "in_layers.2"}, {"time_emb_proj", "emb_layers.1"},
                {"norm2", "out_layers.0"}, {"conv2", "out_layers.3"}, {"conv_shortcut", "skip_connection"}};
        for (String[] p : map) {
            if (rest.equals(p[0]) || rest.startsWith(p[0] + ".")) return p[1] + rest.substring(p[0].length());
        }
        return rest;
    }
}

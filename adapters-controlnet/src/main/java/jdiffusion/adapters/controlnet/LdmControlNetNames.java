package jdiffusion.adapters.controlnet;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdiffusion.models.weights.MappedWeights;
import jdiffusion.models.weights.WeightSource;

/**
 * The original ControlNet checkpoint layout ({@code control_model.} prefix optional) seen with diffusers'
 * {@code ControlNetModel} names, as diffusers' {@code convert_controlnet_checkpoint} renames it, without
 * copying: {@code time_embed.0/2}, {@code label_emb.0.0/2} (SDXL), {@code input_blocks.0.0} (conv_in),
 * {@code input_blocks.i.0} resnets, {@code .0.op} downsamplers and {@code .1} transformers (the block
 * structure read from where the downsamplers are), {@code middle_block.0/1/2}, {@code zero_convs.i.0},
 * {@code middle_block_out.0} and {@code input_hint_block.k} (0: conv_in, the last: conv_out, the others in
 * order: blocks).
 */
final class LdmControlNetNames {

    private static final Pattern INPUT = Pattern.compile("^input_blocks\\.(\\d+)\\.(\\d+)\\.(.+)$");
    private static final Pattern MIDDLE = Pattern.compile("^middle_block\\.(\\d+)\\.(.+)$");
    private static final Pattern HINT = Pattern.compile("^input_hint_block\\.(\\d+)\\.(weight|bias)$");
    private static final Pattern ZERO = Pattern.compile("^zero_convs\\.(\\d+)\\.0\\.(weight|bias)$");
    private static final String[][] RESNET = {
            {"in_layers.0", "norm1"}, {"in_layers.2", "conv1"}, {"emb_layers.1", "time_emb_proj"},
            {"out_layers.0", "norm2"}, {"out_layers.3", "conv2"}, {"skip_connection", "conv_shortcut"}};

    private LdmControlNetNames() {
    }

    /** {@code raw} with diffusers names; returned unchanged when it already has them. */
    static WeightSource toDiffusers(WeightSource raw) {
        if (raw.contains("time_embedding.linear_1.weight")) return raw;
        String prefix = raw.contains("control_model.time_embed.0.weight") ? "control_model." : "";
        if (!raw.contains(prefix + "time_embed.0.weight")) {
            throw new IllegalArgumentException(raw.description() + " is no ControlNet: it has neither time_embedding.linear_1.weight "
                    + "(diffusers names) nor time_embed.0.weight / control_model.time_embed.0.weight (original names)");
        }
        Map<String, String> ldm = new LinkedHashMap<>();
        for (String n : raw.names()) {
            if (n.startsWith(prefix)) ldm.put(n.substring(prefix.length()), n);
        }
        // block layout: input_blocks indices that are downsamplers end a level
        TreeSet<Integer> inputs = new TreeSet<>();
        TreeSet<Integer> downsamplers = new TreeSet<>();
        int lastHint = -1;
        for (String k : ldm.keySet()) {
            Matcher m = INPUT.matcher(k);
            if (m.matches()) {
                int i = Integer.parseInt(m.group(1));
                if (i > 0) inputs.add(i);
                if (m.group(3).startsWith("op.")) downsamplers.add(i);
            }
            Matcher h = HINT.matcher(k);
            if (h.matches()) lastHint = Math.max(lastHint, Integer.parseInt(h.group(1)));
        }
        Map<Integer, String> inputToDiffusers = new HashMap<>();
        int block = 0;
        int layer = 0;
        for (int i : inputs) {
            if (downsamplers.contains(i)) {
                inputToDiffusers.put(i, "down_blocks." + block + ".downsamplers.0");
                block++;
                layer = 0;
            } else {
                inputToDiffusers.put(i, "down_blocks." + block + ".#." + layer);
                layer++;
            }
        }
        Map<String, String> toSource = new TreeMap<>();
        for (var e : ldm.entrySet()) {
            String d = rename(e.getKey(), inputToDiffusers, lastHint);
            if (d != null) toSource.put(d, e.getValue());
        }
        return new MappedWeights(raw, toSource, Map.of());
    }

    private static String rename(String k, Map<Integer, String> inputs, int lastHint) {
        switch (k) {
            case "time_embed.0.weight": return "time_embedding.linear_1.weight";
            case "time_embed.0.bias": return "time_embedding.linear_1.bias";
            case "time_embed.2.weight": return "time_embedding.linear_2.weight";
            case "time_embed.2.bias": return "time_embedding.linear_2.bias";
            case "label_emb.0.0.weight": return "add_embedding.linear_1.weight";
            case "label_emb.0.0.bias": return "add_embedding.linear_1.bias";
            case "label_emb.0.2.weight": return "add_embedding.linear_2.weight";
            case "label_emb.0.2.bias": return "add_embedding.linear_2.bias";
            case "middle_block_out.0.weight": return "controlnet_mid_block.weight";
            case "middle_block_out.0.bias": return "controlnet_mid_block.bias";
            default: break;
        }
        if (k.startsWith("input_blocks.0.0.")) return "conv_in." + k.substring("input_blocks.0.0.".length());
        Matcher z = ZERO.matcher(k);
        if (z.matches()) return "controlnet_down_blocks." + z.group(1) + "." + z.group(2);
        Matcher h = HINT.matcher(k);
        if (h.matches()) {
            int i = Integer.parseInt(h.group(1));
            String part = i == 0 ? "conv_in" : i == lastHint ? "conv_out" : "blocks." + (i / 2 - 1);
            return "controlnet_cond_embedding." + part + "." + h.group(2);
        }
        Matcher m = INPUT.matcher(k);
        if (m.matches()) {
            String base = inputs.get(Integer.parseInt(m.group(1)));
            if (base == null) return null;
            String rest = m.group(3);
            if (base.endsWith("downsamplers.0")) return rest.startsWith("op.") ? base + ".conv." + rest.substring(3) : null;
            return m.group(2).equals("0") ? base.replace("#", "resnets") + "." + resnet(rest) : base.replace("#", "attentions") + "." + rest;
        }
        Matcher mid = MIDDLE.matcher(k);
        if (mid.matches()) {
            int i = Integer.parseInt(mid.group(1));
            // middle_block: resnet, transformer, resnet
            return i % 2 == 0 ? "mid_block.resnets." + (i / 2) + "." + resnet(mid.group(2)) : "mid_block.attentions." + (i / 2) + "." + mid.group(2);
        }
        return null;
    }

    private static String resnet(String rest) {
        for (String[] p : RESNET) {
            if (rest.startsWith(p[0] + ".")) return p[1] + rest.substring(p[0].length());
        }
        return rest;
    }
}

package jdiffusion.adapters.controlnet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.weights.WeightSource;

/**
 * A ControlNet config for a single file that ships none, read off its tensor shapes (channels, blocks,
 * layers, transformer depth, projections, cross-attention width, SDXL's added embedding, the conditioning
 * embedding). What shapes cannot tell follows the Stable Diffusion releases: 8 heads when the
 * cross-attention width is 768 (SD1), otherwise heads of 64 channels (SD2, SDXL); SDXL's 256-wide time-id
 * embedding; 32 groups.
 */
final class ControlNetConfigInference {

    private ControlNetConfigInference() {
    }

    static Map<String, Object> infer(WeightSource w) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("_class_name", "ControlNetModel");
        c.put("in_channels", (long) w.tensor("conv_in.weight").dim(1));
        List<Object> channels = new ArrayList<>();
        List<Object> types = new ArrayList<>();
        List<Object> depth = new ArrayList<>();
        long cross = -1;
        boolean linear = false;
        for (int i = 0; w.contains("down_blocks." + i + ".resnets.0.conv1.weight"); i++) {
            int ch = w.tensor("down_blocks." + i + ".resnets.0.conv1.weight").dim(0);
            channels.add((long) ch);
            String attn = "down_blocks." + i + ".attentions.0.";
            boolean hasAttn = w.contains(attn + "proj_in.weight");
            types.add(hasAttn ? "CrossAttnDownBlock2D" : "DownBlock2D");
            long d = 0;
            while (w.contains(attn + "transformer_blocks." + d + ".attn1.to_q.weight")) d++;
            depth.add(Math.max(d, 1));
            if (hasAttn) {
                cross = w.tensor(attn + "transformer_blocks.0.attn2.to_k.weight").dim(1);
                linear = w.tensor(attn + "proj_in.weight").rank() == 2;
            }
        }
        if (channels.isEmpty()) throw new IllegalArgumentException(w.description() + ": no down_blocks.0.resnets.0.conv1.weight; not a ControlNet");
        int layers = 0;
        while (w.contains("down_blocks.0.resnets." + layers + ".conv1.weight")) layers++;
        long midDepth = 0;
        while (w.contains("mid_block.attentions.0.transformer_blocks." + midDepth + ".attn1.to_q.weight")) midDepth++;
        if (midDepth > 0) depth.set(depth.size() - 1, midDepth);
        if (cross < 0 && w.contains("mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight")) {
            cross = w.tensor("mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight").dim(1);
        }
        List<Object> heads = new ArrayList<>();
        for (Object ch : channels) heads.add(cross == 768 ? 8L : Math.max(1, (Long) ch / 64));
        c.put("down_block_types", types);
        c.put("block_out_channels", channels);
        c.put("layers_per_block", (long) layers);
        c.put("attention_head_dim", heads);
        c.put("cross_attention_dim", cross);
        c.put("transformer_layers_per_block", depth);
        c.put("use_linear_projection", linear);
        if (w.contains("add_embedding.linear_1.weight")) {
            c.put("addition_embed_type", "text_time");
            c.put("addition_time_embed_dim", 256L);
            c.put("projection_class_embeddings_input_dim", (long) w.tensor("add_embedding.linear_1.weight").dim(1));
        }
        Tensor condIn = w.tensor("controlnet_cond_embedding.conv_in.weight");
        c.put("conditioning_channels", (long) condIn.dim(1));
        List<Object> emb = new ArrayList<>();
        emb.add((long) condIn.dim(0));
        for (int i = 1; w.contains("controlnet_cond_embedding.blocks." + i + ".weight"); i += 2) {
            emb.add((long) w.tensor("controlnet_cond_embedding.blocks." + i + ".weight").dim(0));
        }
        c.put("conditioning_embedding_out_channels", emb);
        return c;
    }
}

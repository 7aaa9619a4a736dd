package jdiffusion.models.loader;

import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.models.unet.UNetConfig;

/**
 * Test fixture: diffusers UNet key names to the original LDM names, written from the layout of
 * diffusers' {@code scripts/convert_diffusers_to_original_stable_diffusion.py} (generalised to any number
 * of blocks and layers), so single-file loading of SD 2.x and SDXL layouts can be checked against the
 * diffusers-format reference models.
 */
final class DiffusersToLdm {

    private DiffusersToLdm() {
    }

    private static String resnet(String rest) {
        return rest.replace("norm1", "in_layers.0").replace("conv1", "in_layers.2").replace("norm2", "out_layers.0")
                .replace("conv2", "out_layers.3").replace("time_emb_proj", "emb_layers.1").replace("conv_shortcut", "skip_connection");
    }

    static Map<String, String> unet(Iterable<String> diffusersKeys, UNetConfig c) {
        int n = c.blockOutChannels().length;
        int[] firstInput = new int[n];
        int idx = 1;
        for (int b = 0; b < n; b++) {
            firstInput[b] = idx;
            idx += c.layersPerBlock()[b] + (b < n - 1 ? 1 : 0);
        }
        int[] firstOutput = new int[n];
        idx = 0;
        for (int b = 0; b < n; b++) {
            firstOutput[b] = idx;
            idx += c.layersPerBlock()[n - 1 - b] + 1;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : diffusersKeys) {
            String[] p = k.split("\\.", 5);
            String ldm;
            if (k.startsWith("time_embedding.linear_1.")) ldm = "time_embed.0." + p[2];
            else if (k.startsWith("time_embedding.linear_2.")) ldm = "time_embed.2." + p[2];
            else if (k.startsWith("add_embedding.linear_1.")) ldm = "label_emb.0.0." + p[2];
            else if (k.startsWith("add_embedding.linear_2.")) ldm = "label_emb.0.2." + p[2];
            else if (k.startsWith("conv_in.")) ldm = "input_blocks.0.0." + p[1];
            else if (k.startsWith("conv_norm_out.")) ldm = "out.0." + p[1];
            else if (k.startsWith("conv_out.")) ldm = "out.2." + p[1];
            else if (k.startsWith("mid_block.resnets.")) ldm = "middle_block." + 2 * Integer.parseInt(p[2]) + "." + resnet(k.split("\\.", 4)[3]);
            else if (k.startsWith("mid_block.attentions.0.")) ldm = "middle_block.1." + k.split("\\.", 4)[3];
            else {
                int b = Integer.parseInt(p[1]);
                String kind = p[2];
                int l = Integer.parseInt(p[3]);
                String rest = p[4];
                boolean down = p[0].equals("down_blocks");
                if (down) {
                    switch (kind) {
                        case "resnets" -> ldm = "input_blocks." + (firstInput[b] + l) + ".0." + resnet(rest);
                        case "attentions" -> ldm = "input_blocks." + (firstInput[b] + l) + ".1." + rest;
                        default -> ldm = "input_blocks." + (firstInput[b] + c.layersPerBlock()[b]) + ".0.op." + rest.substring("conv.".length());
                    }
                } else {
                    int layers = c.layersPerBlock()[n - 1 - b] + 1;
                    boolean attn = c.upBlockTypes().get(b).startsWith("CrossAttn");
                    switch (kind) {
                        case "resnets" -> ldm = "output_blocks." + (firstOutput[b] + l) + ".0." + resnet(rest);
                        case "attentions" -> ldm = "output_blocks." + (firstOutput[b] + l) + ".1." + rest;
                        default -> ldm = "output_blocks." + (firstOutput[b] + layers - 1) + "." + (attn ? 2 : 1) + "." + rest;
                    }
                }
            }
            out.put(k, "model.diffusion_model." + ldm);
        }
        return out;
    }
}

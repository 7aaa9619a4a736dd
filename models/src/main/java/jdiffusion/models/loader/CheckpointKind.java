package jdiffusion.models.loader;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.weights.WeightSource;

/**
 * What a weights file looks like from its keys and shapes alone: a single-file LDM checkpoint of SD 1.x,
 * SD 2.x or SDXL (base or refiner, inpainting or not), a diffusers component (UNet, VAE, CLIP text encoder),
 * a ControlNet, or an adapter (LoRA, LyCORIS, textual inversion). The rules follow diffusers'
 * {@code infer_diffusers_model_type} for checkpoints.
 */
public record CheckpointKind(String family, boolean inpainting, String description) {

    public static final String LDM_UNET = "model.diffusion_model.";
    private static final String UNET_CONV_IN = LDM_UNET + "input_blocks.0.0.weight";

    /** Looks at the keys (and a few shapes) of {@code w}. */
    public static CheckpointKind detect(WeightSource w) {
        Set<String> keys = w.names();
        if (keys.contains(UNET_CONV_IN)) {
            Tensor convIn = w.tensor(UNET_CONV_IN);
            boolean inpaint = convIn.rank() == 4 && convIn.dim(1) == 9;
            String family = ldmFamily(w, keys);
            List<String> parts = new ArrayList<>();
            parts.add("UNet");
            if (keys.stream().anyMatch(k -> k.startsWith("first_stage_model.") || k.startsWith("vae."))) parts.add("VAE");
            if (keys.stream().anyMatch(k -> k.startsWith("cond_stage_model.") || k.startsWith("conditioner.embedders."))) parts.add("text encoder(s)");
            String name = switch (family) {
                case "sd1" -> "Stable Diffusion 1.x";
                case "sd2" -> "Stable Diffusion 2.x";
                case "sdxl" -> "Stable Diffusion XL base";
                case "sdxl-refiner" -> "Stable Diffusion XL refiner";
                default -> family;
            };
            return new CheckpointKind(family, inpaint, name + (inpaint ? " inpainting" : "")
                    + " single-file checkpoint (LDM keys: " + String.join(", ", parts) + ")");
        }
        if (keys.stream().anyMatch(k -> k.startsWith("control_model.")) || keys.contains("controlnet_cond_embedding.conv_in.weight")) {
            return new CheckpointKind("controlnet", false, "ControlNet");
        }
        if (keys.stream().anyMatch(k -> k.contains(".hada_w1_a"))) return new CheckpointKind("adapter", false, "LyCORIS LoHa adapter");
        if (keys.stream().anyMatch(k -> k.contains(".lokr_w1"))) return new CheckpointKind("adapter", false, "LyCORIS LoKr adapter");
        if (keys.stream().anyMatch(k -> k.startsWith("lora_unet_") || k.startsWith("lora_te"))) {
            boolean dora = keys.stream().anyMatch(k -> k.endsWith(".dora_scale"));
            return new CheckpointKind("adapter", false, (dora ? "DoRA" : "LoRA") + " adapter (kohya/A1111 keys)");
        }
        if (keys.stream().anyMatch(k -> k.contains(".lora_A.") || k.contains(".lora_B.") || k.contains(".lora.down.")
                || k.contains(".lora_down."))) {
            return new CheckpointKind("adapter", false, "LoRA adapter (diffusers/PEFT keys)");
        }
        if (keys.contains("emb_params") || (keys.contains("clip_l") && keys.contains("clip_g"))
                || (keys.size() <= 2 && keys.stream().allMatch(k -> k.equals("emb_params") || k.startsWith("clip_")))) {
            return new CheckpointKind("adapter", false, "textual-inversion embedding");
        }
        if (keys.contains("conv_in.weight") && keys.stream().anyMatch(k -> k.startsWith("down_blocks."))) {
            boolean xl = keys.stream().anyMatch(k -> k.startsWith("add_embedding."));
            return new CheckpointKind(xl ? "sdxl" : "unet", false, "diffusers UNet2DConditionModel" + (xl ? " (SDXL text_time)" : ""));
        }
        if (keys.contains("encoder.conv_in.weight") || keys.contains("decoder.conv_in.weight")) {
            return new CheckpointKind("vae", false, "diffusers AutoencoderKL (VAE)");
        }
        if (keys.contains("text_model.embeddings.token_embedding.weight") || keys.contains("embeddings.token_embedding.weight")) {
            boolean proj = keys.contains("text_projection.weight");
            return new CheckpointKind("clip", false, "CLIP text encoder" + (proj ? " with projection" : ""));
        }
        return new CheckpointKind("unknown", false, "not a Stable Diffusion model jdiffusion recognises");
    }

    private static String ldmFamily(WeightSource w, Set<String> keys) {
        if (keys.contains("conditioner.embedders.1.model.positional_embedding")
                || keys.contains("conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight")) {
            return "sdxl";
        }
        if (keys.contains("conditioner.embedders.0.model.text_projection")) return "sdxl-refiner";
        if (keys.contains(LDM_UNET + "label_emb.0.0.weight")) return "sdxl";
        if (keys.contains("cond_stage_model.model.token_embedding.weight")) return "sd2";
        String k2 = LDM_UNET + "input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight";
        if (keys.contains(k2) && w.tensor(k2).dim(-1) == 1024) return "sd2";
        String pi = LDM_UNET + "input_blocks.1.1.proj_in.weight";
        if (keys.contains(pi) && w.tensor(pi).rank() == 2 && !keys.stream().anyMatch(k -> k.startsWith("cond_stage_model.transformer."))) {
            return "sd2";
        }
        return "sd1";
    }
}

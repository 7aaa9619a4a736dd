package jdiffusion.models.loader;

import java.io.IOException;
import java.nio.file.Path;
import jdiffusion.core.Config;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.models.clip.ClipTextConfig;
import jdiffusion.models.clip.ClipTextModel;
import jdiffusion.models.nn.Params;
import jdiffusion.models.unet.UNet2DConditionModel;
import jdiffusion.models.unet.UNetConfig;
import jdiffusion.models.vae.AutoencoderKL;
import jdiffusion.models.vae.VaeConfig;
import jdiffusion.models.weights.SafetensorsWeights;
import jdiffusion.models.weights.WeightException;
import jdiffusion.models.weights.WeightSource;

/**
 * A single-file Stable Diffusion checkpoint in the original CompVis/LDM layout (what A1111, ComfyUI and
 * civitai use): {@code model.diffusion_model.*} (UNet), {@code first_stage_model.*} (VAE),
 * {@code cond_stage_model.*} (SD 1.x/2.x text encoder) or {@code conditioner.embedders.N.*} (SDXL's two).
 * The networks read the memory-mapped file through key maps ({@link LdmKeyMap}); configs come from the
 * caller or are inferred from shapes and family defaults ({@link LdmConfigInference}).
 */
public final class SingleFileCheckpoint {

    private final WeightSource weights;
    private final CheckpointKind kind;

    private SingleFileCheckpoint(WeightSource weights) {
        this.weights = weights;
        this.kind = CheckpointKind.detect(weights);
    }

    /** Opens a {@code .safetensors} checkpoint; pickled files are refused with conversion advice. */
    public static SingleFileCheckpoint open(Path file) throws IOException {
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".ckpt") || n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".bin")) PickleRefusal.refuse(file);
        return new SingleFileCheckpoint(SafetensorsWeights.open(file));
    }

    /** Over weights already open. */
    public static SingleFileCheckpoint of(WeightSource weights) {
        return new SingleFileCheckpoint(weights);
    }

    public CheckpointKind kind() {
        return kind;
    }

    public WeightSource weights() {
        return weights;
    }

    public boolean hasUnet() {
        return weights.contains(CheckpointKind.LDM_UNET + "input_blocks.0.0.weight");
    }

    /** The VAE's key prefix ({@code first_stage_model.} or {@code vae.}), or null without a VAE. */
    public String vaePrefix() {
        for (String p : new String[]{"first_stage_model.", "vae."}) {
            if (weights.contains(p + "decoder.conv_in.weight")) return p;
        }
        return null;
    }

    /** The UNet with {@code config} (null: inferred from the file). */
    public UNet2DConditionModel unet(Config config, Backend backend, Parameterization parameterization) {
        if (!hasUnet()) throw new WeightException(weights.description() + ": no UNet (model.diffusion_model.*) in this file");
        Config c = config != null ? config : LdmConfigInference.unet(weights, kind.family());
        UNetConfig uc = UNetConfig.from(c);
        return new UNet2DConditionModel(uc, Params.of(LdmKeyMap.unet(weights, CheckpointKind.LDM_UNET, uc), backend), parameterization);
    }

    /** The UNet's weights under diffusers names for {@code config} (for inspection and adapters). */
    public WeightSource unetWeights(UNetConfig config) {
        return LdmKeyMap.unet(weights, CheckpointKind.LDM_UNET, config);
    }

    /** The VAE with {@code config} (null: inferred). */
    public AutoencoderKL vae(Config config, Backend backend) {
        String prefix = vaePrefix();
        if (prefix == null) throw new WeightException(weights.description() + ": no VAE (first_stage_model.*) in this file");
        Config c = config != null ? config : LdmConfigInference.vae(weights, prefix, kind.family());
        VaeConfig vc = VaeConfig.from(c);
        return new AutoencoderKL(vc, Params.of(LdmKeyMap.vae(weights, prefix, vc.blockOutChannels().length), backend));
    }

    /**
     * The first text encoder: SD 1.x's CLIP ViT-L ({@code cond_stage_model.transformer.}), SD 2.x's OpenCLIP
     * ViT-H ({@code cond_stage_model.model.}, its last block unused as in diffusers), or SDXL's CLIP ViT-L
     * ({@code conditioner.embedders.0.transformer.}); {@code config} null: inferred.
     */
    public ClipTextModel textEncoder(Config config, Backend backend) {
        WeightSource w;
        boolean open;
        if (weights.contains("cond_stage_model.model.token_embedding.weight")) {
            int blocks = countResblocks("cond_stage_model.model.");
            w = LdmKeyMap.openClip(weights, "cond_stage_model.model.", blocks - 1);
            w = withoutProjection(w);
            open = true;
        } else if (weights.contains("conditioner.embedders.0.model.token_embedding.weight")) {
            w = LdmKeyMap.openClip(weights, "conditioner.embedders.0.model.", countResblocks("conditioner.embedders.0.model."));
            open = true;
        } else {
            String prefix = weights.contains("cond_stage_model.transformer.text_model.embeddings.token_embedding.weight")
                    ? "cond_stage_model.transformer." : "conditioner.embedders.0.transformer.";
            if (!weights.contains(prefix + "text_model.embeddings.token_embedding.weight")) {
                throw new WeightException(weights.description() + ": no text encoder (cond_stage_model.* / conditioner.embedders.*) in this file");
            }
            w = LdmKeyMap.clip(weights, prefix);
            open = false;
        }
        return build(w, config, open, backend);
    }

    /** SDXL's second text encoder, OpenCLIP ViT-bigG with its projection ({@code conditioner.embedders.1.model.}). */
    public ClipTextModel textEncoder2(Config config, Backend backend) {
        String prefix = "conditioner.embedders.1.model.";
        if (!weights.contains(prefix + "token_embedding.weight")) {
            throw new WeightException(weights.description() + ": no second text encoder (" + prefix + "*) in this file");
        }
        return build(LdmKeyMap.openClip(weights, prefix, countResblocks(prefix)), config, true, backend);
    }

    private static ClipTextModel build(WeightSource w, Config config, boolean openClip, Backend backend) {
        Config c = config != null ? config : LdmConfigInference.clip(w, openClip);
        ClipTextConfig cc = ClipTextConfig.from(c);
        if (!cc.withProjection() && (w.contains("text_projection") || w.contains("text_projection.weight"))) cc = cc.withProjection(true);
        return new ClipTextModel(cc, Params.of(w, backend));
    }

    /** SD 2.x's text encoder has no projection in diffusers (the pooled output is unused). */
    private static WeightSource withoutProjection(WeightSource w) {
        java.util.Map<String, String> names = new java.util.LinkedHashMap<>();
        for (String n : w.names()) {
            if (!n.equals("text_projection")) names.put(n, n);
        }
        return new jdiffusion.models.weights.MappedWeights(w, names, java.util.Map.of());
    }

    private int countResblocks(String prefix) {
        int n = 0;
        while (weights.contains(prefix + "transformer.resblocks." + n + ".ln_1.weight")) n++;
        return n;
    }
}

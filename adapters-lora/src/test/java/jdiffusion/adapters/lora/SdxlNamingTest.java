package jdiffusion.adapters.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.adapters.lora.internal.LoraAdapter;
import jdiffusion.adapters.lora.internal.PeftConfig;
import jdiffusion.core.adapter.AdapterBinding;
import jdiffusion.core.adapter.AdapterStrength;
import jdiffusion.core.adapter.Networks;
import jdiffusion.core.adapter.TokenEmbedding;
import jdiffusion.core.io.SafetensorsWriter;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SDXL's names: kohya writes its UNet layers with the original (LDM) names and its two text encoders as
 * {@code lora_te1_}/{@code lora_te2_}; SDXL embeddings carry {@code clip_l} and {@code clip_g}. And the
 * LoKr scale quirk: undecomposed LoKr ignores alpha in LyCORIS files, PEFT still scales by alpha / r.
 */
class SdxlNamingTest {

    @TempDir
    Path tmp;

    @Test
    void kohyaSdxlNamesReachTheUnetAndBothTextEncoders() throws Exception {
        Map<String, Map<String, Tensor>> nets = Map.of(Networks.UNET, Refdata.weights("unet-sdxl-tiny"),
                Networks.TEXT_ENCODER, Refdata.weights("clip-text-sd15-tiny"), Networks.TEXT_ENCODER_2, Refdata.weights("clip-text-sdxl-g-tiny"));
        Map<String, Tensor> f = new LinkedHashMap<>();
        // SDXL's down block 1 (after a resnet-only block of 2 layers and its downsampler) starts at input_blocks.4
        lora(f, "lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k", nets.get(Networks.UNET)
                .get("down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight"));
        lora(f, "lora_unet_middle_block_1_proj_in", nets.get(Networks.UNET).get("mid_block.attentions.0.proj_in.weight"));
        lora(f, "lora_te1_text_model_encoder_layers_0_self_attn_q_proj", nets.get(Networks.TEXT_ENCODER)
                .get("text_model.encoder.layers.0.self_attn.q_proj.weight"));
        lora(f, "lora_te2_text_model_encoder_layers_1_mlp_fc1", nets.get(Networks.TEXT_ENCODER_2)
                .get("text_model.encoder.layers.1.mlp.fc1.weight"));
        Path file = tmp.resolve("sdxl.safetensors");
        SafetensorsWriter.write(file, f, Map.of());
        AdapterBinding b = LoraAdapter.read(file, "kohya").bind(nets, AdapterStrength.of(1f));
        assertTrue(b.unmatchedKeys().isEmpty(), b.unmatchedKeys().toString());
        assertEquals(Map.of(Networks.UNET, List.of("down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k", "mid_block.attentions.0.proj_in"),
                        Networks.TEXT_ENCODER, List.of("text_model.encoder.layers.0.self_attn.q_proj"),
                        Networks.TEXT_ENCODER_2, List.of("text_model.encoder.layers.1.mlp.fc1")),
                Map.of(Networks.UNET, List.copyOf(b.layers().get(Networks.UNET).keySet()),
                        Networks.TEXT_ENCODER, List.copyOf(b.layers().get(Networks.TEXT_ENCODER).keySet()),
                        Networks.TEXT_ENCODER_2, List.copyOf(b.layers().get(Networks.TEXT_ENCODER_2).keySet())));
    }

    @Test
    void sdxlEmbeddingsGiveEachTextEncoderItsVectors() throws Exception {
        Map<String, Map<String, Tensor>> nets = Map.of(Networks.TEXT_ENCODER, Refdata.weights("clip-text-sd15-tiny"),
                Networks.TEXT_ENCODER_2, Refdata.weights("clip-text-sdxl-g-tiny"));
        int l = nets.get(Networks.TEXT_ENCODER).get("text_model.embeddings.token_embedding.weight").dim(1);
        int g = nets.get(Networks.TEXT_ENCODER_2).get("text_model.embeddings.token_embedding.weight").dim(1);
        Path file = tmp.resolve("style.safetensors");
        SafetensorsWriter.write(file, Map.of("clip_l", Tensor.zeros(3, l), "clip_g", Tensor.zeros(3, g)), Map.of());
        TokenEmbedding t = TextualInversion.read(file, TextualInversion.defaultToken(file)).bind(nets, AdapterStrength.of(1f)).embeddings().getFirst();
        assertEquals("style", t.token());
        assertEquals(List.of("style", "style_1", "style_2"), t.tokens());
        assertEquals(l, t.vectors().get(Networks.TEXT_ENCODER).dim(1));
        assertEquals(g, t.vectors().get(Networks.TEXT_ENCODER_2).dim(1));
    }

    @Test
    void undecomposedLokrIgnoresAlphaInLycorisFilesButNotInPeft() throws Exception {
        Map<String, Tensor> base = Map.of("layer.weight", Tensor.zeros(4, 6));
        Tensor w1 = Tensor.wrap(new float[]{1, 2, 3, 4}, 2, 2);
        Tensor w2 = Tensor.wrap(new float[]{1, 0, -1, 2, 1, 0}, 2, 3);
        Path lyco = tmp.resolve("lokr.safetensors");
        SafetensorsWriter.write(lyco, Map.of("lora_unet_layer.lokr_w1", w1, "lora_unet_layer.lokr_w2", w2,
                "lora_unet_layer.alpha", Tensor.wrap(new float[]{8f}, 1)), Map.of());
        float[] kron = LoraAdapter.read(lyco, "kohya").bind(Map.of(Networks.UNET, base), AdapterStrength.of(1f))
                .layers().get(Networks.UNET).get("layer").weightDelta().toFloatArray();
        float[] expected = {1, 0, -1, 2, 0, -2, 2, 1, 0, 4, 2, 0, 3, 0, -3, 4, 0, -4, 6, 3, 0, 8, 4, 0};
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, kron, "scale 1: alpha ignored");
        Path peft = tmp.resolve("adapter_model.safetensors");
        SafetensorsWriter.write(peft, Map.of("layer.lokr_w1", w1, "layer.lokr_w2", w2), Map.of());
        float[] scaled = LoraAdapter.of(jdiffusion.adapters.lora.internal.SafetensorsFile.open(peft), "peft",
                        PeftConfig.of(Map.of("r", 4L, "alpha", 8.0)))
                .bind(Map.of(Networks.UNET, base), AdapterStrength.of(1f)).layers().get(Networks.UNET).get("layer").weightDelta().toFloatArray();
        for (int i = 0; i < expected.length; i++) assertEquals(2 * expected[i], scaled[i], 0f, "PEFT: alpha / r = 2");
    }

    private static void lora(Map<String, Tensor> f, String name, Tensor weight) {
        int r = 2;
        f.put(name + ".lora_down.weight", Tensor.zeros(r, weight.dim(1)));
        f.put(name + ".lora_up.weight", Tensor.zeros(weight.dim(0), r));
    }
}

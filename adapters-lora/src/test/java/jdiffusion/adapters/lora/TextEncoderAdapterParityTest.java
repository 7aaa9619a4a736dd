package jdiffusion.adapters.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import jdiffusion.adapters.lora.internal.LoraAdapter;
import jdiffusion.adapters.lora.internal.RefdataFiles;
import jdiffusion.adapters.lora.internal.SafetensorsFile;
import jdiffusion.core.adapter.AddedTokensTokenizer;
import jdiffusion.core.adapter.AdapterStack;
import jdiffusion.core.adapter.AdapterStrength;
import jdiffusion.core.adapter.ApplyMode;
import jdiffusion.core.adapter.Networks;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.clip.ClipTextModel;
import jdiffusion.models.clip.ClipTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Adapters of the text encoder: a kohya LoRA of CLIP's linears, and a textual-inversion embedding. */
class TextEncoderAdapterParityTest {

    private static ClipTextModel clip;

    @BeforeAll
    static void load() throws Exception {
        clip = TinyModels.clip("clip-text-sd15-tiny");
    }

    /** lora-te-kohya-tiny: all 18 linears of the 3 layers at text-encoder multiplier 0.8 (scale 0.4). */
    @ParameterizedTest
    @EnumSource(ApplyMode.class)
    void kohyaTextEncoderLoraMatchesPeftAtMultiplier08(ApplyMode mode) throws Exception {
        SafetensorsFile io = Refdata.io("lora-te-kohya-tiny");
        LoraAdapter lora = LoraAdapter.read(Refdata.file("lora-te-kohya-tiny", "lora_te.safetensors"), "kohya");
        // the UNet strength must not reach the text encoder
        AdapterStack.Bound bound = AdapterStack.empty().with(lora, new AdapterStrength(0.3f, 0.8f))
                .bind(Map.of(Networks.TEXT_ENCODER, clip.parameters()), mode);
        assertTrue(bound.warnings().isEmpty(), () -> String.join("; ", bound.warnings()));
        assertEquals(18, bound.patch(Networks.TEXT_ENCODER).layers().size());
        ClipTextModel patched = clip.withPatch(bound.patch(Networks.TEXT_ENCODER));
        int[] ids = ids(io.get("in.input_ids"));
        float[] out = TinyModels.BACKEND.toHost(patched.encode(new int[][]{ids}, 0).lastHiddenState()).toFloatArray();
        double err = Close.assertClose("lora_te " + mode, io.get("out.lora_m0_8").toFloatArray(), out);
        double effect = Close.maxAbs(io.get("out.lora_m0_8").toFloatArray(), io.get("out.base").toFloatArray());
        System.out.printf("lora-te-kohya-tiny %s: max abs error %.2e (adapter effect %.2f)%n", mode, err, effect);
        assertTrue(effect > 0.1);
    }

    /**
     * textual-inversion-tiny: "a photo in <tiny-style> style" gets diffusers' ids (the 2-vector embedding's
     * tokens 49408 and 49409 after the vocabulary) and prompt embeddings; without the embedding, the tag is
     * ordinary BPE text.
     */
    @Test
    void textualInversionGivesDiffusersTokenIdsAndEmbeddings() throws Exception {
        SafetensorsFile io = Refdata.io("textual-inversion-tiny");
        Path tokFolder = Refdata.modelFolder("clip-tokenizer");
        ClipTokenizer tokenizer = ClipTokenizer.load(RefdataFiles.resolve(tokFolder, "vocab.json"), RefdataFiles.resolve(tokFolder, "merges.txt"), null);
        String prompt = "a photo in <tiny-style> style";

        assertArrayEquals(ids(io.get("input_ids_without_embedding")), tokenizer.window(tokenizer.encode(prompt)));
        float[] plain = TinyModels.BACKEND.toHost(clip.encode(new int[][]{tokenizer.window(tokenizer.encode(prompt))}, 0).lastHiddenState()).toFloatArray();
        Close.assertClose("without embedding", io.get("out.prompt_embeds_without_embedding").toFloatArray(), plain);

        TextualInversion ti = TextualInversion.read(Refdata.file("textual-inversion-tiny", "tiny-style.safetensors"), "<tiny-style>");
        AdapterStack.Bound bound = AdapterStack.empty().with(ti, AdapterStrength.of(1f))
                .bind(Map.of(Networks.TEXT_ENCODER, clip.parameters()), ApplyMode.MERGED);
        int vocab = clip.parameters().get("text_model.embeddings.token_embedding.weight").dim(0);
        AddedTokensTokenizer withTokens = new AddedTokensTokenizer(tokenizer, vocab, bound.embeddings());
        int[] window = withTokens.window(withTokens.encode(prompt));
        assertArrayEquals(ids(io.get("input_ids")), window, () -> Arrays.toString(window));

        ClipTextModel patched = clip.withPatch(bound.patch(Networks.TEXT_ENCODER));
        float[] out = TinyModels.BACKEND.toHost(patched.encode(new int[][]{window}, 0).lastHiddenState()).toFloatArray();
        double err = Close.assertClose("with embedding", io.get("out.prompt_embeds").toFloatArray(), out);
        System.out.printf("textual-inversion-tiny: max abs error %.2e%n", err);
    }

    private static int[] ids(Tensor t) {
        int[] out = new int[(int) t.numel()];
        for (int i = 0; i < out.length; i++) out[i] = (int) t.getLong(i);
        return out;
    }
}

package jdiffusion.models.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import jdiffusion.models.clip.ClipTokenizer;
import jdiffusion.models.testing.RefModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ComfyUI's token_weights / tokenize_with_weights / encode_token_weights behaviour (comfy/sd1_clip.py). */
class ComfyPromptTest {

    static ClipTokenizer tok;

    @BeforeAll
    static void load() throws IOException {
        tok = RefModels.tokenizer();
    }

    @Test
    void parsesParenthesesWeightsAndEscapesAsComfyUi() {
        assertEquals(List.of(new WeightedText("a cat", 1.5)), ComfyPrompt.parse("(a cat:1.5)"));
        assertEquals(List.of(new WeightedText("a ", 1.0), new WeightedText("cat", 1.1 * 1.1), new WeightedText(" [dog]", 1.0)),
                ComfyPrompt.parse("a ((cat)) [dog]"));
        assertEquals(List.of(new WeightedText("(literal)", 1.0)), ComfyPrompt.parse("\\(literal\\)"));
        assertEquals(List.of(new WeightedText("b:x", 1.1)), ComfyPrompt.parse("(b:x)"));
        assertEquals(List.of(new WeightedText("x", 0.5), new WeightedText("y", 0.5 * 1.1)), ComfyPrompt.parse("(x(y):0.5)"));
    }

    @Test
    void shortSegmentsMoveWholeToTheNextWindowLongOnesSplit() {
        int a = tok.encode("a")[0];
        String filler = "a ".repeat(73).trim();
        List<PromptChunk> chunks = ComfyPrompt.chunks(tok, List.of(new WeightedText(filler, 1), new WeightedText("big red cube", 1.2)));
        assertEquals(2, chunks.size());
        int[] first = chunks.get(0).tokens();
        assertEquals(tok.endToken(), first[74], "the 3-token segment did not fit after 73 tokens: the window ends");
        int[] second = chunks.get(1).tokens();
        assertArrayEquals(tok.encode("big red cube"), Arrays.copyOfRange(second, 1, 4));
        assertEquals(1.2f, chunks.get(1).multipliers()[1]);
        List<PromptChunk> split = ComfyPrompt.chunks(tok, List.of(new WeightedText(filler + " a a a a a a a a", 1)));
        assertEquals(2, split.size());
        assertEquals(a, split.get(0).tokens()[75], "a long segment fills the window before it breaks");
        assertEquals(tok.endToken(), split.get(0).tokens()[76]);
    }

    @Test
    void weightedTokensMoveAwayFromTheEmptyPromptState() throws IOException {
        var sd15 = RefModels.clipText("clip-text-sd15-tiny");
        var be = RefModels.backend();
        PromptEncoder.Clip clip = new PromptEncoder.Clip(tok, sd15, tok.encode(",")[0]);
        PromptEncoder comfy = new PromptEncoder(be, List.of(clip), PromptEncoder.Style.COMFYUI, 0);
        PromptEncoder literal = new PromptEncoder(be, List.of(clip), PromptEncoder.Style.DIFFUSERS, 0);
        float[] weighted = be.toHost(comfy.encode("(red:1.5) cube").hidden()).toFloatArray();
        float[] plain = be.toHost(comfy.encode("red cube").hidden()).toFloatArray();
        assertArrayEquals(be.toHost(literal.encode("red cube").hidden()).toFloatArray(), plain, "unweighted ComfyUI = diffusers");
        float[] empty = be.toHost(literal.encode("").hidden()).toFloatArray();
        int dim = 48;
        for (int t = 0; t < 77; t++) {
            for (int d = 0; d < dim; d++) {
                int i = t * dim + d;
                float expected = t == 1 ? (plain[i] - empty[i]) * 1.5f + empty[i] : plain[i];
                assertEquals(expected, weighted[i], 1e-6, "token " + t);
            }
        }
    }
}

package jdiffusion.models.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.clip.ClipTextModel;
import jdiffusion.models.clip.ClipTokenizer;
import jdiffusion.models.conformance.Comparison;
import jdiffusion.models.conformance.ReferenceIo;
import jdiffusion.models.testing.RefModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PromptEncoderTest {

    static ClipTokenizer tok;
    static ClipTextModel sd15;
    static ClipTextModel bigG;
    static int comma;

    @BeforeAll
    static void load() throws IOException {
        tok = RefModels.tokenizer();
        sd15 = RefModels.clipText("clip-text-sd15-tiny");
        bigG = RefModels.clipText("clip-text-sdxl-g-tiny");
        comma = tok.encode(",")[0];
    }

    private static Backend be() {
        return RefModels.backend();
    }

    private static float[] host(Tensor t) {
        return be().toHost(t).toFloatArray();
    }

    @Test
    void shortUnweightedPromptsGiveDiffusersEmbeddingsInBothStyles() throws IOException {
        ReferenceIo io = ReferenceIo.open(RefModels.dir("clip-text-sd15-tiny"));
        Tensor ref = io.get("last_hidden_state");
        PromptEncoder.Clip clip = new PromptEncoder.Clip(tok, sd15, comma);
        String[] prompts = {"a red cube on a table", ""};
        for (int b = 0; b < prompts.length; b++) {
            PromptEncoder.Embedding lit = new PromptEncoder(be(), List.of(clip), PromptEncoder.Style.DIFFUSERS, 0).encode(prompts[b]);
            PromptEncoder.Embedding a1111 = new PromptEncoder(be(), List.of(clip), PromptEncoder.Style.A1111, 0).encode(prompts[b]);
            assertArrayEquals(host(lit.hidden()), host(a1111.hidden()), "styles must agree exactly for \"" + prompts[b] + "\"");
            Comparison c = Comparison.of("prompt " + b, be().toHost(lit.hidden()).reshape(77, 48), ref.slice(b, b + 1).reshape(77, 48), 2e-5, 0);
            assertTrue(c.withinTolerance(), c.problem());
        }
    }

    @Test
    void sdxlStyleConcatenatesBothPenultimateStatesAndPoolsTheSecondEncodersProjection() throws IOException {
        ReferenceIo l = ReferenceIo.open(RefModels.dir("clip-text-sd15-tiny"));
        ReferenceIo g = ReferenceIo.open(RefModels.dir("clip-text-sdxl-g-tiny"));
        PromptEncoder enc = new PromptEncoder(be(), List.of(new PromptEncoder.Clip(tok, sd15, comma),
                new PromptEncoder.Clip(tok.withPadToken(0), bigG, comma)), PromptEncoder.Style.A1111, 0);
        PromptEncoder.Embedding e = enc.encode("a red cube on a table");
        assertArrayEquals(new int[]{1, 77, 64}, e.hidden().shape());
        float[] got = host(e.hidden());
        float[] refL = l.get("penultimate_hidden_state").slice(0, 1).toFloatArray();
        float[] refG = g.get("penultimate_hidden_state").slice(0, 1).toFloatArray();
        for (int t = 0; t < 77; t++) {
            for (int d = 0; d < 48; d++) assertEquals(refL[t * 48 + d], got[t * 64 + d], 2e-5);
            for (int d = 0; d < 16; d++) assertEquals(refG[t * 16 + d], got[t * 64 + 48 + d], 2e-5);
        }
        float[] pooled = host(e.pooled());
        float[] refPooled = g.get("text_embeds").slice(0, 1).toFloatArray();
        for (int i = 0; i < pooled.length; i++) assertEquals(refPooled[i], pooled[i], 2e-5);
    }

    @Test
    void longPromptsAreChunkedInA1111StyleAndTruncatedInDiffusersStyle() {
        String prompt = "a ".repeat(76).trim();
        PromptEncoder.Clip clip = new PromptEncoder.Clip(tok, sd15, comma);
        PromptEncoder a1111 = new PromptEncoder(be(), List.of(clip), PromptEncoder.Style.A1111, 0);
        PromptEncoder lit = new PromptEncoder(be(), List.of(clip), PromptEncoder.Style.DIFFUSERS, 0);
        List<PromptChunk> chunks = a1111.chunks(clip, prompt);
        assertEquals(2, chunks.size());
        int a = tok.encode("a")[0];
        int[] first = chunks.get(0).tokens();
        assertEquals(tok.startToken(), first[0]);
        assertTrue(Arrays.stream(first, 1, 76).allMatch(x -> x == a));
        assertEquals(tok.endToken(), first[76]);
        assertArrayEquals(new int[]{tok.startToken(), a, tok.endToken()}, Arrays.copyOf(chunks.get(1).tokens(), 3));
        assertArrayEquals(new int[]{1, 154, 48}, a1111.encode(prompt).hidden().shape());
        assertArrayEquals(new int[]{1, 77, 48}, lit.encode(prompt).hidden().shape());
        assertEquals(1, lit.chunks(clip, prompt).size());
    }

    @Test
    void aFullChunkMovesTheWordsAfterANearbyCommaToTheNextChunk() {
        PromptChunker chunker = new PromptChunker(tok, comma, 20);
        String prompt = "a ".repeat(70) + ", " + "b ".repeat(10);
        List<PromptChunk> chunks = chunker.chunks(prompt);
        int b = tok.encode("b")[0];
        assertEquals(2, chunks.size());
        assertEquals(comma, chunks.get(0).tokens()[71]);
        assertEquals(tok.endToken(), chunks.get(0).tokens()[72], "the b's after the comma moved on");
        assertEquals(10, Arrays.stream(chunks.get(1).tokens()).filter(x -> x == b).count());
        assertEquals(2, chunker.chunks(List.of(new WeightedText("a", 1), WeightedText.BREAK, new WeightedText("b", 1))).size());
    }

    @Test
    void emphasisScalesTokensAndKeepsTheChunkMean() {
        PromptEncoder.Clip clip = new PromptEncoder.Clip(tok, sd15, comma);
        PromptEncoder enc = new PromptEncoder(be(), List.of(clip), PromptEncoder.Style.A1111, 0);
        float[] plain = host(enc.encode("red cube").hidden());
        float[] weighted = host(enc.encode("(red:1.5) cube").hidden());
        List<PromptChunk> chunks = enc.chunks(clip, "(red:1.5) cube");
        assertEquals(1.5f, chunks.get(0).multipliers()[1]);
        assertEquals(1f, chunks.get(0).multipliers()[2]);
        assertFalse(Arrays.equals(plain, weighted));
        double m0 = 0, m1 = 0;
        for (int i = 0; i < plain.length; i++) {
            m0 += plain[i];
            m1 += weighted[i];
        }
        assertEquals(m0 / plain.length, m1 / weighted.length, 1e-5);
    }
}

package jdiffusion.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The layout of A1111's infotext (modules/processing.py create_infotext and infotext_utils.quote). */
class InfotextTest {

    static Map<String, String> params() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Steps", "20");
        p.put("Sampler", "Euler a");
        p.put("Schedule type", "Karras");
        p.put("CFG scale", "7.5");
        p.put("Seed", "42");
        p.put("Size", "512x512");
        p.put("Model hash", "0123456789");
        return p;
    }

    @Test
    void layoutIsPromptNegativeLineThenParameterLine() {
        assertEquals("a red cube\nNegative prompt: blurry, low quality\n"
                        + "Steps: 20, Sampler: Euler a, Schedule type: Karras, CFG scale: 7.5, Seed: 42, Size: 512x512, Model hash: 0123456789",
                new Infotext("a red cube", "blurry, low quality", params()).format());
    }

    @Test
    void emptyNegativePromptIsLeftOut() {
        assertEquals("a red cube\nSteps: 20, Sampler: Euler a, Schedule type: Karras, CFG scale: 7.5, Seed: 42, Size: 512x512, Model hash: 0123456789",
                new Infotext("a red cube", "", params()).format());
    }

    @Test
    void valuesWithCommasColonsOrLineBreaksBecomeJsonStrings() {
        assertEquals("plain", Infotext.quote("plain"));
        assertEquals("\"a, b\"", Infotext.quote("a, b"));
        assertEquals("\"k: v\"", Infotext.quote("k: v"));
        assertEquals("\"say \\\"hi\\\",\\nbye\"", Infotext.quote("say \"hi\",\nbye"));
    }

    @Test
    void parsesItsOwnOutputBack() {
        Map<String, String> p = params();
        p.put("Model", "tiny, v1: test");
        Infotext original = new Infotext("line one\nline two", "ugly", p);
        Infotext back = Infotext.parse(original.format());
        assertEquals(original, back);
    }
}

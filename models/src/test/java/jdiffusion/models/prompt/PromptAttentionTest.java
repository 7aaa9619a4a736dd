package jdiffusion.models.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples of A1111's parse_prompt_attention docstring (modules/prompt_parser.py). */
class PromptAttentionTest {

    private static void assertParse(String prompt, Object... textAndWeight) {
        List<WeightedText> got = PromptAttention.parse(prompt);
        assertEquals(textAndWeight.length / 2, got.size(), got.toString());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(textAndWeight[2 * i], got.get(i).text(), got.toString());
            assertEquals((Double) textAndWeight[2 * i + 1], got.get(i).weight(), 1e-12, got.toString());
        }
    }

    @Test
    void parsesA1111EmphasisAsItsDocumentationShows() {
        assertParse("normal text", "normal text", 1.0);
        assertParse("an (important) word", "an ", 1.0, "important", 1.1, " word", 1.0);
        assertParse("(unbalanced", "unbalanced", 1.1);
        assertParse("\\(literal\\]", "(literal]", 1.0);
        assertParse("(unnecessary)(parens)", "unnecessaryparens", 1.1);
        assertParse("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
                "a ", 1.0, "house", 1.5730000000000004, " ", 1.1, "on", 1.0, " a ", 1.1, "hill", 0.55,
                ", sun, ", 1.1, "sky", 1.4641000000000006, ".", 1.1);
    }

    @Test
    void breakSplitsAndColonsWithoutWeightsStayText() {
        List<WeightedText> got = PromptAttention.parse("a cat BREAK a dog");
        assertEquals(List.of(new WeightedText("a cat", 1.0), WeightedText.BREAK, new WeightedText("a dog", 1.0)), got);
        assertParse("a cat:1.5", "a cat:1.5", 1.0);
        assertParse("", "", 1.0);
    }
}

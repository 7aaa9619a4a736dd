package jdiffusion.adapters.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A1111's {@code <lora:name:...>} prompt tags: strengths as A1111 reads them, tags removed from the prompt. */
class LoraPromptTest {

    @Test
    void tagsGiveTextEncoderAndUnetStrengthsAndLeaveThePrompt() {
        LoraPrompt.Parsed p = LoraPrompt.parse("a cat <lora:style:0.8>, in a hat <lora:detail> <lyco:loha_x:0.5:0.25> <lora:y:unet=0.3>");
        assertEquals("a cat , in a hat   ", p.prompt());
        assertEquals(List.of(new LoraPrompt.Tag("style", 0.8f, 0.8f), new LoraPrompt.Tag("detail", 1f, 1f),
                new LoraPrompt.Tag("loha_x", 0.5f, 0.25f), new LoraPrompt.Tag("y", 1f, 0.3f)), p.tags());
    }

    @Test
    void aStrengthThatIsNoNumberIsRefusedNamingTheTag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoraPrompt.parse("x <lora:a:strong>"));
        assertEquals("in <lora:a:strong>: \"strong\" is not a number", e.getMessage());
    }
}

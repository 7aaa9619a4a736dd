package jdiffusion.models.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdiffusion.core.json.Json;
import jdiffusion.models.conformance.ReferenceFiles;
import jdiffusion.models.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClipTokenizerTest {

    private static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> Math.toIntExact((Long) o)).toArray();
    }

    /** Every case of both reference sets: cleaned text, ids, the SD1 window and the SD2/OpenCLIP window. */
    @ParameterizedTest
    @ValueSource(strings = {"clip-tokenizer", "clip-tokenizer-tiny"})
    @SuppressWarnings("unchecked")
    void tokenizesEveryCaseLikeOpenAiSimpleTokenizer(String set) throws IOException {
        Path dir = TestData.models().resolve(set);
        ClipTokenizer sd1 = ClipTokenizer.load(ReferenceFiles.resolve(dir, "vocab.json"), ReferenceFiles.resolve(dir, "merges.txt"), null);
        ClipTokenizer sd2 = sd1.withPadToken(0);
        Map<String, Object> root = (Map<String, Object>) Json.read(ReferenceFiles.resolve(dir, "cases.json"));
        Map<String, Object> meta = (Map<String, Object>) root.get("meta");
        assertEquals(((Long) meta.get("sot")).intValue(), sd1.startToken());
        assertEquals(((Long) meta.get("eot")).intValue(), sd1.endToken());
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (Object o : (List<Object>) root.get("cases")) {
            Map<String, Object> c = (Map<String, Object>) o;
            String text = (String) c.get("text");
            n++;
            if (!ClipTokenizer.clean(text).equals(c.get("cleaned"))) {
                failures.add("cleaned " + Json.write(text) + ": " + Json.write(ClipTokenizer.clean(text)) + " != " + Json.write(c.get("cleaned")));
            }
            int[] ids = sd1.encode(text);
            if (!java.util.Arrays.equals(ids, ints(c.get("ids")))) {
                failures.add("ids " + Json.write(text) + ": " + java.util.Arrays.toString(ids) + " != " + c.get("ids"));
                continue;
            }
            if (!java.util.Arrays.equals(sd1.window(ids), ints(c.get("padded")))) failures.add("padded " + Json.write(text));
            if (!java.util.Arrays.equals(sd2.window(ids), ints(c.get("padded_sd2")))) failures.add("padded_sd2 " + Json.write(text));
        }
        assertTrue(n > 50, "cases read: " + n);
        assertTrue(failures.isEmpty(), failures.size() + " of " + n + " cases differ:\n" + String.join("\n", failures));
    }

    /** Checkpoints carry no tokenizer: the bundled vocabulary is OpenAI's, as the reference set's. */
    @Test
    void bundledVocabularyTokenizesLikeTheReferenceOne() throws IOException {
        Path dir = TestData.models().resolve("clip-tokenizer");
        ClipTokenizer ref = ClipTokenizer.load(ReferenceFiles.resolve(dir, "vocab.json"), ReferenceFiles.resolve(dir, "merges.txt"), null);
        ClipTokenizer bundled = ClipTokenizer.bundled(null);
        assertEquals(49408, bundled.vocabularySize());
        for (String text : List.of("a photograph of an astronaut riding a horse", "(masterpiece:1.2), 東京 🐱 don’t")) {
            assertArrayEquals(ref.encode(text), bundled.encode(text));
        }
        assertEquals(0, ClipTokenizer.bundled("!").padToken());
        assertEquals(49407, bundled.padToken());
    }
}

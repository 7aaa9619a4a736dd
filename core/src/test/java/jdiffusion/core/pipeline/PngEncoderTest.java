package jdiffusion.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PNG writing and text chunks (an independent decoder checks the same files in the command's tests). */
class PngEncoderTest {

    static RgbImage randomImage(int w, int h, long seed) {
        byte[] b = new byte[w * h * 3];
        new Random(seed).nextBytes(b);
        return RgbImage.of(w, h, b);
    }

    @Test
    void textChunksReadBackInOrderLatin1AndUnicode() {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("parameters", "a caf\u00e9\nSteps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 42, Size: 64x64");
        text.put("Comment", "snowman \u2603 and \u732b");
        byte[] png = PngEncoder.encode(randomImage(8, 8, 2), text);
        assertEquals(text, PngEncoder.readText(png));
        assertArrayEquals(new int[]{8, 8}, PngEncoder.size(png));
        String raw = new String(png, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(raw.contains("tEXtparameters\0"), "Latin-1 text is a tEXt chunk");
        assertTrue(raw.contains("iTXtComment\0"), "other text is an iTXt chunk");
    }

    @Test
    void writesAtomicallyAndNeverReplacesUnlessAsked(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("sub/out.png");
        PngFile.write(target, randomImage(4, 4, 3), Map.of("parameters", "first"), false);
        assertEquals("first", PngEncoder.readText(Files.readAllBytes(target)).get("parameters"));
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> PngFile.write(target, randomImage(4, 4, 4), Map.of("parameters", "second"), false));
        assertTrue(e.getMessage().contains("out.png"), e.getMessage());
        assertEquals("first", PngEncoder.readText(Files.readAllBytes(target)).get("parameters"));
        PngFile.write(target, randomImage(4, 4, 4), Map.of("parameters", "second"), true);
        assertEquals("second", PngEncoder.readText(Files.readAllBytes(target)).get("parameters"));
        try (var files = Files.list(target.getParent())) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void rejectsBytesThatAreNotPng() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PngEncoder.readText(new byte[64]));
        assertTrue(e.getMessage().contains("not a PNG"), e.getMessage());
    }
}

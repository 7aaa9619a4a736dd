package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jdiffusion generate} with adapters on the tiny pipeline: a LoRA by file and by A1111 prompt tag
 * give the same image (and differ from none), an embedding acts through its token, a ControlNet with the
 * canny preprocessor changes the image, and a file that is no adapter is refused naming it.
 */
class GenerateWithAdaptersTest {

    static final Path LORA = Path.of("../adapters-lora/src/test/resources/refdata/lora-peft-tiny/pytorch_lora_weights.safetensors.gz");
    static final Path CONTROLNET = Path.of("../adapters-controlnet/src/test/resources/refdata/controlnet-tiny");

    private static PluginsCommandTest.Run generate(Path out, String prompt, String... extra) {
        String[] base = {"generate", "--model", TinyPipeline.folder().toString(), "--prompt", prompt, "--negative-prompt", "",
                "--steps", "2", "--seed", "7", "--quiet", "--output", out.toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return PluginsCommandTest.run(all);
    }

    private static int[] pixels(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    /** The largest difference of one channel between two images, in 8-bit levels. */
    private static int maxLevels(int[] a, int[] b) {
        int m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int c = 0; c < 3; c++) m = Math.max(m, Math.abs(((a[i] >> 8 * c) & 0xff) - ((b[i] >> 8 * c) & 0xff)));
        }
        return m;
    }

    private static Path gunzip(Path gz, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.copy(in, to);
        }
        return to;
    }

    @Test
    void loraByFileAndByPromptTagGiveTheSameImage(@TempDir Path dir) throws Exception {
        Path lora = gunzip(LORA, dir.resolve("loras/tiny_style.safetensors"));
        PluginsCommandTest.Run plain = generate(dir.resolve("plain.png"), "a red cube");
        assertEquals(0, plain.code(), plain.err());
        PluginsCommandTest.Run byFile = generate(dir.resolve("file.png"), "a red cube", "--lora", lora + ":0.5");
        assertEquals(0, byFile.code(), byFile.err());
        PluginsCommandTest.Run byTag = generate(dir.resolve("tag.png"), "a red cube <lora:tiny_style:0.5>",
                "--lora-dir", dir.resolve("loras").toString(), "--lora-mode", "runtime");
        assertEquals(0, byTag.code(), byTag.err());
        int[] p = pixels(dir.resolve("plain.png"));
        int[] f = pixels(dir.resolve("file.png"));
        int[] t = pixels(dir.resolve("tag.png"));
        assertTrue(maxLevels(p, f) > 10, "the LoRA changes the image: " + maxLevels(p, f) + " levels");
        // merged weights and run-time deltas round differently, so a level here and there may differ
        assertTrue(maxLevels(f, t) <= 2, "merged by file and run-time by tag agree to rounding: " + maxLevels(f, t) + " levels");
    }

    @Test
    void controlNetWithCannyChangesTheImage(@TempDir Path dir) throws Exception {
        Path cn = dir.resolve("controlnet");
        gunzip(CONTROLNET.resolve("config.json.gz"), cn.resolve("config.json"));
        gunzip(CONTROLNET.resolve("weights.safetensors.gz"), cn.resolve("diffusion_pytorch_model.safetensors"));
        BufferedImage control = new BufferedImage(80, 72, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 72; y++) for (int x = 0; x < 80; x++) control.setRGB(x, y, (x > 20 && x < 60 && y > 15 && y < 50) ? 0xffffff : 0x202020);
        Path img = dir.resolve("control.png");
        ImageIO.write(control, "png", img.toFile());
        PluginsCommandTest.Run plain = generate(dir.resolve("plain.png"), "a red cube", "--width", "64", "--height", "64");
        assertEquals(0, plain.code(), plain.err());
        PluginsCommandTest.Run r = generate(dir.resolve("cn.png"), "a red cube", "--width", "64", "--height", "64",
                "--controlnet", cn.toString(), "--control-image", img.toString(), "--control-preprocessor", "canny:low=50,high=100",
                "--control-scale", "0.8");
        assertEquals(0, r.code(), r.err());
        int changed = maxLevels(pixels(dir.resolve("plain.png")), pixels(dir.resolve("cn.png")));
        assertTrue(changed > 10, "the ControlNet changes the image: " + changed + " levels");
        PluginsCommandTest.Run off = generate(dir.resolve("off.png"), "a red cube", "--width", "64", "--height", "64",
                "--controlnet", cn.toString(), "--control-image", img.toString(), "--control-scale", "0");
        assertEquals(0, off.code(), off.err());
        int off0 = maxLevels(pixels(dir.resolve("plain.png")), pixels(dir.resolve("off.png")));
        assertEquals(0, off0, "a ControlNet at scale 0 changes nothing: " + off0 + " levels");
    }

    @Test
    void anEmbeddingIsUsedByItsTokenInThePrompt(@TempDir Path dir) throws Exception {
        Path emb = gunzip(Path.of("../adapters-lora/src/test/resources/refdata/textual-inversion-tiny/tiny-style.safetensors.gz"),
                dir.resolve("tiny-style.safetensors"));
        PluginsCommandTest.Run plain = generate(dir.resolve("plain.png"), "a photo in <tiny-style> style");
        assertEquals(0, plain.code(), plain.err());
        PluginsCommandTest.Run with = generate(dir.resolve("emb.png"), "a photo in <tiny-style> style", "--embedding", emb + ":<tiny-style>");
        assertEquals(0, with.code(), with.err());
        int changed = maxLevels(pixels(dir.resolve("plain.png")), pixels(dir.resolve("emb.png")));
        assertTrue(changed > 10, "the embedding changes the image: " + changed + " levels");
    }

    @Test
    void aFileThatIsNoAdapterIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path notLora = gunzip(Path.of("../models/src/test/resources/refdata/models/vae-tiny/weights.safetensors.gz"), dir.resolve("vae.safetensors"));
        PluginsCommandTest.Run r = generate(dir.resolve("x.png"), "a red cube", "--lora", notLora.toString());
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains(notLora.toString()) && r.err().contains("no adapter"), r.err());
    }
}

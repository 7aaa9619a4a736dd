package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.pipeline.PngEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jdiffusion generate} on the tiny reference pipeline folder: the PNG it writes holds diffusers'
 * image (the recorded run) and A1111's parameters; outputs are never overwritten unless asked; sizes follow
 * the model.
 */
class GenerateCommandTest {

    static PluginsCommandTest.Run run(String... args) {
        return PluginsCommandTest.run(args);
    }

    static String model() {
        return TinyPipeline.folder().toString();
    }

    @Test
    void writesDiffusersImageWithA1111Parameters(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cube.png");
        PluginsCommandTest.Run r = run("generate", "--model", model(), "--prompt", "a red cube on a table", "--negative-prompt", "",
                "--steps", "4", "--cfg", "7.5", "--seed", "4242", "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(out.toString()), r.out());
        assertTrue(r.err().matches("(?s).*4/4 .*s/step.*ETA.*"), "progress bar: " + r.err());
        assertTrue(r.err().matches("(?s).*generated 1 image in .* s.*: 4 steps, \\d+\\.\\d+ s/step, peak memory .*"), r.err());

        byte[] png = Files.readAllBytes(out);
        assertEquals("a red cube on a table\nSteps: 4, Sampler: Euler, CFG scale: 7.5, Seed: 4242, Size: 64x64, "
                        + "Model hash: a08377be89, Model: sd15-tiny-pipeline, RNG: CPU, Scheduler: EulerDiscreteScheduler, Version: jdiffusion",
                PngEncoder.readText(png).get("parameters"), "hash: the reference's own SHA-256 of the UNet weights");

        BufferedImage img = ImageIO.read(out.toFile());
        assertEquals(64, img.getWidth(), "default size: sample_size 16 x the VAE's factor 4");
        assertEquals(64, img.getHeight());
        float[] ref;
        try (SafetensorsFile io = SafetensorsFile.open(TinyPipeline.RECORDED_RUN)) {
            ref = io.tensor("image").toFloatArray();   // diffusers' [1, 64, 64, 3] in [0, 1]
        }
        int maxLevels = 0, differing = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                int rgb = img.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    int ours = (rgb >> (16 - 8 * c)) & 0xff;
                    int theirs = (int) Math.rint(ref[3 * (y * 64 + x) + c] * 255f);
                    maxLevels = Math.max(maxLevels, Math.abs(ours - theirs));
                    if (ours != theirs) differing++;
                }
            }
        }
        assertTrue(maxLevels <= 1 && differing < 20, "pixels vs diffusers' numpy_to_pil: max " + maxLevels + " levels, " + differing + " values differ");
    }

    @Test
    void keepsExistingFilesUnlessOverwriteIsGiven(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("a.png");
        String[] args = {"generate", "--model", model(), "--prompt", "a cube", "--steps", "1", "--seed", "1", "-q", "-o", out.toString()};
        assertEquals(0, run(args).code());
        byte[] first = Files.readAllBytes(out);
        PluginsCommandTest.Run again = run(args);
        assertEquals(1, again.code(), again.err());
        assertTrue(again.err().contains("a.png") && again.err().contains("--overwrite"), again.err());
        assertEquals(List.of(out), List.of(Files.list(dir).toArray(Path[]::new)), "no other file, no temporary left behind");
        String[] overwrite = {"generate", "--model", model(), "--prompt", "a cube", "--steps", "1", "--seed", "2", "-q", "-o", out.toString(), "--overwrite"};
        assertEquals(0, run(overwrite).code());
        assertTrue(!java.util.Arrays.equals(first, Files.readAllBytes(out)), "replaced with the new seed's image");
    }

    @Test
    void numbersFilesInAnOutputFolderAsA1111(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("outputs");
        PluginsCommandTest.Run r = run("generate", "--model", model(), "--prompt", "a cube", "--steps", "1", "--seed", "7",
                "--batch", "2", "--width", "32", "--height", "48", "-q", "-o", folder.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(folder.resolve("00001-7.png")) && Files.exists(folder.resolve("00002-7.png")), r.out());
        assertEquals(32, ImageIO.read(folder.resolve("00002-7.png").toFile()).getWidth());
        String params = PngEncoder.readText(Files.readAllBytes(folder.resolve("00002-7.png"))).get("parameters");
        assertTrue(params.contains("Size: 32x48") && params.contains("Batch size: 2, Batch pos: 1"), params);
    }

    @Test
    void sizesThatAreNotMultiplesOfTheVaeFactorAreRefused() {
        PluginsCommandTest.Run r = run("generate", "--model", model(), "--prompt", "a cube", "--width", "66", "-q");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("66x64") && r.err().contains("multiples of 4"), r.err());
    }
}

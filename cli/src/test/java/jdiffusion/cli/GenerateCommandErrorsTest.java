package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code generate} says when it cannot start: each message names the thing and what was expected. */
class GenerateCommandErrorsTest {

    static PluginsCommandTest.Run run(String... args) {
        return PluginsCommandTest.run(args);
    }

    @Test
    void missingModelFolder(@TempDir Path dir) {
        PluginsCommandTest.Run r = run("generate", "--model", dir.resolve("nothing").toString(), "--prompt", "x", "-q");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("does not exist") && r.err().contains("nothing"), r.err());
    }

    @Test
    void incompleteModelFolderNamesWhatIsMissing(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("model_index.json"), "{}");
        Files.createDirectories(dir.resolve("unet"));
        Files.writeString(dir.resolve("unet/config.json"), "{}");
        PluginsCommandTest.Run r = run("generate", "--model", dir.toString(), "--prompt", "x", "-q");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("incomplete") && r.err().contains("vae/") && r.err().contains("text_encoder/")
                && r.err().contains("unet/ weights"), r.err());
    }

    @Test
    void unknownSamplerListsTheNamesThatExist(@TempDir Path dir) {
        PluginsCommandTest.Run r = run("generate", "--model", dir.toString(), "--prompt", "x", "--sampler", "eulr", "-q");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("unknown sampler \"eulr\"") && r.err().contains("euler"), r.err());
    }

    @Test
    void initImageThatIsNotAnImage(@TempDir Path dir) throws Exception {
        Path bogus = dir.resolve("init.png");
        Files.writeString(bogus, "not really");
        PluginsCommandTest.Run r = run("generate", "--model", dir.toString(), "--prompt", "x", "--init-image", bogus.toString(), "-q");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("init.png") && r.err().contains("not an image"), r.err());
    }

    @Test
    void maskWithoutInitialImage(@TempDir Path dir) throws Exception {
        PluginsCommandTest.Run r = run("generate", "--model", dir.toString(), "--prompt", "x", "--mask", dir.resolve("m.png").toString(), "-q");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--mask needs --init-image"), r.err());
    }
}

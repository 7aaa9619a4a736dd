package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import jdiffusion.core.pipeline.PngEncoder;
import jdiffusion.core.pipeline.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/** PNGs we write, seen by an independent decoder (javax.imageio); and reading initial images and masks. */
class ImageFilesTest {

    static RgbImage randomImage(int w, int h, long seed) {
        byte[] b = new byte[w * h * 3];
        new Random(seed).nextBytes(b);
        return RgbImage.of(w, h, b);
    }

    @Test
    void writtenPngDecodesToTheSamePixelsWithImageIO(@TempDir Path dir) throws Exception {
        RgbImage img = randomImage(37, 23, 1);
        Path f = dir.resolve("a.png");
        Files.write(f, PngEncoder.encode(img, Map.of()));
        assertEquals(img, ImageFiles.read(f, "initial image"));
    }

    @Test
    void parametersChunkIsReadByImageIO() throws Exception {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("parameters", "a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 42, Size: 64x64");
        text.put("Comment", "snowman \u2603 and \u732b");
        byte[] png = PngEncoder.encode(randomImage(8, 8, 2), text);
        Map<String, String> seen = new LinkedHashMap<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
            reader.setInput(in);
            IIOMetadata meta = reader.getImageMetadata(0);
            collectText(meta.getAsTree("javax_imageio_png_1.0"), seen);
        }
        assertEquals(text, seen);
    }

    static void collectText(Node node, Map<String, String> out) {
        if (node.getNodeName().equals("tEXtEntry")) {
            NamedNodeMap a = node.getAttributes();
            out.put(a.getNamedItem("keyword").getNodeValue(), a.getNamedItem("value").getNodeValue());
        } else if (node.getNodeName().equals("iTXtEntry")) {
            NamedNodeMap a = node.getAttributes();
            out.put(a.getNamedItem("keyword").getNodeValue(), a.getNamedItem("text").getNodeValue());
        }
        for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) collectText(c, out);
    }

    @Test
    void greyImagesKeepTheirStoredLevels(@TempDir Path dir) throws Exception {
        BufferedImage g = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSamples(0, 0, 3, 1, 0, new int[]{0, 100, 255});
        Path f = dir.resolve("g.png");
        ImageIO.write(g, "png", f.toFile());
        RgbImage read = ImageFiles.read(f, "mask");
        assertEquals(100, read.channel(1, 0, 0));
        assertEquals(100, read.channel(1, 0, 2));
        assertEquals(255, read.channel(2, 0, 1));
    }

    @Test
    void jpegIsRead(@TempDir Path dir) throws Exception {
        BufferedImage rgb = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 16; x++) rgb.setRGB(x, y, 0x808080);
        Path f = dir.resolve("grey.jpg");
        ImageIO.write(rgb, "jpeg", f.toFile());
        RgbImage read = ImageFiles.read(f, "initial image");
        assertEquals(16, read.width());
        assertTrue(Math.abs(read.channel(3, 3, 0) - 128) <= 2);
    }

    @Test
    void filesThatAreNotImagesAreNamed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("notes.png");
        Files.writeString(f, "hello");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFiles.read(f, "initial image"));
        assertTrue(e.getMessage().contains("notes.png") && e.getMessage().contains("not an image"), e.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ImageFiles.read(dir.resolve("nope.png"), "mask"));
        assertTrue(missing.getMessage().contains("mask") && missing.getMessage().contains("does not exist"), missing.getMessage());
    }
}

package jdiffusion.cli;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import jdiffusion.core.pipeline.RgbImage;

/**
 * Reads PNG, JPEG (and whatever else javax.imageio decodes) into 8-bit RGB, as PIL's {@code convert("RGB")}
 * would: alpha is dropped and grey levels are copied to the three channels unchanged.
 */
final class ImageFiles {

    private ImageFiles() {
    }

    static RgbImage read(Path file, String what) {
        if (!Files.exists(file)) throw new IllegalArgumentException(what + " " + file + " does not exist");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(what + " " + file + " is not a file");
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be decoded as an image: " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IllegalArgumentException(what + " " + file + " is not an image (expected PNG or JPEG; also BMP, GIF)");
        }
        return toRgb(img);
    }

    static RgbImage toRgb(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        Raster raster = img.getRaster();
        int bands = raster.getNumBands();
        boolean gray = img.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
        if (gray && (bands == 1 || bands == 2)) {
            // Java converts grey as linear light in getRGB; PIL copies the stored levels. Copy them.
            int bits = img.getColorModel().getComponentSize(0);
            byte[] rgb = new byte[w * h * 3];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = bits > 8 ? row[x] >>> (bits - 8) : bits < 8 ? row[x] * 255 / ((1 << bits) - 1) : row[x];
                    int o = 3 * (y * w + x);
                    rgb[o] = rgb[o + 1] = rgb[o + 2] = (byte) v;
                }
            }
            return RgbImage.of(w, h, rgb);
        }
        return RgbImage.fromArgb(w, h, img.getRGB(0, 0, w, h, null, 0, w));
    }
}

package jdiffusion.cli.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** A minimal PNG encoder (RFC 2083): 8-bit RGB, no filtering, one zlib-compressed IDAT chunk. */
final class Png {

    private Png() {
    }

    /** Writes {@code rgb} (0xRRGGBB per pixel, row-major) as a PNG file. */
    static void write(Path file, int width, int height, int[] rgb) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(height * (1 + 3 * width));
        for (int y = 0; y < height; y++) {
            raw.write(0); // filter type None
            for (int x = 0; x < width; x++) {
                int p = rgb[y * width + x];
                raw.write((p >>> 16) & 0xff);
                raw.write((p >>> 8) & 0xff);
                raw.write(p & 0xff);
            }
        }
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(raw.toByteArray());
        deflater.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!deflater.finished()) z.write(buf, 0, deflater.deflate(buf));
        deflater.end();

        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        int32(ihdr, width);
        int32(ihdr, height);
        ihdr.write(8);  // bit depth
        ihdr.write(2);  // colour type: truecolour
        ihdr.write(0);  // compression
        ihdr.write(0);  // filter method
        ihdr.write(0);  // no interlace
        chunk(png, "IHDR", ihdr.toByteArray());
        chunk(png, "IDAT", z.toByteArray());
        chunk(png, "IEND", new byte[0]);
        Files.write(file, png.toByteArray());
    }

    private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        int32(out, data.length);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        int32(out, (int) crc.getValue());
    }

    private static void int32(OutputStream out, int v) throws IOException {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}

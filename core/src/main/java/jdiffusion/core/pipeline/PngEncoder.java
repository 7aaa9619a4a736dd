package jdiffusion.core.pipeline;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * PNG (ISO/IEC 15948) for 8-bit RGB images, written with the JDK alone: IHDR, the text chunks, one
 * IDAT (scanlines with the Paeth filter, deflated), IEND. Text goes into {@code tEXt} chunks when it is
 * Latin-1 and into uncompressed {@code iTXt} (UTF-8) otherwise, so prompts in any script survive; A1111
 * reads its {@code parameters} key from either.
 */
public final class PngEncoder {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private PngEncoder() {
    }

    /** The PNG file bytes for {@code image} with {@code text} entries (keyword to text, in order). */
    public static byte[] encode(RgbImage image, Map<String, String> text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, image.width());
        putInt(ihdr, 4, image.height());
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 2;  // colour type: truecolour
        chunk(out, "IHDR", ihdr);
        for (Map.Entry<String, String> e : text.entrySet()) {
            textChunk(out, e.getKey(), e.getValue());
        }
        chunk(out, "IDAT", deflate(filtered(image)));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** The text entries ({@code tEXt}, {@code iTXt}, {@code zTXt}) of a PNG file, in file order. */
    public static Map<String, String> readText(byte[] png) {
        checkSignature(png);
        Map<String, String> text = new LinkedHashMap<>();
        int pos = 8;
        while (pos + 8 <= png.length) {
            int length = getInt(png, pos);
            String type = new String(png, pos + 4, 4, StandardCharsets.ISO_8859_1);
            int data = pos + 8;
            if (length < 0 || data + length + 4 > png.length) throw new IllegalArgumentException("truncated PNG chunk " + type);
            switch (type) {
                case "tEXt" -> {
                    int nul = indexOf(png, data, data + length);
                    text.put(latin1(png, data, nul), latin1(png, nul + 1, data + length));
                }
                case "zTXt" -> {
                    int nul = indexOf(png, data, data + length);
                    text.put(latin1(png, data, nul), new String(inflate(png, nul + 2, data + length), StandardCharsets.ISO_8859_1));
                }
                case "iTXt" -> {
                    int nul = indexOf(png, data, data + length);
                    String key = latin1(png, data, nul);
                    boolean compressed = png[nul + 1] != 0;
                    int langEnd = indexOf(png, nul + 3, data + length);
                    int transEnd = indexOf(png, langEnd + 1, data + length);
                    byte[] value = compressed ? inflate(png, transEnd + 1, data + length)
                            : java.util.Arrays.copyOfRange(png, transEnd + 1, data + length);
                    text.put(key, new String(value, StandardCharsets.UTF_8));
                }
                case "IEND" -> {
                    return text;
                }
                default -> { }
            }
            pos = data + length + 4;
        }
        return text;
    }

    /** Width and height from the IHDR chunk. */
    public static int[] size(byte[] png) {
        checkSignature(png);
        return new int[]{getInt(png, 16), getInt(png, 20)};
    }

    private static void checkSignature(byte[] png) {
        if (png.length < 33 || !java.util.Arrays.equals(png, 0, 8, SIGNATURE, 0, 8)) {
            throw new IllegalArgumentException("not a PNG file (signature missing)");
        }
    }

    private static void textChunk(ByteArrayOutputStream out, String key, String value) {
        if (key.isEmpty() || key.length() > 79 || !StandardCharsets.ISO_8859_1.newEncoder().canEncode(key)) {
            throw new IllegalArgumentException("PNG text keyword must be 1-79 Latin-1 characters: \"" + key + "\"");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(key.getBytes(StandardCharsets.ISO_8859_1));
        body.write(0);
        if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(value)) {
            body.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
            chunk(out, "tEXt", body.toByteArray());
        } else {
            body.write(0);  // not compressed
            body.write(0);  // compression method
            body.write(0);  // empty language tag
            body.write(0);  // empty translated keyword
            body.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            chunk(out, "iTXt", body.toByteArray());
        }
    }

    /** Scanlines, each prefixed with filter type 4 (Paeth). */
    private static byte[] filtered(RgbImage image) {
        int w = image.width(), h = image.height(), stride = w * 3;
        byte[] px = image.rgbBytes();
        byte[] out = new byte[h * (stride + 1)];
        for (int y = 0; y < h; y++) {
            int o = y * (stride + 1);
            out[o] = 4;
            for (int i = 0; i < stride; i++) {
                int x = px[y * stride + i] & 0xff;
                int a = i >= 3 ? px[y * stride + i - 3] & 0xff : 0;
                int b = y > 0 ? px[(y - 1) * stride + i] & 0xff : 0;
                int c = i >= 3 && y > 0 ? px[(y - 1) * stride + i - 3] & 0xff : 0;
                out[o + 1 + i] = (byte) (x - paeth(a, b, c));
            }
        }
        return out;
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
            byte[] buf = new byte[1 << 16];
            while (!d.finished()) out.write(buf, 0, d.deflate(buf));
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    private static byte[] inflate(byte[] data, int from, int to) {
        Inflater inf = new Inflater();
        try {
            inf.setInput(data, from, to - from);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 14];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) break;
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("corrupt compressed PNG text: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] header = new byte[8];
        putInt(header, 0, data.length);
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(t, 0, header, 4, 4);
        out.writeBytes(header);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.writeBytes(c);
    }

    private static int indexOf(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) if (a[i] == 0) return i;
        throw new IllegalArgumentException("malformed PNG text chunk (no keyword terminator)");
    }

    private static String latin1(byte[] a, int from, int to) {
        return new String(a, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static void putInt(byte[] a, int off, int v) {
        a[off] = (byte) (v >>> 24);
        a[off + 1] = (byte) (v >>> 16);
        a[off + 2] = (byte) (v >>> 8);
        a[off + 3] = (byte) v;
    }

    private static int getInt(byte[] a, int off) {
        return (a[off] & 0xff) << 24 | (a[off + 1] & 0xff) << 16 | (a[off + 2] & 0xff) << 8 | (a[off + 3] & 0xff);
    }
}

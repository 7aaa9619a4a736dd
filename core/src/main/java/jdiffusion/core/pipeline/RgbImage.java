package jdiffusion.core.pipeline;

import java.util.Arrays;

/**
 * An 8-bit RGB image, row-major, three bytes per pixel. Immutable. The conversions to and from the
 * model's float images follow diffusers' {@code VaeImageProcessor}, so pixels match its output exactly.
 */
public final class RgbImage {

    private final int width;
    private final int height;
    private final byte[] rgb; // [height][width][3]

    private RgbImage(int width, int height, byte[] rgb) {
        this.width = width;
        this.height = height;
        this.rgb = rgb;
    }

    /** An image over a copy of {@code rgb} ({@code width * height * 3} bytes, R G B per pixel, rows top to bottom). */
    public static RgbImage of(int width, int height, byte[] rgb) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB image needs " + (long) width * height * 3
                    + " bytes, got " + rgb.length);
        }
        return new RgbImage(width, height, rgb.clone());
    }

    /** An image from packed {@code 0xAARRGGBB} pixels (as {@code BufferedImage.getRGB} returns them); alpha is dropped. */
    public static RgbImage fromArgb(int width, int height, int[] argb) {
        if (argb.length != (long) width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " image needs " + (long) width * height
                    + " pixels, got " + argb.length);
        }
        byte[] out = new byte[argb.length * 3];
        for (int i = 0; i < argb.length; i++) {
            out[3 * i] = (byte) (argb[i] >>> 16);
            out[3 * i + 1] = (byte) (argb[i] >>> 8);
            out[3 * i + 2] = (byte) argb[i];
        }
        return new RgbImage(width, height, out);
    }

    /**
     * The image for a decoded sample [3, H, W] in [-1, 1], as diffusers' {@code postprocess} and
     * {@code numpy_to_pil}: {@code v = clamp(x / 2 + 0.5, 0, 1)} in float32, then {@code round(v * 255)}
     * with ties to even (numpy's rounding).
     */
    public static RgbImage fromDecoded(float[] chw, int offset, int width, int height) {
        int plane = width * height;
        byte[] out = new byte[plane * 3];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                float v = chw[offset + c * plane + p] / 2f + 0.5f;
                v = v < 0f ? 0f : (v > 1f ? 1f : v); // NaN stays NaN and becomes 0 below
                float scaled = v * 255f;
                int level = Float.isNaN(scaled) ? 0 : (int) Math.rint(scaled);
                out[3 * p + c] = (byte) level;
            }
        }
        return new RgbImage(width, height, out);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Channel {@code c} (0 red, 1 green, 2 blue) of pixel (x, y), 0..255. */
    public int channel(int x, int y, int c) {
        return rgb[3 * (y * width + x) + c] & 0xff;
    }

    /** A copy of the pixel bytes (R G B per pixel, rows top to bottom). */
    public byte[] rgbBytes() {
        return rgb.clone();
    }

    /** The pixels packed as opaque {@code 0xFFRRGGBB}. */
    public int[] toArgb() {
        int[] out = new int[width * height];
        for (int i = 0; i < out.length; i++) {
            out[i] = 0xff000000 | (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | (rgb[3 * i + 2] & 0xff);
        }
        return out;
    }

    /**
     * The image as the VAE takes it, [3, H, W] in [-1, 1]: diffusers' {@code pil_to_numpy} ({@code v / 255})
     * then {@code normalize} ({@code 2 v - 1}), in float32.
     */
    public float[] toModelInput() {
        int plane = width * height;
        float[] out = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                float v = (rgb[3 * p + c] & 0xff) / 255f;
                out[c * plane + p] = 2f * v - 1f;
            }
        }
        return out;
    }

    /**
     * The image as an inpainting mask, [H, W] of 0 (keep) and 1 (repaint): luminance as PIL's
     * {@code convert("L")} computes it (ITU-R 601-2 weights in 16-bit fixed point), divided by 255 and
     * binarised at 0.5, as diffusers' mask processor does.
     */
    public float[] toMask() {
        int plane = width * height;
        float[] out = new float[plane];
        for (int p = 0; p < plane; p++) {
            out[p] = luminance(p) / 255f < 0.5f ? 0f : 1f;
        }
        return out;
    }

    /** PIL's {@code L = R * 299/1000 + G * 587/1000 + B * 114/1000}, in its fixed-point form, of pixel {@code p}. */
    int luminance(int p) {
        int r = rgb[3 * p] & 0xff, g = rgb[3 * p + 1] & 0xff, b = rgb[3 * p + 2] & 0xff;
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /** This image resized with a Lanczos-3 filter (as PIL's {@code resize(..., LANCZOS)}); itself when the size is unchanged. */
    public RgbImage resize(int newWidth, int newHeight) {
        if (newWidth == width && newHeight == height) return this;
        return LanczosResize.resize(this, newWidth, newHeight);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage r && r.width == width && r.height == height && Arrays.equals(r.rgb, rgb);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}

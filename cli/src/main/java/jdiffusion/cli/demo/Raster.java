package jdiffusion.cli.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * An RGB canvas with the few drawing operations the demo's figures need (rectangles, lines, scaled images and
 * text in a built-in 5x7 pixel font), so that no windowing toolkit or installed font is required.
 */
final class Raster {

    final int width;
    final int height;
    private final int[] rgb;

    Raster(int width, int height, int background) {
        this.width = width;
        this.height = height;
        this.rgb = new int[width * height];
        Arrays.fill(rgb, background);
    }

    void set(int x, int y, int color) {
        if (x >= 0 && y >= 0 && x < width && y < height) rgb[y * width + x] = color;
    }

    void fill(int x0, int y0, int w, int h, int color) {
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) set(x, y, color);
        }
    }

    /** A line of thickness {@code t} (Bresenham, with a square pen). */
    void line(int x0, int y0, int x1, int y1, int color, int t) {
        int dx = Math.abs(x1 - x0);
        int dy = -Math.abs(y1 - y0);
        int sx = x0 < x1 ? 1 : -1;
        int sy = y0 < y1 ? 1 : -1;
        int err = dx + dy;
        while (true) {
            fill(x0 - t / 2, y0 - t / 2, t, t, color);
            if (x0 == x1 && y0 == y1) break;
            int e2 = 2 * err;
            if (e2 >= dy) {
                err += dy;
                x0 += sx;
            }
            if (e2 <= dx) {
                err += dx;
                y0 += sy;
            }
        }
    }

    /** An image with values in [-1, 1], channel-last (h x w x 3), scaled up {@code scale} times. */
    void image(float[] hwc, int h, int w, int x0, int y0, int scale) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                int c = (byte8(hwc[i]) << 16) | (byte8(hwc[i + 1]) << 8) | byte8(hwc[i + 2]);
                fill(x0 + x * scale, y0 + y * scale, scale, scale, c);
            }
        }
    }

    private static int byte8(float v) {
        float f = (v + 1f) * 127.5f;
        if (!(f >= 0)) return 0;
        return Math.min(255, Math.round(f));
    }

    /** Text at (x, y) (top left), {@code scale} pixels per font pixel; letters are drawn as capitals. */
    void text(String s, int x, int y, int color, int scale) {
        int cx = x;
        for (char ch : s.toUpperCase(Locale.ROOT).toCharArray()) {
            int[] g = Font.glyph(ch);
            for (int row = 0; row < 7; row++) {
                for (int col = 0; col < 5; col++) {
                    if ((g[row] >> (4 - col) & 1) != 0) fill(cx + col * scale, y + row * scale, scale, scale, color);
                }
            }
            cx += 6 * scale;
        }
    }

    static int textWidth(String s, int scale) {
        return s.length() * 6 * scale - scale;
    }

    void write(Path file) throws IOException {
        Png.write(file, width, height, rgb);
    }
}

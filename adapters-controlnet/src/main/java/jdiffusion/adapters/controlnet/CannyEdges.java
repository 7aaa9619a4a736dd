package jdiffusion.adapters.controlnet;

import java.util.Arrays;

/**
 * The Canny edge detector (Canny 1986) as OpenCV's {@code cv2.Canny(image, low, high)} computes it, which
 * is what the canny ControlNets were trained with (lllyasviel's annotator, controlnet_aux, diffusers'
 * examples), optionally after a Gaussian blur (in float with OpenCV's kernel for 8-bit images, rounded back
 * to 8 bits; OpenCV's own 8-bit blur works in fixed point and can differ by one level): 3x3 Sobel derivatives of every channel with replicated
 * borders, per pixel the channel of largest L1 gradient |dx| + |dy|, non-maximum suppression along the
 * gradient direction quantised to 0, 45, 90 or 135 degrees (OpenCV's fixed-point tan 22.5 test), then
 * hysteresis: pixels above {@code high} start edges, which grow through 8-connected pixels above
 * {@code low}. Edges are white (255) on black, in all three channels.
 */
public final class CannyEdges implements ControlPreprocessor {

    private static final int SHIFT = 15;
    private static final int TG22 = (int) (0.4142135623730950488016887242097 * (1 << SHIFT) + 0.5);

    private final double low;
    private final double high;
    private final double blurSigma;

    /**
     * @param low       hysteresis threshold edges may continue through (OpenCV's threshold1; 100 in the annotator)
     * @param high      threshold edges start from (threshold2; 200)
     * @param blurSigma standard deviation of a Gaussian blur before the detection, 0 for none (as the annotator)
     */
    public CannyEdges(double low, double high, double blurSigma) {
        if (!(low >= 0) || !(high >= 0)) throw new IllegalArgumentException("canny thresholds must be >= 0, got " + low + " and " + high);
        if (!(blurSigma >= 0)) throw new IllegalArgumentException("canny blur must be >= 0, got " + blurSigma);
        this.low = Math.min(low, high);
        this.high = Math.max(low, high);
        this.blurSigma = blurSigma;
    }

    @Override
    public String name() {
        return "canny";
    }

    @Override
    public byte[] apply(int width, int height, byte[] rgb) {
        int[] edges = edges(width, height, blurSigma > 0 ? Gaussian.blur8(width, height, 3, rgb, blurSigma) : rgb, 3);
        byte[] out = new byte[width * height * 3];
        for (int i = 0; i < edges.length; i++) {
            if (edges[i] != 0) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = (byte) 255;
        }
        return out;
    }

    /** 1 where an edge is, else 0, for an 8-bit image of {@code channels} interleaved channels. */
    int[] edges(int w, int h, byte[] img, int channels) {
        int n = w * h;
        int[] dx = new int[n];
        int[] dy = new int[n];
        int[] mag = new int[n];
        for (int y = 0; y < h; y++) {
            int ym = Math.max(y - 1, 0);
            int yp = Math.min(y + 1, h - 1);
            for (int x = 0; x < w; x++) {
                int xm = Math.max(x - 1, 0);
                int xp = Math.min(x + 1, w - 1);
                int best = -1;
                for (int c = 0; c < channels; c++) {
                    int gx = px(img, w, channels, xp, ym, c) + 2 * px(img, w, channels, xp, y, c) + px(img, w, channels, xp, yp, c)
                            - px(img, w, channels, xm, ym, c) - 2 * px(img, w, channels, xm, y, c) - px(img, w, channels, xm, yp, c);
                    int gy = px(img, w, channels, xm, yp, c) + 2 * px(img, w, channels, x, yp, c) + px(img, w, channels, xp, yp, c)
                            - px(img, w, channels, xm, ym, c) - 2 * px(img, w, channels, x, ym, c) - px(img, w, channels, xp, ym, c);
                    int m = Math.abs(gx) + Math.abs(gy);
                    if (m > best) {
                        best = m;
                        dx[y * w + x] = gx;
                        dy[y * w + x] = gy;
                    }
                }
                mag[y * w + x] = best;
            }
        }
        int lo = (int) Math.floor(low);
        int hi = (int) Math.floor(high);
        // 2: edge, 1: candidate above low that survived suppression, 0: nothing
        byte[] map = new byte[n];
        int[] stack = new int[n];
        int top = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int m = mag[i];
                if (m <= lo) continue;
                int xs = dx[i];
                int ys = dy[i];
                int ax = Math.abs(xs);
                long ay = (long) Math.abs(ys) << SHIFT;
                long tg22x = (long) ax * TG22;
                boolean max;
                if (ay < tg22x) {
                    max = m > at(mag, w, h, x - 1, y) && m >= at(mag, w, h, x + 1, y);
                } else {
                    long tg67x = tg22x + ((long) ax << (SHIFT + 1));
                    if (ay > tg67x) {
                        max = m > at(mag, w, h, x, y - 1) && m >= at(mag, w, h, x, y + 1);
                    } else {
                        int s = (xs ^ ys) < 0 ? -1 : 1;
                        // diagonal: strictly greater than both neighbours, as OpenCV
                        max = m > at(mag, w, h, x - s, y - 1) && m > at(mag, w, h, x + s, y + 1);
                    }
                }
                if (!max) continue;
                if (m > hi) {
                    map[i] = 2;
                    stack[top++] = i;
                } else {
                    map[i] = 1;
                }
            }
        }
        while (top > 0) {
            int i = stack[--top];
            int x = i % w;
            int y = i / w;
            for (int oy = -1; oy <= 1; oy++) {
                for (int ox = -1; ox <= 1; ox++) {
                    int nx = x + ox;
                    int ny = y + oy;
                    if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
                    int j = ny * w + nx;
                    if (map[j] == 1) {
                        map[j] = 2;
                        stack[top++] = j;
                    }
                }
            }
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = map[i] == 2 ? 1 : 0;
        return out;
    }

    private static int px(byte[] img, int w, int channels, int x, int y, int c) {
        return img[(y * w + x) * channels + c] & 0xff;
    }

    /** Gradient magnitude, 0 outside the image (as OpenCV's zero-padded magnitude rows). */
    private static int at(int[] mag, int w, int h, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0 : mag[y * w + x];
    }

    @Override
    public String toString() {
        return "canny(low=" + low + ", high=" + high + (blurSigma > 0 ? ", blur=" + blurSigma : "") + ")";
    }

    static void checkSize(int width, int height, byte[] rgb) {
        if (width <= 0 || height <= 0 || rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("a " + width + "x" + height + " RGB image needs " + (long) width * height * 3
                    + " bytes, got " + rgb.length + " " + Arrays.toString(new int[]{width, height}));
        }
    }
}

package jdiffusion.core.pipeline;

/**
 * Lanczos-3 resampling of 8-bit images the way Pillow's {@code Image.resize(size, LANCZOS)} computes it
 * (diffusers' image processor resizes with it): separable, horizontal pass first, each pass rounding
 * to 8 bits, with filter weights widened by the scale when shrinking, normalised, and applied in
 * 22-bit fixed point.
 */
final class LanczosResize {

    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SUPPORT = 3.0;

    private LanczosResize() {
    }

    static RgbImage resize(RgbImage src, int outW, int outH) {
        if (outW <= 0 || outH <= 0) throw new IllegalArgumentException("cannot resize to " + outW + "x" + outH);
        byte[] pixels = src.rgbBytes();
        int w = src.width(), h = src.height();
        if (outW != w) {
            pixels = horizontal(pixels, w, h, outW);
            w = outW;
        }
        if (outH != h) {
            pixels = vertical(pixels, w, h, outH);
            h = outH;
        }
        return RgbImage.of(w, h, pixels);
    }

    /** Per output index: first input index, count, and fixed-point weights. */
    private record Coefficients(int ksize, int[] bounds, int[] weights) {
    }

    private static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = SUPPORT * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] bounds = new int[outSize * 2];
        int[] weights = new int[outSize * ksize];
        double[] k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++) {
                double wgt = lanczos((x + xmin - center + 0.5) * ss);
                k[x] = wgt;
                ww += wgt;
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0.0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        return new Coefficients(ksize, bounds, weights);
    }

    private static double lanczos(double x) {
        return -SUPPORT <= x && x < SUPPORT ? sinc(x) * sinc(x / SUPPORT) : 0.0;
    }

    private static double sinc(double x) {
        if (x == 0.0) return 1.0;
        x *= Math.PI;
        return Math.sin(x) / x;
    }

    private static int clip8(long acc) {
        if (acc >= (256L << PRECISION_BITS)) return 255;
        if (acc <= 0) return 0;
        return (int) (acc >> PRECISION_BITS);
    }

    private static byte[] horizontal(byte[] in, int w, int h, int outW) {
        Coefficients c = coefficients(w, outW);
        byte[] out = new byte[outW * h * 3];
        for (int y = 0; y < h; y++) {
            for (int xx = 0; xx < outW; xx++) {
                int xmin = c.bounds[2 * xx], xmax = c.bounds[2 * xx + 1];
                for (int ch = 0; ch < 3; ch++) {
                    long acc = 1L << (PRECISION_BITS - 1);
                    for (int x = 0; x < xmax; x++) {
                        acc += (long) (in[3 * (y * w + x + xmin) + ch] & 0xff) * c.weights[xx * c.ksize + x];
                    }
                    out[3 * (y * outW + xx) + ch] = (byte) clip8(acc);
                }
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] in, int w, int h, int outH) {
        Coefficients c = coefficients(h, outH);
        byte[] out = new byte[w * outH * 3];
        for (int yy = 0; yy < outH; yy++) {
            int ymin = c.bounds[2 * yy], ymax = c.bounds[2 * yy + 1];
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < 3; ch++) {
                    long acc = 1L << (PRECISION_BITS - 1);
                    for (int y = 0; y < ymax; y++) {
                        acc += (long) (in[3 * ((y + ymin) * w + x) + ch] & 0xff) * c.weights[yy * c.ksize + y];
                    }
                    out[3 * (yy * w + x) + ch] = (byte) clip8(acc);
                }
            }
        }
        return out;
    }
}

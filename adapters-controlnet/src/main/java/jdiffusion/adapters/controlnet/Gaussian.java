package jdiffusion.adapters.controlnet;

/**
 * Separable Gaussian blur as OpenCV's {@code GaussianBlur(src, (0, 0), sigma)}: a kernel of
 * {@code round(sigma * (8-bit ? 3 : 4) * 2 + 1) | 1} taps, exp(-x^2 / (2 sigma^2)) normalised to sum 1,
 * borders reflected without repeating the edge (BORDER_REFLECT_101), rows then columns.
 */
final class Gaussian {

    private Gaussian() {
    }

    static float[] kernel(double sigma, boolean eightBit) {
        int size = (int) Math.round(sigma * (eightBit ? 3 : 4) * 2 + 1) | 1;
        double[] k = new double[size];
        double sum = 0;
        double scale = -0.5 / (sigma * sigma);
        for (int i = 0; i < size; i++) {
            double x = i - (size - 1) * 0.5;
            k[i] = Math.exp(scale * x * x);
            sum += k[i];
        }
        float[] out = new float[size];
        for (int i = 0; i < size; i++) out[i] = (float) (k[i] / sum);
        return out;
    }

    /** Blurs every channel of a float image [h][w][channels] (interleaved). */
    static float[] blur(int w, int h, int channels, float[] img, double sigma, boolean eightBitKernel) {
        float[] k = kernel(sigma, eightBitKernel);
        int r = k.length / 2;
        float[] tmp = new float[img.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < channels; c++) {
                    double s = 0;
                    for (int t = -r; t <= r; t++) s += k[t + r] * img[(y * w + reflect(x + t, w)) * channels + c];
                    tmp[(y * w + x) * channels + c] = (float) s;
                }
            }
        }
        float[] out = new float[img.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < channels; c++) {
                    double s = 0;
                    for (int t = -r; t <= r; t++) s += k[t + r] * tmp[(reflect(y + t, h) * w + x) * channels + c];
                    out[(y * w + x) * channels + c] = (float) s;
                }
            }
        }
        return out;
    }

    /** An 8-bit image blurred and rounded back to 8 bits. */
    static byte[] blur8(int w, int h, int channels, byte[] img, double sigma) {
        float[] f = new float[img.length];
        for (int i = 0; i < f.length; i++) f[i] = img[i] & 0xff;
        float[] b = blur(w, h, channels, f, sigma, true);
        byte[] out = new byte[img.length];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Math.max(0, Math.min(255, Math.round(b[i])));
        return out;
    }

    /** BORDER_REFLECT_101: ... 2 1 | 0 1 2 ... n-1 | n-2 ... */
    static int reflect(int i, int n) {
        if (n == 1) return 0;
        while (i < 0 || i >= n) {
            if (i < 0) i = -i;
            if (i >= n) i = 2 * n - 2 - i;
        }
        return i;
    }
}

package jdiffusion.adapters.controlnet;

/**
 * Scribble lines from an image by thresholded difference of Gaussians (XDoG, Winnemoeller et al. 2012),
 * as the A1111 ControlNet extension's {@code scribble_xdog} preprocessor: per channel, blur at sigma 0.5
 * and 5 (float); where the smallest of (fine - coarse) over the channels, clipped to [0, 255] and
 * truncated to an integer, doubled exceeds {@code threshold}, the pixel is a white line. (The extension
 * doubles an 8-bit value and so wraps past 255, losing the strongest lines; this computes the doubling
 * without wrapping.)
 */
public final class XdogScribble implements ControlPreprocessor {

    private final int threshold;

    /** @param threshold the line threshold on 0..510 (32 in the extension) */
    public XdogScribble(int threshold) {
        if (threshold < 0) throw new IllegalArgumentException("scribble_xdog threshold must be >= 0, got " + threshold);
        this.threshold = threshold;
    }

    @Override
    public String name() {
        return "scribble_xdog";
    }

    @Override
    public byte[] apply(int width, int height, byte[] rgb) {
        CannyEdges.checkSize(width, height, rgb);
        float[] f = new float[rgb.length];
        for (int i = 0; i < f.length; i++) f[i] = rgb[i] & 0xff;
        float[] fine = Gaussian.blur(width, height, 3, f, 0.5, false);
        float[] coarse = Gaussian.blur(width, height, 3, f, 5.0, false);
        byte[] out = new byte[rgb.length];
        for (int p = 0; p < width * height; p++) {
            float min = Float.POSITIVE_INFINITY;
            for (int c = 0; c < 3; c++) min = Math.min(min, coarse[3 * p + c] - fine[3 * p + c]);
            // dog = clip(255 - min(g2 - g1), 0, 255) as uint8; line where 2 * (255 - dog) > threshold
            float v = Math.max(0f, Math.min(255f, 255f - min));
            int dog = (int) v;
            if (2 * (255 - dog) > threshold) out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = (byte) 255;
        }
        return out;
    }

    @Override
    public String toString() {
        return "scribble_xdog(threshold=" + threshold + ")";
    }
}

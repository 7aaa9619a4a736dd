package jdiffusion.core.pipeline;

/**
 * The latents of a step and a cheap preview of them: each latent pixel mapped to RGB by a fixed linear map (the latent-to-RGB
 * factors ComfyUI uses for previews), one pixel per latent position. Holds a snapshot of the latents.
 */
public final class LatentPreview {

    // rows: latent channels, columns: R, G, B
    private static final float[][] SD15 = {
            {0.3512f, 0.2297f, 0.3227f}, {0.3250f, 0.4974f, 0.2350f},
            {-0.2829f, 0.1762f, 0.2721f}, {-0.2120f, -0.2616f, -0.7177f}};
    private static final float[][] SDXL = {
            {0.3651f, 0.4232f, 0.4341f}, {-0.2533f, -0.0042f, 0.1068f},
            {0.1076f, 0.1111f, -0.0362f}, {-0.3165f, -0.2492f, -0.2188f}};
    private static final float[] SDXL_BIAS = {0.1084f, -0.0175f, -0.0011f};

    private final float[] latents;
    private final int batch, channels, height, width;
    private final boolean sdxl;

    LatentPreview(float[] latents, int batch, int channels, int height, int width, boolean sdxl) {
        this.latents = latents;
        this.batch = batch;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.sdxl = sdxl;
    }

    /** A copy of the latents [batch, channels, height, width] this preview shows. */
    public float[] latents() {
        return latents.clone();
    }

    /** The latents' shape: batch, channels, height, width. */
    public int[] shape() {
        return new int[]{batch, channels, height, width};
    }

    /** The number of images in the batch. */
    public int batchSize() {
        return batch;
    }

    /** The preview of image {@code index}, at latent resolution. */
    public RgbImage image(int index) {
        float[][] f = sdxl ? SDXL : SD15;
        int plane = height * width;
        byte[] rgb = new byte[plane * 3];
        int base = index * channels * plane;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                float v = sdxl ? SDXL_BIAS[c] : 0f;
                for (int k = 0; k < Math.min(4, channels); k++) v += latents[base + k * plane + p] * f[k][c];
                float unit = Math.max(0f, Math.min(1f, (v + 1f) / 2f));
                rgb[3 * p + c] = (byte) Math.round(unit * 255f);
            }
        }
        return RgbImage.of(width, height, rgb);
    }
}

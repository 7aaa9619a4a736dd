package jdiffusion.adapters.controlnet;

import jdiffusion.core.pipeline.RgbImage;
import jdiffusion.core.tensor.Tensor;

/**
 * Control images as a ControlNet takes them, following diffusers' ControlNet image processor: the
 * (preprocessed) image resized with Lanczos to the generated size, RGB values / 255 in [0, 1] (no
 * normalisation to [-1, 1]), shaped [1, 3, H, W].
 */
public final class ControlImages {

    private ControlImages() {
    }

    /** {@code image} through {@code preprocessor} (at its own size), then resized to {@code width} x {@code height}. */
    public static Tensor prepare(RgbImage image, ControlPreprocessor preprocessor, int width, int height) {
        RgbImage pre = RgbImage.of(image.width(), image.height(), preprocessor.apply(image.width(), image.height(), image.rgbBytes()));
        return toTensor(pre.width() == width && pre.height() == height ? pre : pre.resize(width, height));
    }

    /** [1, 3, H, W] float32, each channel value / 255. */
    public static Tensor toTensor(RgbImage image) {
        int w = image.width();
        int h = image.height();
        byte[] rgb = image.rgbBytes();
        float[] out = new float[3 * w * h];
        int plane = w * h;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) out[c * plane + p] = (rgb[3 * p + c] & 0xff) / 255f;
        }
        return Tensor.wrap(out, 1, 3, h, w);
    }
}

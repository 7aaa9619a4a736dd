package jdiffusion.core.pipeline;

import java.util.Map;

/**
 * One generated image with what reproduces it.
 *
 * @param image    the pixels
 * @param seed     the seed of the noise stream its batch came from
 * @param batch    which batch of the request
 * @param position its position in the batch
 * @param infotext the generation parameters, in A1111's layout
 */
public record GeneratedImage(RgbImage image, long seed, int batch, int position, Infotext infotext) {

    /** PNG bytes with the parameters in A1111's {@code parameters} text chunk. */
    public byte[] toPng() {
        return PngEncoder.encode(image, Map.of(Infotext.PNG_KEY, infotext.format()));
    }
}

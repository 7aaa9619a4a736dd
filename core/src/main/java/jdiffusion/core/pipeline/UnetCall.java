package jdiffusion.core.pipeline;

import java.util.Arrays;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.model.NoisePredictor;
import jdiffusion.core.tensor.Tensor;

/**
 * One evaluation of the UNet on a host latent batch: the classifier-free-guidance duplicate of the batch
 * and, for inpainting models, the mask and masked-image latents concatenated on the channel axis
 * ({@code [latents, mask, masked image latents]}, as diffusers' inpainting pipeline does).
 */
final class UnetCall {

    private final NoisePredictor unet;
    private final Backend backend;
    private final Conditioning conditioning;
    private final int batch, channels, height, width;
    private final boolean guidance;
    private final float[] mask;               // [batch, 1, h, w] or null
    private final float[] maskedImageLatents; // [batch, channels, h, w] or null

    UnetCall(NoisePredictor unet, Backend backend, Conditioning conditioning, int batch, int channels, int height,
             int width, boolean guidance, float[] mask, float[] maskedImageLatents) {
        this.unet = unet;
        this.backend = backend;
        this.conditioning = conditioning;
        this.batch = batch;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.guidance = guidance;
        this.mask = mask;
        this.maskedImageLatents = maskedImageLatents;
    }

    /** Elements of one latent batch. */
    int size() {
        return batch * channels * height * width;
    }

    /** The model output for {@code x} [batch, C, h, w] at timestep {@code t}: [rows, C, h, w], rows = 2 batch with guidance. */
    float[] predict(float[] x, float t) {
        int plane = height * width;
        int rows = guidance ? 2 * batch : batch;
        boolean concat = unet.inChannels() != channels;
        int inC = concat ? channels + 1 + channels : channels;
        if (concat && (mask == null || unet.inChannels() != inC)) {
            throw new IllegalStateException("the UNet takes " + unet.inChannels() + " channels; "
                    + (mask == null ? "an inpainting model needs an initial image and a mask" : "expected " + inC));
        }
        float[] in = new float[rows * inC * plane];
        for (int r = 0; r < rows; r++) {
            int b = r % batch;
            int dst = r * inC * plane;
            System.arraycopy(x, b * channels * plane, in, dst, channels * plane);
            if (concat) {
                System.arraycopy(mask, b * plane, in, dst + channels * plane, plane);
                System.arraycopy(maskedImageLatents, b * channels * plane, in, dst + (channels + 1) * plane, channels * plane);
            }
        }
        float[] ts = new float[rows];
        Arrays.fill(ts, t);
        Tensor out = unet.predict(backend.fromHost(Tensor.wrap(in, rows, inC, height, width)), ts, conditioning);
        float[] result = backend.toHost(out).toFloatArray();
        if (result.length != rows * channels * plane) {
            throw new IllegalStateException("the UNet returned " + out + ", expected [" + rows + ", " + channels + ", " + height + ", " + width + "]");
        }
        return result;
    }
}

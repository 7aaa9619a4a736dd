package jdiffusion.models.vae;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.image.ImageCodec;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.nn.Conv2d;
import jdiffusion.models.nn.Params;
import jdiffusion.models.nn.Trace;

/**
 * The KL-regularised autoencoder of latent diffusion (Rombach et al. 2022), diffusers'
 * {@code AutoencoderKL}: {@link #encode} gives the diagonal Gaussian over latents (mean and log-variance
 * clamped to [-30, 20]), {@link #decode} maps latents back to images in [-1, 1]. Neither applies the
 * scaling factor; pipelines multiply by {@link #scalingFactor()} after encoding and divide before decoding.
 *
 * <p>{@link #decodeTiled} and {@link #encodeTiled} process overlapping tiles one at a time and blend the
 * overlaps linearly, with diffusers' tile geometry (tiles of {@code sample_size} pixels, 25 % overlap), so
 * memory is bounded by the tile size, not the image size. Thread-safe.
 */
public final class AutoencoderKL implements ImageCodec {

    private static final float TILE_OVERLAP = 0.25f;

    private final VaeConfig config;
    private final Backend backend;
    private final Encoder encoder;
    private final Decoder decoder;
    private final Conv2d quantConv;       // null when use_quant_conv is false
    private final Conv2d postQuantConv;   // null when use_post_quant_conv is false

    public AutoencoderKL(VaeConfig config, Params p) {
        this.config = config;
        this.backend = p.backend();
        int lat = config.latentChannels();
        this.encoder = p.hasChild("encoder") ? new Encoder(p.child("encoder"), config) : null;
        this.decoder = new Decoder(p.child("decoder"), config);
        this.quantConv = config.useQuantConv() && encoder != null ? new Conv2d(p.child("quant_conv"), 2 * lat, 2 * lat, 1, 1, 0) : null;
        this.postQuantConv = config.usePostQuantConv() ? new Conv2d(p.child("post_quant_conv"), lat, lat, 1, 1, 0) : null;
    }

    public VaeConfig config() {
        return config;
    }

    @Override
    public int downsamplingFactor() {
        return config.downsamplingFactor();
    }

    @Override
    public int latentChannels() {
        return config.latentChannels();
    }

    @Override
    public double scalingFactor() {
        return config.scalingFactor();
    }

    @Override
    public double shiftFactor() {
        return config.shiftFactor();
    }

    @Override
    public LatentDistribution encode(Tensor image) {
        return encode(image, Trace.NONE);
    }

    /** Encodes [N, in_channels, H, W] (H, W multiples of the downsampling factor) to the latent distribution. */
    public LatentDistribution encode(Tensor image, Trace trace) {
        return moments(encodeMoments(image, trace));
    }

    private Tensor encodeMoments(Tensor image, Trace trace) {
        if (encoder == null) throw new IllegalStateException("this VAE was loaded without encoder weights (decoder only)");
        checkImage(image);
        Tensor h = encoder.forward(backend, image, trace);
        if (quantConv != null) {
            h = quantConv.forward(backend, h);
            trace.record("quant_conv", h);
        }
        return h;
    }

    /** Splits moments [N, 2C, h, w] into mean and clamped log-variance, as DiagonalGaussianDistribution. */
    private LatentDistribution moments(Tensor m) {
        int c = m.dim(1) / 2;
        Tensor mean = backend.narrow(m, 1, 0, c);
        Tensor logvar = backend.clamp(backend.narrow(m, 1, c, c), -30f, 20f);
        return new LatentDistribution(mean, logvar);
    }

    /** The standard deviation exp(logvar / 2). */
    public Tensor std(LatentDistribution d) {
        return backend.exp(backend.scale(d.logvar(), 0.5f));
    }

    /** A sample {@code mean + std * noise} with the caller's noise (same shape as the mean). */
    public Tensor sample(LatentDistribution d, Tensor noise) {
        return backend.add(d.mean(), backend.mul(std(d), noise));
    }

    @Override
    public Tensor decode(Tensor latents) {
        return decode(latents, Trace.NONE);
    }

    /** Decodes unscaled latents [N, latent_channels, h, w] to images [N, out_channels, f h, f w]. */
    public Tensor decode(Tensor latents, Trace trace) {
        if (latents.rank() != 4 || latents.dim(1) != config.latentChannels()) {
            throw new IllegalArgumentException("VAE latents must be [N, " + config.latentChannels() + ", h, w], got "
                    + java.util.Arrays.toString(latents.shape()));
        }
        Tensor z = latents;
        if (postQuantConv != null) {
            z = postQuantConv.forward(backend, z);
            trace.record("post_quant_conv", z);
        }
        return decoder.forward(backend, z, trace);
    }

    /** Tiled decoding with diffusers' default tile: {@code sample_size} pixels. */
    public Tensor decodeTiled(Tensor latents) {
        return decodeTiled(latents, config.sampleSize() / downsamplingFactor());
    }

    /**
     * diffusers' {@code tiled_decode}: latent tiles of {@code tileLatent} with 25 % overlap, each decoded
     * alone, every tile blended with the one above and the one to its left over the overlap, then cropped
     * and stitched.
     */
    public Tensor decodeTiled(Tensor latents, int tileLatent) {
        int f = downsamplingFactor();
        int tileSample = tileLatent * f;
        int overlap = (int) (tileLatent * (1 - TILE_OVERLAP));
        int blend = (int) (tileSample * TILE_OVERLAP);
        int limit = tileSample - blend;
        if (overlap <= 0) throw new IllegalArgumentException("tile of " + tileLatent + " latent pixels is too small to overlap");
        return tiled(latents, tileLatent, overlap, blend, limit, tile -> decode(tile));
    }

    /** Tiled encoding with diffusers' default tile: {@code sample_size} pixels; returns the latent distribution. */
    public LatentDistribution encodeTiled(Tensor image) {
        return encodeTiled(image, config.sampleSize());
    }

    /** diffusers' {@code _tiled_encode}: image tiles of {@code tileSample} pixels, 25 % overlap, blended moments. */
    public LatentDistribution encodeTiled(Tensor image, int tileSample) {
        int tileLatent = tileSample / downsamplingFactor();
        int overlap = (int) (tileSample * (1 - TILE_OVERLAP));
        int blend = (int) (tileLatent * TILE_OVERLAP);
        int limit = tileLatent - blend;
        if (overlap <= 0) throw new IllegalArgumentException("tile of " + tileSample + " pixels is too small to overlap");
        checkImage(image);
        return moments(tiled(image, tileSample, overlap, blend, limit, tile -> encodeMoments(tile, Trace.NONE)));
    }

    private void checkImage(Tensor image) {
        if (image.rank() != 4 || image.dim(1) != config.inChannels()) {
            throw new IllegalArgumentException("VAE images must be [N, " + config.inChannels() + ", H, W], got "
                    + java.util.Arrays.toString(image.shape()));
        }
    }

    /**
     * The tiling loop shared by encode and decode: input tiles of {@code tileIn} at stride {@code stride},
     * outputs blended over {@code blend} rows/columns (in place, in diffusers' order: above, then left,
     * using the already blended neighbours) and cropped to {@code limit}.
     */
    private Tensor tiled(Tensor input, int tileIn, int stride, int blend, int limit,
                         java.util.function.UnaryOperator<Tensor> run) {
        Backend be = backend;
        int h = input.dim(2), w = input.dim(3);
        List<float[]> above = null;
        List<int[]> aboveShapes = null;
        List<Tensor> resultRows = new ArrayList<>();
        for (int i = 0; i < h; i += stride) {
            // Only the row above is needed to blend this one, so at most two rows of tiles are held.
            List<float[]> row = new ArrayList<>();
            List<int[]> rowShapes = new ArrayList<>();
            List<Tensor> resultRow = new ArrayList<>();
            for (int j = 0, k = 0; j < w; j += stride, k++) {
                Tensor tileIn0 = be.narrow(be.narrow(input, 2, i, Math.min(tileIn, h - i)), 3, j, Math.min(tileIn, w - j));
                Tensor out = be.toHost(run.apply(tileIn0));
                float[] tile = out.toFloatArray();
                int[] ts = out.shape();
                if (above != null) blendVertical(above.get(k), aboveShapes.get(k), tile, ts, blend);
                if (k > 0) blendHorizontal(row.get(k - 1), rowShapes.get(k - 1), tile, ts, blend);
                row.add(tile);
                rowShapes.add(ts);
                resultRow.add(be.fromHost(crop(tile, ts, Math.min(limit, ts[2]), Math.min(limit, ts[3]))));
            }
            resultRows.add(be.concat(3, resultRow.toArray(Tensor[]::new)));
            above = row;
            aboveShapes = rowShapes;
        }
        return be.concat(2, resultRows.toArray(Tensor[]::new));
    }

    /** diffusers' {@code blend_v}: b's top rows fade in from a's bottom rows. */
    static void blendVertical(float[] a, int[] as, float[] b, int[] bs, int extent) {
        int e = Math.min(Math.min(as[2], bs[2]), extent);
        int nc = bs[0] * bs[1];
        int w = bs[3];
        for (int y = 0; y < e; y++) {
            float wa = (float) (1 - (double) y / e);
            float wb = (float) ((double) y / e);
            int ay = as[2] - e + y;
            for (int p = 0; p < nc; p++) {
                int ao = (p * as[2] + ay) * as[3];
                int bo = (p * bs[2] + y) * w;
                for (int x = 0; x < w; x++) b[bo + x] = a[ao + x] * wa + b[bo + x] * wb;
            }
        }
    }

    /** diffusers' {@code blend_h}: b's left columns fade in from a's right columns. */
    static void blendHorizontal(float[] a, int[] as, float[] b, int[] bs, int extent) {
        int e = Math.min(Math.min(as[3], bs[3]), extent);
        int nc = bs[0] * bs[1];
        int h = bs[2];
        for (int x = 0; x < e; x++) {
            float wa = (float) (1 - (double) x / e);
            float wb = (float) ((double) x / e);
            int ax = as[3] - e + x;
            for (int p = 0; p < nc; p++) {
                for (int y = 0; y < h; y++) {
                    int ao = (p * as[2] + y) * as[3] + ax;
                    int bo = (p * bs[2] + y) * bs[3] + x;
                    b[bo] = a[ao] * wa + b[bo] * wb;
                }
            }
        }
    }

    private static Tensor crop(float[] t, int[] s, int hh, int ww) {
        float[] out = new float[s[0] * s[1] * hh * ww];
        for (int p = 0; p < s[0] * s[1]; p++) {
            for (int y = 0; y < hh; y++) {
                System.arraycopy(t, (p * s[2] + y) * s[3], out, (p * hh + y) * ww, ww);
            }
        }
        return Tensor.wrap(out, s[0], s[1], hh, ww);
    }
}

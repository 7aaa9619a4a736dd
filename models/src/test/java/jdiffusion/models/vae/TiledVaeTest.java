package jdiffusion.models.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.SplittableRandom;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.image.ImageCodec.LatentDistribution;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.conformance.ReferenceFiles;
import jdiffusion.models.loader.Components;
import jdiffusion.models.testing.RefModels;
import jdiffusion.models.weights.SafetensorsWeights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TiledVaeTest {

    static AutoencoderKL vae;

    @BeforeAll
    static void load() throws IOException {
        var d = RefModels.dir("vae-tiny");
        vae = Components.vae(ReferenceFiles.resolve(d, "config.json"),
                SafetensorsWeights.open(ReferenceFiles.resolve(d, "weights.safetensors")), RefModels.backend());
    }

    private static Tensor random(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return Tensor.wrap(v, shape);
    }

    private static float[] host(Tensor t) {
        return RefModels.backend().toHost(t).toFloatArray();
    }

    @Test
    void oneTileCoveringTheLatentIsThePlainDecode() {
        Tensor z = random(1, 1, 4, 6, 10);
        assertArrayEquals(host(vae.decode(z)), host(vae.decodeTiled(z, 16)));
        Tensor img = random(2, 1, 3, 24, 40);
        LatentDistribution a = vae.encode(img);
        LatentDistribution b = vae.encodeTiled(img, 64);
        assertArrayEquals(host(a.mean()), host(b.mean()));
        assertArrayEquals(host(a.logvar()), host(b.logvar()));
    }

    /**
     * The tiled decode equals diffusers' {@code tiled_decode} written out as it is there: every tile decoded,
     * then each blended in place with the (already blended) tile above and to its left, cropped, stitched.
     */
    @Test
    void tiledDecodeFollowsDiffusersBlendingOnOddSizes() {
        Tensor z = random(3, 1, 4, 9, 13);
        int tileLatent = 4, f = 4;
        int overlap = (int) (tileLatent * 0.75), tileSample = tileLatent * f;
        int blend = (int) (tileSample * 0.25), limit = tileSample - blend;
        java.util.List<java.util.List<float[][][]>> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i += overlap) {
            java.util.List<float[][][]> row = new java.util.ArrayList<>();
            for (int j = 0; j < 13; j += overlap) {
                Backend be = RefModels.backend();
                Tensor tile = be.narrow(be.narrow(z, 2, i, Math.min(tileLatent, 9 - i)), 3, j, Math.min(tileLatent, 13 - j));
                row.add(toChw(be.toHost(vae.decode(tile))));
            }
            rows.add(row);
        }
        int outH = 0, outW = 0;
        float[][][] out = new float[3][36][52];
        int y0 = 0;
        for (int i = 0; i < rows.size(); i++) {
            int x0 = 0;
            int rowH = 0;
            for (int j = 0; j < rows.get(i).size(); j++) {
                float[][][] t = rows.get(i).get(j);
                if (i > 0) blendV(rows.get(i - 1).get(j), t, blend);
                if (j > 0) blendH(rows.get(i).get(j - 1), t, blend);
                int h = Math.min(limit, t[0].length), w = Math.min(limit, t[0][0].length);
                for (int c = 0; c < 3; c++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) out[c][y0 + y][x0 + x] = t[c][y][x];
                x0 += w;
                rowH = h;
                outW = x0;
            }
            y0 += rowH;
            outH = y0;
        }
        assertEquals(36, outH);
        assertEquals(52, outW);
        Tensor tiled = vae.decodeTiled(z, tileLatent);
        assertArrayEquals(new int[]{1, 3, 36, 52}, tiled.shape());
        float[] got = host(tiled);
        float[] expected = new float[got.length];
        for (int c = 0; c < 3; c++) for (int y = 0; y < 36; y++) for (int x = 0; x < 52; x++) expected[(c * 36 + y) * 52 + x] = out[c][y][x];
        assertArrayEquals(expected, got);

        Tensor img = random(4, 1, 3, 44, 28);
        LatentDistribution d = vae.encodeTiled(img, 16);
        assertArrayEquals(new int[]{1, 4, 11, 7}, d.mean().shape());
    }

    private static float[][][] toChw(Tensor t) {
        int c = t.dim(1), h = t.dim(2), w = t.dim(3);
        float[] v = t.toFloatArray();
        float[][][] out = new float[c][h][w];
        for (int k = 0; k < c; k++) for (int y = 0; y < h; y++) System.arraycopy(v, (k * h + y) * w, out[k][y], 0, w);
        return out;
    }

    /** diffusers' blend_v. */
    private static void blendV(float[][][] a, float[][][] b, int extent) {
        int e = Math.min(Math.min(a[0].length, b[0].length), extent);
        for (int y = 0; y < e; y++) {
            for (int c = 0; c < b.length; c++) {
                for (int x = 0; x < b[0][0].length; x++) {
                    b[c][y][x] = a[c][a[0].length - e + y][x] * (float) (1 - (double) y / e) + b[c][y][x] * (float) ((double) y / e);
                }
            }
        }
    }

    /** diffusers' blend_h. */
    private static void blendH(float[][][] a, float[][][] b, int extent) {
        int e = Math.min(Math.min(a[0][0].length, b[0][0].length), extent);
        for (int x = 0; x < e; x++) {
            for (int c = 0; c < b.length; c++) {
                for (int y = 0; y < b[0].length; y++) {
                    b[c][y][x] = a[c][y][a[0][0].length - e + x] * (float) (1 - (double) x / e) + b[c][y][x] * (float) ((double) x / e);
                }
            }
        }
    }
}

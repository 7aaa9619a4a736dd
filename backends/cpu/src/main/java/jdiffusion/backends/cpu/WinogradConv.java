package jdiffusion.backends.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * 3x3 stride-1 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms
 * for Convolutional Neural Networks", 2016): each 2x2 output tile is A^T [(G g G^T) . (B^T d B)] A for
 * its 4x4 input patch d, so the channel sums become 16 independent matrix products
 * M_xi[O, tiles] = U_xi[O, C] V_xi[C, tiles], 2.25 times fewer multiply-adds than direct convolution.
 *
 * <p>The 16 transformed weight matrices U are made and packed once per call; tiles are processed in
 * blocks of {@link #TILES}, one block per task, so a block's V and M stay in cache between the input
 * transform, the 16 products (the blocked {@link Gemm}) and the output transform. Both transforms run
 * on L consecutive tiles of a tile row at once, de-interleaving the stride-2 patches (and interleaving
 * the 2-wide output tiles) with two-vector lane shuffles; rows are read from a zero-padded copy, so
 * image borders need no special case.
 */
final class WinogradConv {

    private static final VectorSpecies<Float> S = Gemm.S;
    private static final int L = S.length();
    /** Lanes 0, 2, 4, ... of two concatenated vectors. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    /** Lanes 1, 3, 5, ... of two concatenated vectors. */
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);
    /** a0 b0 a1 b1 ... from the low halves of a and b. */
    private static final VectorShuffle<Float> ZIP_LOW = VectorShuffle.fromOp(S, i -> i % 2 == 0 ? i / 2 : L + i / 2);
    /** The same from the high halves. */
    private static final VectorShuffle<Float> ZIP_HIGH = VectorShuffle.fromOp(S, i -> i % 2 == 0 ? L / 2 + i / 2 : L + L / 2 + i / 2);

    /** Output tiles per task. */
    static final int TILES = 128;

    private WinogradConv() {
    }

    /**
     * Whether F(2x2, 3x3) applies and pays: 3x3, stride 1, no dilation, one group, at least 8 channels in
     * and out, at least 64 tiles per image, and transformed weights (16 x O x C floats) of at most 16 MB.
     */
    static boolean applies(Conv2d.Shape s) {
        Conv2dParams p = s.params();
        int tiles = ((s.outHeight() + 1) / 2) * ((s.outWidth() + 1) / 2);
        return s.kernelH() == 3 && s.kernelW() == 3 && p.strideH() == 1 && p.strideW() == 1 && p.dilationH() == 1
                && p.dilationW() == 1 && p.groups() == 1 && s.channels() >= 8 && s.outChannels() >= 8
                && tiles >= 64 && (long) s.channels() * s.outChannels() <= 512 * 512;
    }

    /** y (dense [N, O, OH, OW], previous contents ignored) = conv(x, weight) + bias. */
    static void forward(Parallel par, float[] x, int xOff, DType wType, MemorySegment weight, float[] bias,
                        Conv2d.Shape s, float[] y) {
        int c = s.channels(), o = s.outChannels();
        float[] u = transformWeights(par, wType, weight, o, c);
        int kcBlock = Gemm.depthBlock(c);
        Gemm.Prepacked[] packed = new Gemm.Prepacked[16];
        par.forEach(16, xi -> packed[xi] = Gemm.prepack(Parallel.SERIAL, Gemm.rows(u, xi * o * c, c, 0), o, c, kcBlock, Gemm.MR));
        int th = (s.outHeight() + 1) / 2, tw = (s.outWidth() + 1) / 2;
        int tiles = th * tw;
        int blocks = (tiles + TILES - 1) / TILES;
        par.forEach(s.batch() * blocks, task -> {
            int n = task / blocks;
            int t0 = (task % blocks) * TILES;
            int count = Math.min(TILES, tiles - t0);
            float[] v = scratch(0, 16 * c * TILES);
            float[] m = scratch(1, 16 * o * TILES);
            inputTransform(x, xOff + n * c * s.height() * s.width(), s, tw, t0, count, v);
            for (int xi = 0; xi < 16; xi++) {
                Gemm.multiply(Parallel.SERIAL, 1, o, count, c, packed[xi], Gemm.columns(v, xi * c * TILES, TILES, 0),
                        null, 0, null, m, xi * o * TILES, 0, TILES);
            }
            outputTransform(m, s, tw, t0, count, bias, y, n * o * s.outHeight() * s.outWidth());
        });
    }

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][]);

    private static float[] scratch(int which, int size) {
        float[][] b = SCRATCH.get();
        if (b[which] == null || b[which].length < size) b[which] = new float[size];
        return b[which];
    }

    /**
     * U_xi[o, c] = (G g G^T)[xi] for every filter g = weight[o, c], G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1],
     * L input channels at a time (the filters of one output channel first transposed to [9, C]).
     */
    private static float[] transformWeights(Parallel par, DType wType, MemorySegment weight, int o, int c) {
        float[] u = new float[16 * o * c];
        int cPad = (c + L - 1) / L * L;
        par.forRange(o, 8, (from, to) -> {
            float[] g = new float[9 * c];
            float[] gt = new float[9 * cPad];
            float[] out = new float[16 * cPad];
            for (int oc = from; oc < to; oc++) {
                Conversions.toFloat(wType, weight, (long) oc * c * 9, g, 0, 9 * c);
                for (int ic = 0; ic < c; ic++) {
                    for (int e = 0; e < 9; e++) gt[e * cPad + ic] = g[ic * 9 + e];
                }
                for (int ic = 0; ic < cPad; ic += L) {
                    // G g: rows g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2 of the filter rows; then the same on columns.
                    FloatVector g00 = FloatVector.fromArray(S, gt, 0 * cPad + ic);
                    FloatVector g10 = FloatVector.fromArray(S, gt, 3 * cPad + ic);
                    FloatVector g20 = FloatVector.fromArray(S, gt, 6 * cPad + ic);
                    FloatVector t00 = g00, t10 = g00.add(g10).add(g20).mul(0.5f);
                    FloatVector t20 = g00.sub(g10).add(g20).mul(0.5f), t30 = g20;
                    FloatVector g01 = FloatVector.fromArray(S, gt, 1 * cPad + ic);
                    FloatVector g11 = FloatVector.fromArray(S, gt, 4 * cPad + ic);
                    FloatVector g21 = FloatVector.fromArray(S, gt, 7 * cPad + ic);
                    FloatVector t01 = g01, t11 = g01.add(g11).add(g21).mul(0.5f);
                    FloatVector t21 = g01.sub(g11).add(g21).mul(0.5f), t31 = g21;
                    FloatVector g02 = FloatVector.fromArray(S, gt, 2 * cPad + ic);
                    FloatVector g12 = FloatVector.fromArray(S, gt, 5 * cPad + ic);
                    FloatVector g22 = FloatVector.fromArray(S, gt, 8 * cPad + ic);
                    FloatVector t02 = g02, t12 = g02.add(g12).add(g22).mul(0.5f);
                    FloatVector t22 = g02.sub(g12).add(g22).mul(0.5f), t32 = g22;
                    t00.intoArray(out, 0 * cPad + ic);
                    t00.add(t01).add(t02).mul(0.5f).intoArray(out, 1 * cPad + ic);
                    t00.sub(t01).add(t02).mul(0.5f).intoArray(out, 2 * cPad + ic);
                    t02.intoArray(out, 3 * cPad + ic);
                    t10.intoArray(out, 4 * cPad + ic);
                    t10.add(t11).add(t12).mul(0.5f).intoArray(out, 5 * cPad + ic);
                    t10.sub(t11).add(t12).mul(0.5f).intoArray(out, 6 * cPad + ic);
                    t12.intoArray(out, 7 * cPad + ic);
                    t20.intoArray(out, 8 * cPad + ic);
                    t20.add(t21).add(t22).mul(0.5f).intoArray(out, 9 * cPad + ic);
                    t20.sub(t21).add(t22).mul(0.5f).intoArray(out, 10 * cPad + ic);
                    t22.intoArray(out, 11 * cPad + ic);
                    t30.intoArray(out, 12 * cPad + ic);
                    t30.add(t31).add(t32).mul(0.5f).intoArray(out, 13 * cPad + ic);
                    t30.sub(t31).add(t32).mul(0.5f).intoArray(out, 14 * cPad + ic);
                    t32.intoArray(out, 15 * cPad + ic);
                }
                for (int xi = 0; xi < 16; xi++) System.arraycopy(out, xi * cPad, u, xi * o * c + oc * c, c);
            }
        });
        return u;
    }

    /**
     * V_xi[ch, t] = (B^T d B)[xi] for tiles t0..t0+count of one image, B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0;
     * 0 1 0 -1], d the 4x4 input patch at (2 ty - pad, 2 tx - pad), zero outside the image.
     */
    private static void inputTransform(float[] x, int xOff, Conv2d.Shape s, int tw, int t0, int count, float[] v) {
        int c = s.channels(), h = s.height(), w = s.width();
        int ph = s.params().padH(), pw = s.params().padW();
        // Four zero-padded input rows: column 2 tx + j of the patch is at index 2 tx + j; 2L slack for the vector loads.
        int rowLen = 2 * tw + 2 + 2 * L;
        float[] rows = scratch(2, 4 * rowLen);
        int stride = c * TILES;
        for (int ch = 0; ch < c; ch++) {
            int plane = xOff + ch * h * w;
            int t = 0;
            while (t < count) {
                int ty = (t0 + t) / tw, tx0 = (t0 + t) % tw;
                int run = Math.min(count - t, tw - tx0);
                for (int i = 0; i < 4; i++) {
                    int iy = 2 * ty - ph + i;
                    int r = i * rowLen;
                    Arrays.fill(rows, r, r + rowLen, 0f);
                    if (iy >= 0 && iy < h) {
                        // Image column ix lands at index ix + pw; the padded row ends before 2 tw + 2.
                        int from = Math.max(0, -pw), to = Math.min(w, 2 * tw + 2 - pw);
                        if (to > from) System.arraycopy(x, plane + iy * w + from, rows, r + from + pw, to - from);
                    }
                }
                int dst = ch * TILES + t;
                int k = 0;
                for (; k + L <= run; k += L) transformVector(rows, rowLen, 2 * (tx0 + k), v, dst + k, stride);
                for (; k < run; k++) transformScalar(rows, rowLen, 2 * (tx0 + k), v, dst + k, stride);
                t += run;
            }
        }
    }

    /** B^T d B for L tiles whose patches start at columns col, col + 2, ... of the padded rows. */
    private static void transformVector(float[] rows, int rowLen, int col, float[] v, int dst, int stride) {
        // Locals, not arrays: an array of vectors would be boxed.
        int r0 = col;
        FloatVector a0 = FloatVector.fromArray(S, rows, r0), b0 = FloatVector.fromArray(S, rows, r0 + L);
        FloatVector c0 = FloatVector.fromArray(S, rows, r0 + 2), e0 = FloatVector.fromArray(S, rows, r0 + 2 + L);
        FloatVector d00 = a0.rearrange(EVEN, b0), d01 = a0.rearrange(ODD, b0);
        FloatVector d02 = c0.rearrange(EVEN, e0), d03 = c0.rearrange(ODD, e0);
        int r1 = 1 * rowLen + col;
        FloatVector a1 = FloatVector.fromArray(S, rows, r1), b1 = FloatVector.fromArray(S, rows, r1 + L);
        FloatVector c1 = FloatVector.fromArray(S, rows, r1 + 2), e1 = FloatVector.fromArray(S, rows, r1 + 2 + L);
        FloatVector d10 = a1.rearrange(EVEN, b1), d11 = a1.rearrange(ODD, b1);
        FloatVector d12 = c1.rearrange(EVEN, e1), d13 = c1.rearrange(ODD, e1);
        int r2 = 2 * rowLen + col;
        FloatVector a2 = FloatVector.fromArray(S, rows, r2), b2 = FloatVector.fromArray(S, rows, r2 + L);
        FloatVector c2 = FloatVector.fromArray(S, rows, r2 + 2), e2 = FloatVector.fromArray(S, rows, r2 + 2 + L);
        FloatVector d20 = a2.rearrange(EVEN, b2), d21 = a2.rearrange(ODD, b2);
        FloatVector d22 = c2.rearrange(EVEN, e2), d23 = c2.rearrange(ODD, e2);
        int r3 = 3 * rowLen + col;
        FloatVector a3 = FloatVector.fromArray(S, rows, r3), b3 = FloatVector.fromArray(S, rows, r3 + L);
        FloatVector c3 = FloatVector.fromArray(S, rows, r3 + 2), e3 = FloatVector.fromArray(S, rows, r3 + 2 + L);
        FloatVector d30 = a3.rearrange(EVEN, b3), d31 = a3.rearrange(ODD, b3);
        FloatVector d32 = c3.rearrange(EVEN, e3), d33 = c3.rearrange(ODD, e3);
        // B^T d: combine the rows.
        FloatVector t00 = d00.sub(d20), t10 = d10.add(d20), t20 = d20.sub(d10), t30 = d10.sub(d30);
        FloatVector t01 = d01.sub(d21), t11 = d11.add(d21), t21 = d21.sub(d11), t31 = d11.sub(d31);
        FloatVector t02 = d02.sub(d22), t12 = d12.add(d22), t22 = d22.sub(d12), t32 = d12.sub(d32);
        FloatVector t03 = d03.sub(d23), t13 = d13.add(d23), t23 = d23.sub(d13), t33 = d13.sub(d33);
        // (.) B: combine the columns.
        t00.sub(t02).intoArray(v, 0 * stride + dst);
        t01.add(t02).intoArray(v, 1 * stride + dst);
        t02.sub(t01).intoArray(v, 2 * stride + dst);
        t01.sub(t03).intoArray(v, 3 * stride + dst);
        t10.sub(t12).intoArray(v, 4 * stride + dst);
        t11.add(t12).intoArray(v, 5 * stride + dst);
        t12.sub(t11).intoArray(v, 6 * stride + dst);
        t11.sub(t13).intoArray(v, 7 * stride + dst);
        t20.sub(t22).intoArray(v, 8 * stride + dst);
        t21.add(t22).intoArray(v, 9 * stride + dst);
        t22.sub(t21).intoArray(v, 10 * stride + dst);
        t21.sub(t23).intoArray(v, 11 * stride + dst);
        t30.sub(t32).intoArray(v, 12 * stride + dst);
        t31.add(t32).intoArray(v, 13 * stride + dst);
        t32.sub(t31).intoArray(v, 14 * stride + dst);
        t31.sub(t33).intoArray(v, 15 * stride + dst);
    }

    /** B^T d B for the one tile whose patch starts at column col. */
    private static void transformScalar(float[] rows, int rowLen, int col, float[] v, int dst, int stride) {
        float[] d = new float[16];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) d[4 * i + j] = rows[i * rowLen + col + j];
        }
        for (int j = 0; j < 4; j++) {
            float d0 = d[j], d1 = d[4 + j], d2 = d[8 + j], d3 = d[12 + j];
            d[j] = d0 - d2;
            d[4 + j] = d1 + d2;
            d[8 + j] = d2 - d1;
            d[12 + j] = d1 - d3;
        }
        for (int i = 0; i < 4; i++) {
            float r0 = d[4 * i], r1 = d[4 * i + 1], r2 = d[4 * i + 2], r3 = d[4 * i + 3];
            v[(4 * i) * stride + dst] = r0 - r2;
            v[(4 * i + 1) * stride + dst] = r1 + r2;
            v[(4 * i + 2) * stride + dst] = r2 - r1;
            v[(4 * i + 3) * stride + dst] = r1 - r3;
        }
    }

    /**
     * y tile = A^T M A + bias, A^T = [1 1 1 0; 0 1 -1 -1]: over the rows of the 4x4 M, a = m0 + m1 + m2 and
     * b = m1 - m2 - m3; then the same over the columns. Cropped at the image's right and bottom edges.
     */
    private static void outputTransform(float[] m, Conv2d.Shape s, int tw, int t0, int count, float[] bias,
                                        float[] y, int yOff) {
        int o = s.outChannels(), oh = s.outHeight(), ow = s.outWidth();
        int stride = o * TILES;
        for (int oc = 0; oc < o; oc++) {
            float bv = bias == null ? 0f : bias[oc];
            int plane = yOff + oc * oh * ow;
            int t = 0;
            while (t < count) {
                int ty = (t0 + t) / tw, tx0 = (t0 + t) % tw;
                int run = Math.min(count - t, tw - tx0);
                int src = oc * TILES + t;
                int at = plane + 2 * ty * ow + 2 * tx0;
                boolean down = 2 * ty + 1 < oh;
                int k = 0;
                // Whole vectors while their 2L output columns are inside the image and a second row exists.
                for (; k + L <= run && 2 * (tx0 + k + L) <= ow && down; k += L) {
                    outputVector(m, src + k, stride, bv, y, at + 2 * k, ow);
                }
                for (; k < run; k++) outputScalar(m, src + k, stride, bv, y, at + 2 * k, ow, 2 * (tx0 + k) + 1 < ow, down);
                t += run;
            }
        }
    }

    private static void outputVector(float[] m, int src, int stride, float bias, float[] y, int at, int ow) {
        FloatVector m00 = FloatVector.fromArray(S, m, 0 * stride + src), m10 = FloatVector.fromArray(S, m, 4 * stride + src);
        FloatVector m20 = FloatVector.fromArray(S, m, 8 * stride + src), m30 = FloatVector.fromArray(S, m, 12 * stride + src);
        FloatVector a0 = m00.add(m10).add(m20), b0 = m10.sub(m20).sub(m30);
        FloatVector m01 = FloatVector.fromArray(S, m, 1 * stride + src), m11 = FloatVector.fromArray(S, m, 5 * stride + src);
        FloatVector m21 = FloatVector.fromArray(S, m, 9 * stride + src), m31 = FloatVector.fromArray(S, m, 13 * stride + src);
        FloatVector a1 = m01.add(m11).add(m21), b1 = m11.sub(m21).sub(m31);
        FloatVector m02 = FloatVector.fromArray(S, m, 2 * stride + src), m12 = FloatVector.fromArray(S, m, 6 * stride + src);
        FloatVector m22 = FloatVector.fromArray(S, m, 10 * stride + src), m32 = FloatVector.fromArray(S, m, 14 * stride + src);
        FloatVector a2 = m02.add(m12).add(m22), b2 = m12.sub(m22).sub(m32);
        FloatVector m03 = FloatVector.fromArray(S, m, 3 * stride + src), m13 = FloatVector.fromArray(S, m, 7 * stride + src);
        FloatVector m23 = FloatVector.fromArray(S, m, 11 * stride + src), m33 = FloatVector.fromArray(S, m, 15 * stride + src);
        FloatVector a3 = m03.add(m13).add(m23), b3 = m13.sub(m23).sub(m33);
        FloatVector y00 = a0.add(a1).add(a2).add(bias);
        FloatVector y01 = a1.sub(a2).sub(a3).add(bias);
        FloatVector y10 = b0.add(b1).add(b2).add(bias);
        FloatVector y11 = b1.sub(b2).sub(b3).add(bias);
        y00.rearrange(ZIP_LOW, y01).intoArray(y, at);
        y00.rearrange(ZIP_HIGH, y01).intoArray(y, at + L);
        y10.rearrange(ZIP_LOW, y11).intoArray(y, at + ow);
        y10.rearrange(ZIP_HIGH, y11).intoArray(y, at + ow + L);
    }

    private static void outputScalar(float[] m, int src, int stride, float bias, float[] y, int at, int ow,
                                     boolean right, boolean down) {
        float a0 = m[src] + m[4 * stride + src] + m[8 * stride + src];
        float a1 = m[stride + src] + m[5 * stride + src] + m[9 * stride + src];
        float a2 = m[2 * stride + src] + m[6 * stride + src] + m[10 * stride + src];
        float a3 = m[3 * stride + src] + m[7 * stride + src] + m[11 * stride + src];
        float b0 = m[4 * stride + src] - m[8 * stride + src] - m[12 * stride + src];
        float b1 = m[5 * stride + src] - m[9 * stride + src] - m[13 * stride + src];
        float b2 = m[6 * stride + src] - m[10 * stride + src] - m[14 * stride + src];
        float b3 = m[7 * stride + src] - m[11 * stride + src] - m[15 * stride + src];
        y[at] = a0 + a1 + a2 + bias;
        if (right) y[at + 1] = a1 - a2 - a3 + bias;
        if (down) {
            y[at + ow] = b0 + b1 + b2 + bias;
            if (right) y[at + ow + 1] = b1 - b2 - b3 + bias;
        }
    }
}

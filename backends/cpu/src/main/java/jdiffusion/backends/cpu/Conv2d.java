package jdiffusion.backends.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution as an implicit-im2col matrix product: per image and group, Y[O, OH*OW] = W[O, C*kh*kw]
 * X_col[C*kh*kw, OH*OW]. The weights are packed once per call (converted from float16/bfloat16 there);
 * the im2col columns are never materialised: {@link #im2col} gathers them straight into the GEMM's
 * B panels, a cache block at a time, copying whole in-bounds row runs for stride 1.
 */
final class Conv2d {

    private static final VectorSpecies<Float> S = Gemm.S;
    private static final int L = S.length();

    private Conv2d() {
    }

    /** Geometry of one call. */
    record Shape(int batch, int channels, int height, int width, int outChannels, int kernelH, int kernelW,
                 int outHeight, int outWidth, Conv2dParams params) {
    }

    /**
     * y (dense [N, O, OH, OW], previous contents ignored) = conv(x, weight) + bias: by Winograd F(2x2, 3x3)
     * where {@link WinogradConv#applies}, else as an implicit-im2col product.
     */
    static void forward(Parallel par, float[] x, int xOff, DType wType, MemorySegment weight, float[] bias,
                        Shape s, float[] y) {
        if (WinogradConv.applies(s)) {
            WinogradConv.forward(par, x, xOff, wType, weight, bias, s, y);
            return;
        }
        direct(par, x, xOff, wType, weight, bias, s, y);
    }

    /** The implicit-im2col product for any geometry. */
    static void direct(Parallel par, float[] x, int xOff, DType wType, MemorySegment weight, float[] bias,
                       Shape s, float[] y) {
        int groups = s.params().groups();
        int cg = s.channels() / groups;
        int og = s.outChannels() / groups;
        int taps = s.kernelH() * s.kernelW();
        int k = cg * taps;
        int pixels = s.outHeight() * s.outWidth();
        int plane = s.height() * s.width();
        long imageStride = (long) s.channels() * plane;
        long outStride = (long) s.outChannels() * pixels;
        Conv2dParams p = s.params();
        boolean pointwise = taps == 1 && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 0 && p.padW() == 0;
        for (int g = 0; g < groups; g++) {
            MemorySegment wg = weight.asSlice((long) g * og * k * wType.byteSize(), (long) og * k * wType.byteSize());
            Gemm.Panels a = Gemm.weightRows(wType, wg, k);
            int inOff = xOff + g * cg * plane;
            Gemm.Panels b = pointwise
                    ? Gemm.columns(x, inOff, plane, imageStride)
                    : im2col(x, inOff, s, imageStride);
            Gemm.multiply(par, s.batch(), og, pixels, k, a, true, b, false, bias, g * og, null,
                    y, g * og * pixels, outStride, pixels);
        }
    }

    /**
     * The im2col matrix of one group as GEMM rows: row r is output pixel r, element k is input
     * (channel k / (kh kw), tap k % (kh kw)) under that pixel, zero outside the image.
     */
    static Gemm.Panels im2col(float[] x, int xOff, Shape s, long imageStride) {
        Conv2dParams p = s.params();
        int kh = s.kernelH(), kw = s.kernelW(), taps = kh * kw;
        int h = s.height(), w = s.width(), ow = s.outWidth();
        int sh = p.strideH(), sw = p.strideW(), ph = p.padH(), pw = p.padW(), dh = p.dilationH(), dw = p.dilationW();
        int[] strideIndex = new int[L];
        for (int i = 0; i < L; i++) strideIndex[i] = i * sw;
        return new Gemm.Panels() {
            @Override
            void pack(int g, int r0, int nr, int k0, int kc, float[] dst, int off, int width) {
                long base = xOff + g * imageStride;
                for (int kk = 0; kk < kc; kk++) {
                    int kidx = k0 + kk;
                    int ci = kidx / taps, tap = kidx % taps;
                    int ky = tap / kw, kx = tap % kw;
                    int planeBase = Math.toIntExact(base + (long) ci * h * w);
                    int d = off + kk * width;
                    int pix = r0;
                    int j = 0;
                    while (j < nr) {
                        int oy = pix / ow, ox = pix % ow;
                        int run = Math.min(nr - j, ow - ox);
                        int iy = oy * sh - ph + ky * dh;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(dst, d + j, d + j + run, 0f);
                        } else {
                            int rowBase = planeBase + iy * w;
                            int ix0 = ox * sw - pw + kx * dw;
                            if (sw == 1) {
                                int lo = Math.min(run, Math.max(0, -ix0));
                                int hi = Math.max(lo, Math.min(run, w - ix0));
                                if (lo == 0 && hi == run && run == Gemm.NR) {
                                    // The common case: a whole panel row inside the image, two vector copies.
                                    int src = rowBase + ix0;
                                    FloatVector.fromArray(S, x, src).intoArray(dst, d + j);
                                    FloatVector.fromArray(S, x, src + Gemm.L).intoArray(dst, d + j + Gemm.L);
                                } else {
                                    if (lo > 0) Arrays.fill(dst, d + j, d + j + lo, 0f);
                                    if (hi > lo) System.arraycopy(x, rowBase + ix0 + lo, dst, d + j + lo, hi - lo);
                                    if (hi < run) Arrays.fill(dst, d + j + hi, d + j + run, 0f);
                                }
                            } else {
                                // Strided columns: a gather per vector of lanes inside the image, else lane by lane.
                                for (int t = 0; t < run; ) {
                                    int first = ix0 + t * sw;
                                    if (t + L <= run && first >= 0 && first + (L - 1) * sw < w) {
                                        FloatVector.fromArray(S, x, rowBase + first, strideIndex, 0).intoArray(dst, d + j + t);
                                        t += L;
                                    } else {
                                        dst[d + j + t] = first >= 0 && first < w ? x[rowBase + first] : 0f;
                                        t++;
                                    }
                                }
                            }
                        }
                        j += run;
                        pix += run;
                    }
                    if (nr < width) Arrays.fill(dst, d + nr, d + width, 0f);
                }
            }
        };
    }
}

package jdiffusion.backends.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The implicit-im2col convolution, the GEMM-backed linear and the tiled attention against their scalar oracles. */
class ConvAttentionVsScalarTest {

    private static final Parallel PAR = new Parallel(2);

    @AfterAll
    static void close() {
        PAR.close();
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextFloat() * 2 - 1;
        return v;
    }

    private static void assertNear(float[] expected, float[] actual, float tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) assertEquals(expected[i], actual[i], tol, what + " element " + i);
        }
    }

    @Test
    void implicitIm2colConvolutionMatchesDirectConvolution() {
        Random r = new Random(5);
        // N, C, H, W, O, kh, kw, stride, pad, dilation, groups
        int[][] cases = {{2, 3, 13, 9, 5, 3, 3, 1, 1, 1, 1}, {1, 8, 64, 64, 16, 3, 3, 1, 1, 1, 1}, {1, 7, 9, 11, 4, 3, 3, 2, 1, 1, 1},
                {2, 6, 10, 10, 6, 3, 3, 1, 2, 2, 3}, {1, 33, 5, 7, 17, 1, 1, 1, 0, 1, 1}, {1, 4, 12, 8, 30, 5, 3, 1, 2, 1, 1},
                {1, 65, 4, 3, 3, 3, 3, 1, 1, 1, 1}, {1, 2, 40, 33, 3, 3, 3, 2, 0, 1, 1}, {1, 4, 70, 66, 6, 3, 3, 2, 1, 1, 1},
                {1, 3, 30, 101, 5, 3, 3, 3, 1, 1, 1}};
        for (int[] c : cases) {
            for (DType dt : new DType[]{DType.FLOAT32, DType.FLOAT16}) {
                int n = c[0], ch = c[1], h = c[2], w = c[3], o = c[4], kh = c[5], kw = c[6];
                Conv2dParams p = new Conv2dParams(c[7], c[7], c[8], c[8], c[9], c[9], c[10]);
                int oh = p.outHeight(h, kh), ow = p.outWidth(w, kw);
                float[] x = random(r, n * ch * h * w);
                Tensor weight = Tensor.ofFloats(dt, random(r, o * (ch / c[10]) * kh * kw), o, ch / c[10], kh, kw);
                float[] wf = weight.toFloatArray();
                float[] bias = random(r, o);
                float[] expected = new float[n * o * oh * ow];
                for (int b = 0; b < n; b++) {
                    ScalarKernels.conv2d(x, b * ch * h * w, ch, h, w, wf, bias, o, kh, kw, c[7], c[7], c[8], c[8], c[9], c[9],
                            c[10], oh, ow, expected, b * o * oh * ow);
                }
                float[] actual = new float[expected.length];
                MemorySegment seg = weight.segment();
                Conv2d.direct(PAR, x, 0, dt, seg, bias, new Conv2d.Shape(n, ch, h, w, o, kh, kw, oh, ow, p), actual);
                assertNear(expected, actual, 2e-5f * (float) Math.sqrt(ch * kh * kw) + 1e-5f,
                        "conv " + java.util.Arrays.toString(c) + " " + dt);
            }
        }
    }

    @Test
    void winogradConvolutionMatchesDirectConvolution() {
        Random r = new Random(8);
        // N, C, H, W, O, pad: even and odd output sizes (cropped edge tiles), padding 0, 1 and 2.
        int[][] cases = {{1, 8, 16, 16, 8, 1}, {2, 16, 17, 23, 24, 1}, {1, 9, 20, 19, 11, 0}, {1, 32, 64, 64, 40, 1},
                {1, 12, 15, 16, 8, 2}};
        for (int[] c : cases) {
            for (DType dt : new DType[]{DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16}) {
                int n = c[0], ch = c[1], h = c[2], w = c[3], o = c[4], pad = c[5];
                Conv2dParams p = Conv2dParams.of(1, pad);
                int oh = p.outHeight(h, 3), ow = p.outWidth(w, 3);
                Conv2d.Shape shape = new Conv2d.Shape(n, ch, h, w, o, 3, 3, oh, ow, p);
                org.junit.jupiter.api.Assertions.assertTrue(WinogradConv.applies(shape), java.util.Arrays.toString(c));
                float[] x = random(r, n * ch * h * w);
                for (int i = 0; i < x.length; i++) x[i] *= 4;
                Tensor weight = Tensor.ofFloats(dt, random(r, o * ch * 9), o, ch, 3, 3);
                float[] bias = random(r, o);
                float[] expected = new float[n * o * oh * ow];
                for (int b = 0; b < n; b++) {
                    ScalarKernels.conv2d(x, b * ch * h * w, ch, h, w, weight.toFloatArray(), bias, o, 3, 3, 1, 1, pad, pad,
                            1, 1, 1, oh, ow, expected, b * o * oh * ow);
                }
                float[] actual = new float[expected.length];
                WinogradConv.forward(PAR, x, 0, dt, weight.segment(), bias, shape, actual);
                assertNear(expected, actual, 2e-5f * (float) Math.sqrt(ch * 9) * 4,
                        "winograd " + java.util.Arrays.toString(c) + " " + dt);
            }
        }
    }

    @Test
    void gemmLinearMatchesScalarLinearWithHalfPrecisionWeights() {
        Random r = new Random(6);
        for (int[] c : new int[][]{{77, 768, 50}, {2, 320, 1280}, {130, 65, 33}}) {
            int rows = c[0], in = c[1], out = c[2];
            for (DType dt : new DType[]{DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16}) {
                float[] x = random(r, rows * in);
                Tensor w = Tensor.ofFloats(dt, random(r, out * in), out, in);
                float[] b = random(r, out);
                float[] expected = new float[rows * out];
                ScalarKernels.linear(x, 0, rows, in, w.toFloatArray(), b, out, expected);
                float[] actual = new float[rows * out];
                Gemm.multiply(PAR, 1, rows, out, in, Gemm.rows(x, 0, in, 0), false, Gemm.weightRows(dt, w.segment(), in),
                        true, null, 0, b, actual, 0, 0, out);
                assertNear(expected, actual, 2e-5f * (float) Math.sqrt(in) + 1e-5f, "linear " + java.util.Arrays.toString(c) + " " + dt);
            }
        }
    }

    @Test
    void tiledAttentionMatchesFullRowAttention() {
        Random r = new Random(7);
        // batch, Lq, Lk, heads, D, Dv, causal
        int[][] cases = {{2, 70, 300, 3, 40, 40, 0}, {1, 129, 129, 2, 16, 24, 1}, {1, 1, 5, 1, 7, 3, 0}, {2, 8, 77, 8, 8, 8, 0},
                {1, 200, 200, 1, 80, 80, 1}, {1, 64, 1, 2, 5, 5, 0}};
        for (int[] c : cases) {
            int b = c[0], lq = c[1], lk = c[2], heads = c[3], d = c[4], dv = c[5];
            boolean causal = c[6] == 1;
            float[] q = random(r, b * lq * heads * d);
            float[] k = random(r, b * lk * heads * d);
            float[] v = random(r, b * lk * heads * dv);
            for (int i = 0; i < q.length; i++) q[i] *= 3;
            float scale = (float) (1 / Math.sqrt(d));
            float[] expected = new float[b * lq * heads * dv];
            for (int n = 0; n < b; n++) {
                for (int h = 0; h < heads; h++) {
                    ScalarKernels.attentionHead(q, n * lq * heads * d + h * d, heads * d, k, n * lk * heads * d + h * d, heads * d,
                            v, n * lk * heads * dv + h * dv, heads * dv, lq, lk, d, dv, scale, causal,
                            expected, n * lq * heads * dv + h * dv, heads * dv);
                }
            }
            float[] actual = new float[expected.length];
            Attention.forward(PAR, q, 0, k, 0, v, 0, new Attention.Shape(b, lq, lk, heads, d, dv, scale, causal), actual);
            assertNear(expected, actual, 2e-5f, "attention " + java.util.Arrays.toString(c));
        }
    }
}

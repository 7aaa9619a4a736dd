package jdiffusion.backends.cpu;

/**
 * The plain scalar form of every kernel: one loop nest per definition, float32 arithmetic, no tiling,
 * no threads. It is the oracle the vector kernels are tested against, and the path taken for shapes
 * too small to be worth vectorising. Arrays are dense row-major; weights arrive already as float32.
 */
final class ScalarKernels {

    private ScalarKernels() {
    }

    /** y[r, o] = b[o] + sum_i x[r, i] w[o, i]. */
    static void linear(float[] x, int xOff, int rows, int in, float[] w, float[] b, int out, float[] y) {
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                float s = 0;
                for (int i = 0; i < in; i++) s += x[xOff + r * in + i] * w[o * in + i];
                y[r * out + o] = b == null ? s : s + b[o];
            }
        }
    }

    /** c[m, n] = sum_k a[m, k] b[k, n] (b[n, k] when transposed), one matrix. */
    static void matmul(float[] a, int aOff, float[] b, int bOff, boolean transposeB, int m, int k, int n,
                       float[] c, int cOff) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[aOff + i * k + p] * (transposeB ? b[bOff + j * k + p] : b[bOff + p * n + j]);
                }
                c[cOff + i * n + j] = s;
            }
        }
    }

    /** Direct convolution over one batch item and all output channels, as the definition reads. */
    static void conv2d(float[] x, int xOff, int c, int h, int w, float[] wt, float[] bias, int o, int kh, int kw,
                       int sh, int sw, int ph, int pw, int dh, int dw, int groups, int oh, int ow,
                       float[] y, int yOff) {
        int cg = c / groups;
        int og = o / groups;
        for (int oc = 0; oc < o; oc++) {
            int g = oc / og;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    float s = 0;
                    for (int ic = 0; ic < cg; ic++) {
                        int cin = g * cg + ic;
                        for (int ky = 0; ky < kh; ky++) {
                            int iy = oy * sh - ph + ky * dh;
                            if (iy < 0 || iy >= h) continue;
                            for (int kx = 0; kx < kw; kx++) {
                                int ix = ox * sw - pw + kx * dw;
                                if (ix < 0 || ix >= w) continue;
                                s += x[xOff + (cin * h + iy) * w + ix] * wt[((oc * cg + ic) * kh + ky) * kw + kx];
                            }
                        }
                    }
                    y[yOff + (oc * oh + oy) * ow + ox] = bias == null ? s : s + bias[oc];
                }
            }
        }
    }

    /**
     * Normalises {@code rows} rows of {@code len} values (a group of channels or a layer-norm row)
     * with mean and biased variance, then the affine map of channel (or element) index
     * {@code affineIndex(i) = i / affineStride}.
     */
    static void normalize(float[] x, int xOff, int len, float eps, float[] gamma, float[] beta, int affineStart,
                          int affineStride, float[] y, int yOff) {
        double mean = 0;
        for (int i = 0; i < len; i++) mean += x[xOff + i];
        mean /= len;
        double var = 0;
        for (int i = 0; i < len; i++) {
            double d = x[xOff + i] - mean;
            var += d * d;
        }
        var /= len;
        float m = (float) mean;
        float inv = (float) (1 / Math.sqrt(var + eps));
        for (int i = 0; i < len; i++) {
            int a = affineStart + i / affineStride;
            float z = (x[xOff + i] - m) * inv;
            if (gamma != null) z *= gamma[a];
            if (beta != null) z += beta[a];
            y[yOff + i] = z;
        }
    }

    /** Softmax of one row in place-free form. */
    static void softmaxRow(float[] x, int xOff, int len, float[] y, int yOff) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) max = Math.max(max, x[xOff + i]);
        float sum = 0;
        for (int i = 0; i < len; i++) {
            float e = (float) Math.exp(x[xOff + i] - max);
            y[yOff + i] = e;
            sum += e;
        }
        float inv = 1 / sum;
        for (int i = 0; i < len; i++) y[yOff + i] *= inv;
    }

    /**
     * Attention for one (batch, head), one query row at a time with the full score row:
     * q [Lq, *] at column qCol with row stride qStride, likewise k and v; output likewise.
     */
    static void attentionHead(float[] q, int qOff, int qStride, float[] k, int kOff, int kStride,
                              float[] v, int vOff, int vStride, int lq, int lk, int d, int dv, float scale,
                              boolean causal, float[] out, int oOff, int oStride) {
        float[] s = new float[lk];
        for (int i = 0; i < lq; i++) {
            int keys = causal ? Math.min(lk, i + 1) : lk;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < keys; j++) {
                float dot = 0;
                for (int e = 0; e < d; e++) dot += q[qOff + i * qStride + e] * k[kOff + j * kStride + e];
                s[j] = dot * scale;
                max = Math.max(max, s[j]);
            }
            float sum = 0;
            for (int j = 0; j < keys; j++) {
                s[j] = (float) Math.exp(s[j] - max);
                sum += s[j];
            }
            for (int e = 0; e < dv; e++) {
                float acc = 0;
                for (int j = 0; j < keys; j++) acc += s[j] * v[vOff + j * vStride + e];
                out[oOff + i * oStride + e] = acc / sum;
            }
        }
    }

    // ---- activations ------------------------------------------------------------------------------

    static float silu(float x) {
        return x / (1 + (float) Math.exp(-x));
    }

    static float quickGelu(float x) {
        return x / (1 + (float) Math.exp(-1.702f * x));
    }

    static float geluTanh(float x) {
        return 0.5f * x * (1 + (float) Math.tanh(0.7978845608028654 * (x + 0.044715f * x * x * x)));
    }

    static float gelu(float x) {
        return 0.5f * x * (1 + erf(x * 0.70710678118654752f));
    }

    /**
     * erf to float precision (absolute error below 1.2e-7): Abramowitz and Stegun 7.1.26 is too coarse
     * for that, so this uses the rational form erf(x) = 1 - t exp(-x^2 + P(t)) of Numerical Recipes'
     * erfc (Chebyshev fit, fractional error below 1.2e-7), t = 1 / (1 + |x| / 2).
     */
    static float erf(float x) {
        float z = Math.abs(x);
        float t = 1 / (1 + 0.5f * z);
        float p = -1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f + t * (-0.18628806f
                + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f))))))));
        float erfc = t * (float) Math.exp(-z * z + p);
        float r = 1 - erfc;
        return x < 0 ? -r : r;
    }
}

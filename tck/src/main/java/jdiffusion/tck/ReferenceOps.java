package jdiffusion.tck;

import java.util.Arrays;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;

/**
 * The obviously-correct versions of the {@link jdiffusion.core.backend.Backend} operations that
 * {@link BackendContractTest} compares a backend against: plain loops over the definitions, sums in
 * double, no tiling, no threads. Inputs of any float dtype are read as float32 values; results are new
 * float32 tensors. Slow on purpose; use only on test-sized shapes.
 */
public final class ReferenceOps {

    private ReferenceOps() {
    }

    // ---- linear algebra ------------------------------------------------------------------------

    /** x [..., in] @ weight[out, in]^T + bias. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        int in = x.dim(-1);
        int out = weight.dim(0);
        int rows = Math.toIntExact(x.numel() / in);
        float[] xv = x.toFloatArray();
        float[] w = weight.toFloatArray();
        float[] b = bias == null ? null : bias.toFloatArray();
        float[] y = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) s += (double) xv[r * in + i] * w[o * in + i];
                y[r * out + o] = (float) s;
            }
        }
        int[] shape = x.shape();
        shape[shape.length - 1] = out;
        return Tensor.wrap(y, shape);
    }

    /** Batched a [..., M, K] @ b [..., K, N] (or b^T); b may lack the batch dimensions. */
    public static Tensor matmul(Tensor a, Tensor b, boolean transposeB) {
        int m = a.dim(-2);
        int k = a.dim(-1);
        int n = transposeB ? b.dim(-2) : b.dim(-1);
        int batch = Math.toIntExact(a.numel() / ((long) m * k));
        boolean shared = b.rank() == 2;
        float[] av = a.toFloatArray();
        float[] bv = b.toFloatArray();
        float[] c = new float[batch * m * n];
        for (int g = 0; g < batch; g++) {
            int ao = g * m * k;
            int bo = shared ? 0 : g * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        float bj = transposeB ? bv[bo + j * k + p] : bv[bo + p * n + j];
                        s += (double) av[ao + i * k + p] * bj;
                    }
                    c[g * m * n + i * n + j] = (float) s;
                }
            }
        }
        int[] shape = a.shape();
        shape[shape.length - 1] = n;
        return Tensor.wrap(c, shape);
    }

    /** PyTorch's conv2d: x [N, C, H, W], weight [O, C/groups, kh, kw]. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW,
                                int dilH, int dilW, int groups) {
        int nb = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int o = weight.dim(0), cg = weight.dim(1), kh = weight.dim(2), kw = weight.dim(3);
        int oh = (h + 2 * padH - dilH * (kh - 1) - 1) / strideH + 1;
        int ow = (w + 2 * padW - dilW * (kw - 1) - 1) / strideW + 1;
        int og = o / groups;
        float[] xv = x.toFloatArray();
        float[] wv = weight.toFloatArray();
        float[] bv = bias == null ? null : bias.toFloatArray();
        float[] y = new float[nb * o * oh * ow];
        for (int n = 0; n < nb; n++) {
            for (int oc = 0; oc < o; oc++) {
                int g = oc / og;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double s = bv == null ? 0 : bv[oc];
                        for (int ic = 0; ic < cg; ic++) {
                            int cin = g * cg + ic;
                            for (int ky = 0; ky < kh; ky++) {
                                int iy = oy * strideH - padH + ky * dilH;
                                if (iy < 0 || iy >= h) continue;
                                for (int kx = 0; kx < kw; kx++) {
                                    int ix = ox * strideW - padW + kx * dilW;
                                    if (ix < 0 || ix >= w) continue;
                                    s += (double) xv[((n * c + cin) * h + iy) * w + ix]
                                            * wv[((oc * cg + ic) * kh + ky) * kw + kx];
                                }
                            }
                        }
                        y[((n * o + oc) * oh + oy) * ow + ox] = (float) s;
                    }
                }
            }
        }
        return Tensor.wrap(y, nb, o, oh, ow);
    }

    // ---- normalisation ---------------------------------------------------------------------------

    /** GroupNorm over [N, C, ...]. */
    public static Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps) {
        int n = x.dim(0), c = x.dim(1);
        int spatial = Math.toIntExact(x.numel() / ((long) n * c));
        int cg = c / groups;
        float[] v = x.toFloatArray();
        float[] ga = gamma == null ? null : gamma.toFloatArray();
        float[] be = beta == null ? null : beta.toFloatArray();
        float[] y = new float[v.length];
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                int start = (b * c + g * cg) * spatial;
                int len = cg * spatial;
                double mean = 0;
                for (int i = 0; i < len; i++) mean += v[start + i];
                mean /= len;
                double var = 0;
                for (int i = 0; i < len; i++) var += (v[start + i] - mean) * (v[start + i] - mean);
                var /= len;
                double inv = 1 / Math.sqrt(var + eps);
                for (int i = 0; i < len; i++) {
                    int ch = g * cg + i / spatial;
                    double z = (v[start + i] - mean) * inv;
                    if (ga != null) z *= ga[ch];
                    if (be != null) z += be[ch];
                    y[start + i] = (float) z;
                }
            }
        }
        return Tensor.wrap(y, x.shape());
    }

    /** LayerNorm over the last dimension. */
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int d = x.dim(-1);
        float[] v = x.toFloatArray();
        float[] ga = gamma == null ? null : gamma.toFloatArray();
        float[] be = beta == null ? null : beta.toFloatArray();
        float[] y = new float[v.length];
        for (int r = 0; r < v.length / d; r++) {
            double mean = 0;
            for (int i = 0; i < d; i++) mean += v[r * d + i];
            mean /= d;
            double var = 0;
            for (int i = 0; i < d; i++) var += (v[r * d + i] - mean) * (v[r * d + i] - mean);
            var /= d;
            double inv = 1 / Math.sqrt(var + eps);
            for (int i = 0; i < d; i++) {
                double z = (v[r * d + i] - mean) * inv;
                if (ga != null) z *= ga[i];
                if (be != null) z += be[i];
                y[r * d + i] = (float) z;
            }
        }
        return Tensor.wrap(y, x.shape());
    }

    /** Softmax over the last dimension. */
    public static Tensor softmax(Tensor x) {
        int d = x.dim(-1);
        float[] v = x.toFloatArray();
        float[] y = new float[v.length];
        for (int r = 0; r < v.length / d; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < d; i++) max = Math.max(max, v[r * d + i]);
            double sum = 0;
            for (int i = 0; i < d; i++) sum += Math.exp(v[r * d + i] - max);
            for (int i = 0; i < d; i++) y[r * d + i] = (float) (Math.exp(v[r * d + i] - max) / sum);
        }
        return Tensor.wrap(y, x.shape());
    }

    /** Attention with the whole [Lq, Lk] score matrix, as diffusers' AttnProcessor computes it. */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, int heads, float scale, boolean causal) {
        int b = q.dim(0), lq = q.dim(1), lk = k.dim(1);
        int d = q.dim(2) / heads, dv = v.dim(2) / heads;
        float[] qv = q.toFloatArray(), kv = k.toFloatArray(), vv = v.toFloatArray();
        float[] out = new float[b * lq * heads * dv];
        double[] scores = new double[lk];
        for (int n = 0; n < b; n++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < lq; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < lk; j++) {
                        if (causal && j > i) {
                            scores[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double s = 0;
                        for (int e = 0; e < d; e++) {
                            s += (double) qv[(n * lq + i) * heads * d + h * d + e] * kv[(n * lk + j) * heads * d + h * d + e];
                        }
                        scores[j] = s * scale;
                        max = Math.max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < lk; j++) {
                        scores[j] = Math.exp(scores[j] - max);
                        sum += scores[j];
                    }
                    for (int e = 0; e < dv; e++) {
                        double s = 0;
                        for (int j = 0; j < lk; j++) s += scores[j] * vv[(n * lk + j) * heads * dv + h * dv + e];
                        out[(n * lq + i) * heads * dv + h * dv + e] = (float) (s / sum);
                    }
                }
            }
        }
        return Tensor.wrap(out, b, lq, heads * dv);
    }

    // ---- activations -----------------------------------------------------------------------------

    /** The error function to double precision: Maclaurin series near 0, continued fraction for erfc beyond. */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 3) {
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-18 * sum; n++) {
                term *= -ax * ax / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated bottom-up.
            double f = ax;
            for (int n = 60; n >= 1; n--) f = ax + (n / 2.0) / f;
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        }
        return x < 0 ? -r : r;
    }

    /** x * sigmoid(x). */
    public static Tensor silu(Tensor x) {
        return map(x, z -> z / (1 + Math.exp(-z)));
    }

    /** Exact or tanh-approximated GELU. */
    public static Tensor gelu(Tensor x, boolean tanh) {
        return map(x, z -> tanh
                ? 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)))
                : 0.5 * z * (1 + erf(z / Math.sqrt(2))));
    }

    /** x * sigmoid(1.702 x). */
    public static Tensor quickGelu(Tensor x) {
        return map(x, z -> z / (1 + Math.exp(-1.702 * z)));
    }

    /** value * gelu(gate) with [value, gate] the halves of the last dimension. */
    public static Tensor geglu(Tensor x) {
        int d = x.dim(-1) / 2;
        float[] v = x.toFloatArray();
        float[] y = new float[v.length / 2];
        for (int r = 0; r < y.length / d; r++) {
            for (int i = 0; i < d; i++) {
                double a = v[r * 2 * d + i];
                double g = v[r * 2 * d + d + i];
                y[r * d + i] = (float) (a * 0.5 * g * (1 + erf(g / Math.sqrt(2))));
            }
        }
        int[] shape = x.shape();
        shape[shape.length - 1] = d;
        return Tensor.wrap(y, shape);
    }

    // ---- shape -----------------------------------------------------------------------------------

    /** PyTorch's nearest interpolation to a size: src = min(floor(dst * (float) in / out), in - 1). */
    public static Tensor upsampleNearest(Tensor x, int outH, int outW) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        float sh = (float) h / outH;
        float sw = (float) w / outW;
        float[] v = x.toFloatArray();
        float[] y = new float[n * c * outH * outW];
        for (int p = 0; p < n * c; p++) {
            for (int oy = 0; oy < outH; oy++) {
                int iy = Math.min((int) Math.floor(oy * sh), h - 1);
                for (int ox = 0; ox < outW; ox++) {
                    int ix = Math.min((int) Math.floor(ox * sw), w - 1);
                    y[(p * outH + oy) * outW + ox] = v[(p * h + iy) * w + ix];
                }
            }
        }
        return Tensor.wrap(y, n, c, outH, outW);
    }

    /** Concatenation along {@code dim}, element by element. */
    public static Tensor concat(int dim, Tensor... parts) {
        int rank = parts[0].rank();
        int d = dim < 0 ? dim + rank : dim;
        int[] shape = parts[0].shape();
        shape[d] = 0;
        for (Tensor p : parts) shape[d] += p.dim(d);
        float[] y = new float[Math.toIntExact(Tensor.count(shape))];
        int offset = 0;
        for (Tensor p : parts) {
            float[] v = p.toFloatArray();
            int[] ps = p.shape();
            int[] idx = new int[rank];
            for (int i = 0; i < v.length; i++) {
                unravel(i, ps, idx);
                idx[d] += offset;
                y[ravel(idx, shape)] = v[i];
            }
            offset += p.dim(d);
        }
        return Tensor.wrap(y, shape);
    }

    /** Elements [start, start + length) along {@code dim}. */
    public static Tensor narrow(Tensor x, int dim, int start, int length) {
        int d = dim < 0 ? dim + x.rank() : dim;
        int[] shape = x.shape();
        shape[d] = length;
        float[] v = x.toFloatArray();
        float[] y = new float[Math.toIntExact(Tensor.count(shape))];
        int[] idx = new int[shape.length];
        for (int i = 0; i < y.length; i++) {
            unravel(i, shape, idx);
            idx[d] += start;
            y[i] = v[ravel(idx, x.shape())];
        }
        return Tensor.wrap(y, shape);
    }

    /** Zero padding of the last two dimensions. */
    public static Tensor pad2d(Tensor x, int left, int right, int top, int bottom) {
        int h = x.dim(-2), w = x.dim(-1);
        int oh = h + top + bottom, ow = w + left + right;
        int planes = Math.toIntExact(x.numel() / ((long) h * w));
        float[] v = x.toFloatArray();
        float[] y = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) y[(p * oh + i + top) * ow + j + left] = v[(p * h + i) * w + j];
            }
        }
        int[] shape = x.shape();
        shape[shape.length - 2] = oh;
        shape[shape.length - 1] = ow;
        return Tensor.wrap(y, shape);
    }

    /** Rows {@code ids} of weight [V, D]. */
    public static Tensor embedding(Tensor weight, int[] ids) {
        int d = weight.dim(1);
        float[] w = weight.toFloatArray();
        float[] y = new float[ids.length * d];
        for (int i = 0; i < ids.length; i++) System.arraycopy(w, ids[i] * d, y, i * d, d);
        return Tensor.wrap(y, ids.length, d);
    }

    /** Result dimension i is input dimension order[i]. */
    public static Tensor permute(Tensor x, int... order) {
        int[] in = x.shape();
        int[] shape = new int[in.length];
        for (int i = 0; i < order.length; i++) shape[i] = in[order[i]];
        float[] v = x.toFloatArray();
        float[] y = new float[v.length];
        int[] idx = new int[in.length];
        int[] src = new int[in.length];
        for (int i = 0; i < y.length; i++) {
            unravel(i, shape, idx);
            for (int a = 0; a < order.length; a++) src[order[a]] = idx[a];
            y[i] = v[ravel(src, in)];
        }
        return Tensor.wrap(y, shape);
    }

    // ---- elementwise -----------------------------------------------------------------------------

    /** A binary function of two values. */
    public interface Binary {
        /** The result for one pair of elements. */
        double apply(double a, double b);
    }

    /** A function of one value. */
    public interface Unary {
        /** The result for one element. */
        double apply(double a);
    }

    /** f(a, b) with NumPy broadcasting, element by element through explicit indices. */
    public static Tensor broadcast(Tensor a, Tensor b, Binary f) {
        int[] shape = Tensor.broadcastShape(a.shape(), b.shape());
        float[] av = a.toFloatArray(), bv = b.toFloatArray();
        float[] y = new float[Math.toIntExact(Tensor.count(shape))];
        int[] idx = new int[shape.length];
        for (int i = 0; i < y.length; i++) {
            unravel(i, shape, idx);
            y[i] = (float) f.apply(av[broadcastIndex(idx, a.shape())], bv[broadcastIndex(idx, b.shape())]);
        }
        return Tensor.wrap(y, shape);
    }

    /** f(x) elementwise. */
    public static Tensor map(Tensor x, Unary f) {
        float[] v = x.toFloatArray();
        float[] y = new float[v.length];
        for (int i = 0; i < v.length; i++) y[i] = (float) f.apply(v[i]);
        return Tensor.wrap(y, x.shape());
    }

    /**
     * diffusers' get_timestep_embedding in its float32 order of operations: exponent =
     * float(-ln(maxPeriod)) * k / (half - shift), freq = exp(exponent), arg = t * freq (then * scale),
     * [sin, cos] or [cos, sin], zero-padded when dim is odd.
     */
    public static Tensor timestepEmbedding(float[] t, int dim, boolean flip, float shift, float scale, int maxPeriod) {
        int half = dim / 2;
        float[] y = new float[t.length * dim];
        float c = (float) -Math.log(maxPeriod);
        for (int n = 0; n < t.length; n++) {
            for (int k = 0; k < half; k++) {
                float exponent = c * k / (half - shift);
                float freq = (float) Math.exp(exponent);
                float arg = t[n] * freq * scale;
                float s = (float) Math.sin(arg);
                float co = (float) Math.cos(arg);
                y[n * dim + k] = flip ? co : s;
                y[n * dim + half + k] = flip ? s : co;
            }
        }
        return Tensor.wrap(y, t.length, dim);
    }

    /** The values rounded to {@code dtype}, read back as float32. */
    public static float[] roundTo(DType dtype, float[] values) {
        return Tensor.ofFloats(dtype, values, values.length).toFloatArray();
    }

    // ---- index helpers ---------------------------------------------------------------------------

    static void unravel(int flat, int[] shape, int[] idx) {
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
    }

    static int ravel(int[] idx, int[] shape) {
        int flat = 0;
        for (int d = 0; d < shape.length; d++) flat = flat * shape[d] + idx[d];
        return flat;
    }

    private static int broadcastIndex(int[] outIdx, int[] shape) {
        int off = outIdx.length - shape.length;
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            flat = flat * shape[d] + (shape[d] == 1 ? 0 : outIdx[d + off]);
        }
        return flat;
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}

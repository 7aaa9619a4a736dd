package jdiffusion.backends.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The tensor kernels TornadoVM compiles to OpenCL or PTX. Static methods importing only the TornadoVM API;
 * the task graphs that run them are built in {@code jdiffusion.backends.tornadovm}.
 *
 * <p>Arrays are workspaces that may be larger than the data: each kernel reads the live sizes from its
 * {@code p} (int parameters) and {@code f} (float parameters) arrays, so one compiled kernel serves every
 * shape. Tensors are contiguous, row-major float32.
 */
public final class TensorKernels {

    /** Edge of the tiles of the matrix-product and convolution kernels (work-groups of TILE x TILE). */
    public static final int TILE = 16;
    /** Work-items per group of the row reductions. */
    public static final int ROW_GROUP = 128;

    public static final int OP_SILU = 0;
    public static final int OP_GELU = 1;
    public static final int OP_GELU_TANH = 2;
    public static final int OP_QUICK_GELU = 3;
    public static final int OP_SCALE = 4;
    public static final int OP_EXP = 5;
    public static final int OP_CLAMP = 6;

    public static final int OP_ADD = 0;
    public static final int OP_MUL = 1;
    public static final int OP_SUB = 2;

    /** Dimensions the index-mapping kernels handle (shapes are right-aligned, leading sizes 1). */
    public static final int RANK = 8;

    private TensorKernels() {
    }

    // ---- tiled matrix products (KernelContext, local memory) ------------------------------------

    /**
     * C[z] = A[z] (M x K) times B[z] (K x N, or N x K when transposed) + bias[N], one TILE x TILE block of C
     * per work-group, A and B staged through local memory. Grid: (ceil(N/TILE)*TILE, ceil(M/TILE)*TILE, batch).
     * p = {M, N, K, batch stride of A, batch stride of B (0: shared), transposeB, hasBias}.
     */
    public static void gemm(KernelContext ctx, FloatArray a, FloatArray b, FloatArray bias, FloatArray c, IntArray p) {
        int m = p.get(0);
        int n = p.get(1);
        int k = p.get(2);
        int aStride = p.get(3);
        int bStride = p.get(4);
        int transposeB = p.get(5);
        int hasBias = p.get(6);
        int tx = ctx.localIdx;
        int ty = ctx.localIdy;
        int col = ctx.groupIdx * TILE + tx;
        int row = ctx.groupIdy * TILE + ty;
        int z = ctx.globalIdz;
        float[] as = ctx.allocateFloatLocalArray(TILE * TILE);
        float[] bs = ctx.allocateFloatLocalArray(TILE * TILE);
        int aBase = z * aStride;
        int bBase = z * bStride;
        float sum = 0.0f;
        for (int k0 = 0; k0 < k; k0 += TILE) {
            int ka = k0 + tx;
            float av = 0.0f;
            if (row < m && ka < k) {
                av = a.get(aBase + row * k + ka);
            }
            as[ty * TILE + tx] = av;
            int kb = k0 + ty;
            float bv = 0.0f;
            if (col < n && kb < k) {
                if (transposeB == 1) {
                    bv = b.get(bBase + col * k + kb);
                } else {
                    bv = b.get(bBase + kb * n + col);
                }
            }
            bs[ty * TILE + tx] = bv;
            ctx.localBarrier();
            for (int kk = 0; kk < TILE; kk++) {
                sum += as[ty * TILE + kk] * bs[kk * TILE + tx];
            }
            ctx.localBarrier();
        }
        if (row < m && col < n) {
            float bb = 0.0f;
            if (hasBias == 1) {
                bb = bias.get(col);
            }
            c.set(z * m * n + row * n + col, sum + bb);
        }
    }

    /**
     * 2-D convolution as an implicit GEMM: for image and group z, Y[n, g*Og + o, pixel] = sum over (c, ky, kx)
     * of W[g*Og + o, c, ky, kx] * X[n, g*Cg + c, oy*sh - ph + ky*dh, ox*sw - pw + kx*dw] (zero outside), the
     * im2col operand gathered tile by tile into local memory. Grid: (ceil(OH*OW/TILE)*TILE, ceil(Og/TILE)*TILE, N*groups).
     * p = {C, H, W, O, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw, groups, hasBias}.
     */
    public static void conv2d(KernelContext ctx, FloatArray x, FloatArray w, FloatArray bias, FloatArray y, IntArray p) {
        int channels = p.get(0);
        int height = p.get(1);
        int width = p.get(2);
        int outChannels = p.get(3);
        int kh = p.get(4);
        int kw = p.get(5);
        int oh = p.get(6);
        int ow = p.get(7);
        int sh = p.get(8);
        int sw = p.get(9);
        int ph = p.get(10);
        int pw = p.get(11);
        int dh = p.get(12);
        int dw = p.get(13);
        int groups = p.get(14);
        int hasBias = p.get(15);
        int og = outChannels / groups;
        int cg = channels / groups;
        int kk2 = kh * kw;
        int kTotal = cg * kk2;
        int pixels = oh * ow;
        int tx = ctx.localIdx;
        int ty = ctx.localIdy;
        int pix = ctx.groupIdx * TILE + tx;
        int o = ctx.groupIdy * TILE + ty;
        int z = ctx.globalIdz;
        int img = z / groups;
        int g = z - img * groups;
        int wBase = g * og * kTotal;
        int xBase = (img * channels + g * cg) * height * width;
        float[] as = ctx.allocateFloatLocalArray(TILE * TILE);
        float[] bs = ctx.allocateFloatLocalArray(TILE * TILE);
        float sum = 0.0f;
        for (int k0 = 0; k0 < kTotal; k0 += TILE) {
            int ka = k0 + tx;
            float av = 0.0f;
            if (o < og && ka < kTotal) {
                av = w.get(wBase + o * kTotal + ka);
            }
            as[ty * TILE + tx] = av;
            int kb = k0 + ty;
            float bv = 0.0f;
            if (pix < pixels && kb < kTotal) {
                int c = kb / kk2;
                int rem = kb - c * kk2;
                int ky = rem / kw;
                int kx = rem - ky * kw;
                int oy = pix / ow;
                int ox = pix - oy * ow;
                int iy = oy * sh - ph + ky * dh;
                int ix = ox * sw - pw + kx * dw;
                if (iy >= 0 && iy < height && ix >= 0 && ix < width) {
                    bv = x.get(xBase + (c * height + iy) * width + ix);
                }
            }
            bs[ty * TILE + tx] = bv;
            ctx.localBarrier();
            for (int kk = 0; kk < TILE; kk++) {
                sum += as[ty * TILE + kk] * bs[kk * TILE + tx];
            }
            ctx.localBarrier();
        }
        if (o < og && pix < pixels) {
            int oc = g * og + o;
            float bb = 0.0f;
            if (hasBias == 1) {
                bb = bias.get(oc);
            }
            y.set((img * outChannels + oc) * pixels + pix, sum + bb);
        }
    }

    // ---- row reductions (KernelContext, local memory) -------------------------------------------

    /**
     * Normalises one row of L elements per work-group of ROW_GROUP items with its mean and biased variance
     * (two passes); element i of row r takes affine index (r % G) * Cg + i / S (layer norm: G = 1, S = 1).
     * p = {L, S, G, Cg, hasGamma, hasBeta}; f = {eps}.
     */
    public static void normRows(KernelContext ctx, FloatArray x, FloatArray gamma, FloatArray beta, FloatArray y,
                                IntArray p, FloatArray f) {
        int length = p.get(0);
        int s = p.get(1);
        int groups = p.get(2);
        int cg = p.get(3);
        int hasGamma = p.get(4);
        int hasBeta = p.get(5);
        float eps = f.get(0);
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        float[] red = ctx.allocateFloatLocalArray(ROW_GROUP);
        int base = row * length;
        float acc = 0.0f;
        for (int i = lid; i < length; i += ROW_GROUP) {
            acc += x.get(base + i);
        }
        red[lid] = acc;
        for (int h = ROW_GROUP / 2; h > 0; h /= 2) {
            ctx.localBarrier();
            if (lid < h) {
                red[lid] += red[lid + h];
            }
        }
        ctx.localBarrier();
        float mean = red[0] / length;
        ctx.localBarrier();
        float q = 0.0f;
        for (int i = lid; i < length; i += ROW_GROUP) {
            float d = x.get(base + i) - mean;
            q += d * d;
        }
        red[lid] = q;
        for (int h = ROW_GROUP / 2; h > 0; h /= 2) {
            ctx.localBarrier();
            if (lid < h) {
                red[lid] += red[lid + h];
            }
        }
        ctx.localBarrier();
        float var = red[0] / length;
        float inv = 1.0f / TornadoMath.sqrt(var + eps);
        int c0 = (row % groups) * cg;
        for (int i = lid; i < length; i += ROW_GROUP) {
            float v = (x.get(base + i) - mean) * inv;
            int c = c0 + i / s;
            if (hasGamma == 1) {
                v = v * gamma.get(c);
            }
            if (hasBeta == 1) {
                v = v + beta.get(c);
            }
            y.set(base + i, v);
        }
    }

    /** Max-subtracted softmax of one row of D elements per work-group. p = {D}. */
    public static void softmaxRows(KernelContext ctx, FloatArray x, FloatArray y, IntArray p) {
        int d = p.get(0);
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        float[] red = ctx.allocateFloatLocalArray(ROW_GROUP);
        int base = row * d;
        float mx = Float.NEGATIVE_INFINITY;
        for (int i = lid; i < d; i += ROW_GROUP) {
            mx = TornadoMath.max(mx, x.get(base + i));
        }
        red[lid] = mx;
        for (int h = ROW_GROUP / 2; h > 0; h /= 2) {
            ctx.localBarrier();
            if (lid < h) {
                red[lid] = TornadoMath.max(red[lid], red[lid + h]);
            }
        }
        ctx.localBarrier();
        float rowMax = red[0];
        ctx.localBarrier();
        float sum = 0.0f;
        for (int i = lid; i < d; i += ROW_GROUP) {
            sum += TornadoMath.exp(x.get(base + i) - rowMax);
        }
        red[lid] = sum;
        for (int h = ROW_GROUP / 2; h > 0; h /= 2) {
            ctx.localBarrier();
            if (lid < h) {
                red[lid] += red[lid + h];
            }
        }
        ctx.localBarrier();
        float total = red[0];
        for (int i = lid; i < d; i += ROW_GROUP) {
            y.set(base + i, TornadoMath.exp(x.get(base + i) - rowMax) / total);
        }
    }

    // ---- attention (KernelContext, one work-item per query row) ---------------------------------

    /**
     * Scaled dot-product attention without the [Lq, Lk] score matrix: each work-item takes one (batch, head,
     * query) row and runs the online softmax (Milakov &amp; Gimelshein 2018) over the keys, keeping its output
     * row in the result array and rescaling it when the running maximum grows. Grid: B*H*Lq items.
     * p = {B, Lq, Lk, H, D, Dv, causal}; f = {scale}.
     */
    public static void attention(KernelContext ctx, FloatArray q, FloatArray k, FloatArray v, FloatArray out,
                                 IntArray p, FloatArray f) {
        int batches = p.get(0);
        int lq = p.get(1);
        int lk = p.get(2);
        int heads = p.get(3);
        int d = p.get(4);
        int dv = p.get(5);
        int causal = p.get(6);
        float scale = f.get(0);
        int r = ctx.globalIdx;
        if (r < batches * heads * lq) {
            int i = r % lq;
            int bh = r / lq;
            int h = bh % heads;
            int b = bh / heads;
            int qBase = (b * lq + i) * heads * d + h * d;
            int oBase = (b * lq + i) * heads * dv + h * dv;
            for (int e = 0; e < dv; e++) {
                out.set(oBase + e, 0.0f);
            }
            float m = Float.NEGATIVE_INFINITY;
            float l = 0.0f;
            int end = lk;
            if (causal == 1) {
                end = TornadoMath.min(lk, i + 1);
            }
            for (int j = 0; j < end; j++) {
                int kBase = (b * lk + j) * heads * d + h * d;
                float dot = 0.0f;
                for (int e = 0; e < d; e++) {
                    dot += q.get(qBase + e) * k.get(kBase + e);
                }
                float s = dot * scale;
                float mNew = TornadoMath.max(m, s);
                float correction = TornadoMath.exp(m - mNew);
                float pj = TornadoMath.exp(s - mNew);
                l = l * correction + pj;
                int vBase = (b * lk + j) * heads * dv + h * dv;
                for (int e = 0; e < dv; e++) {
                    out.set(oBase + e, out.get(oBase + e) * correction + pj * v.get(vBase + e));
                }
                m = mNew;
            }
            for (int e = 0; e < dv; e++) {
                out.set(oBase + e, out.get(oBase + e) / l);
            }
        }
    }

    // ---- elementwise (@Parallel loops over the workspace, guarded by the live size) -------------

    /**
     * erfc(z) for z &gt;= 0 with fractional error below 1.2e-7 (the Chebyshev fit of Numerical Recipes, 6.2).
     */
    private static float erfc(float z) {
        float t = 1.0f / (1.0f + 0.5f * z);
        float poly = -z * z - 1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f
                + t * (-0.18628806f + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f
                + t * (-0.82215223f + t * 0.17087277f))))))));
        return t * TornadoMath.exp(poly);
    }

    /** Exact GELU, x (1 + erf(x / sqrt 2)) / 2, through erfc so that negative x keep their relative accuracy. */
    private static float geluErf(float x) {
        float z = x * 0.70710678118654752f;
        float result;
        if (z >= 0.0f) {
            result = 0.5f * x * (2.0f - erfc(z));
        } else {
            result = 0.5f * x * erfc(-z);
        }
        return result;
    }

    /** y = op(x) for the first p[0] elements. p = {n, op}; f = {a, b} (scale factor, clamp bounds). */
    public static void unary(FloatArray x, FloatArray y, IntArray p, FloatArray f) {
        for (@Parallel int i = 0; i < y.getSize(); i++) {
            if (i < p.get(0)) {
                int op = p.get(1);
                float v = x.get(i);
                float r;
                if (op == OP_SILU) {
                    r = v / (1.0f + TornadoMath.exp(-v));
                } else if (op == OP_GELU) {
                    r = geluErf(v);
                } else if (op == OP_GELU_TANH) {
                    r = 0.5f * v * (1.0f + TornadoMath.tanh(0.7978845608028654f * (v + 0.044715f * v * v * v)));
                } else if (op == OP_QUICK_GELU) {
                    r = v / (1.0f + TornadoMath.exp(-1.702f * v));
                } else if (op == OP_SCALE) {
                    r = v * f.get(0);
                } else if (op == OP_EXP) {
                    r = TornadoMath.exp(v);
                } else {
                    r = v;
                    if (v < f.get(0)) {
                        r = f.get(0);
                    }
                    if (v > f.get(1)) {
                        r = f.get(1);
                    }
                }
                y.set(i, r);
            }
        }
    }

    /** [..., 2F] to [..., F]: value * gelu(gate) with value, gate the halves of each row. p = {n, F}. */
    public static void geglu(FloatArray x, FloatArray y, IntArray p) {
        for (@Parallel int i = 0; i < y.getSize(); i++) {
            if (i < p.get(0)) {
                int half = p.get(1);
                int r = i / half;
                int c = i - r * half;
                y.set(i, x.get(r * 2 * half + c) * geluErf(x.get(r * 2 * half + half + c)));
            }
        }
    }

    /**
     * y = a op b with NumPy broadcasting. p = {n, op, shape[RANK], strides of a[RANK], strides of b[RANK]},
     * stride 0 along broadcast dimensions.
     */
    public static void binary(FloatArray a, FloatArray b, FloatArray y, IntArray p) {
        for (@Parallel int i = 0; i < y.getSize(); i++) {
            if (i < p.get(0)) {
                int op = p.get(1);
                int rem = i;
                int ia = 0;
                int ib = 0;
                for (int dim = RANK - 1; dim >= 0; dim--) {
                    int size = p.get(2 + dim);
                    int idx = rem % size;
                    rem = rem / size;
                    ia += idx * p.get(2 + RANK + dim);
                    ib += idx * p.get(2 + 2 * RANK + dim);
                }
                float u = a.get(ia);
                float w = b.get(ib);
                float r;
                if (op == OP_ADD) {
                    r = u + w;
                } else if (op == OP_MUL) {
                    r = u * w;
                } else {
                    r = u - w;
                }
                y.set(i, r);
            }
        }
    }

    /** y[i] = x[base + offset of index i in a view of shape s, strides st] (permute, narrow). p = {n, base, s[RANK], st[RANK]}. */
    public static void gather(FloatArray x, FloatArray y, IntArray p) {
        for (@Parallel int i = 0; i < y.getSize(); i++) {
            if (i < p.get(0)) {
                int rem = i;
                int off = p.get(1);
                for (int dim = RANK - 1; dim >= 0; dim--) {
                    int size = p.get(2 + dim);
                    int idx = rem % size;
                    rem = rem / size;
                    off += idx * p.get(2 + RANK + dim);
                }
                y.set(i, x.get(off));
            }
        }
    }

    /** y[base + offset of index i in a view of shape s, strides st] = x[i] (a part of a concatenation). Same p as gather. */
    public static void scatter(FloatArray x, FloatArray y, IntArray p) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            if (i < p.get(0)) {
                int rem = i;
                int off = p.get(1);
                for (int dim = RANK - 1; dim >= 0; dim--) {
                    int size = p.get(2 + dim);
                    int idx = rem % size;
                    rem = rem / size;
                    off += idx * p.get(2 + RANK + dim);
                }
                y.set(off, x.get(i));
            }
        }
    }

    /**
     * PyTorch's nearest interpolation to a size: source index min(floor(dst * (float) in / out), in - 1).
     * p = {n, H, W, OH, OW}; f = {H / OH, W / OW} as float.
     */
    public static void upsampleNearest(FloatArray x, FloatArray y, IntArray p, FloatArray f) {
        for (@Parallel int i = 0; i < y.getSize(); i++) {
            if (i < p.get(0)) {
                int h = p.get(1);
                int w = p.get(2);
                int oh = p.get(3);
                int ow = p.get(4);
                int ox = i % ow;
                int t = i / ow;
                int oy = t % oh;
                int plane = t / oh;
                int iy = TornadoMath.min((int) TornadoMath.floor(oy * f.get(0)), h - 1);
                int ix = TornadoMath.min((int) TornadoMath.floor(ox * f.get(1)), w - 1);
                y.set(i, x.get((plane * h + iy) * w + ix));
            }
        }
    }

    /** Zero padding of the last two dimensions, the input at (top, left). p = {n, H, W, OH, OW, top, left}. */
    public static void pad2d(FloatArray x, FloatArray y, IntArray p) {
        for (@Parallel int i = 0; i < y.getSize(); i++) {
            if (i < p.get(0)) {
                int h = p.get(1);
                int w = p.get(2);
                int oh = p.get(3);
                int ow = p.get(4);
                int ox = i % ow;
                int t = i / ow;
                int oy = t % oh;
                int plane = t / oh;
                int iy = oy - p.get(5);
                int ix = ox - p.get(6);
                float v = 0.0f;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                    v = x.get((plane * h + iy) * w + ix);
                }
                y.set(i, v);
            }
        }
    }

    /** Rows ids[r] of a [V, D] table. p = {n, D}. */
    public static void embedding(FloatArray table, IntArray ids, FloatArray y, IntArray p) {
        for (@Parallel int i = 0; i < y.getSize(); i++) {
            if (i < p.get(0)) {
                int d = p.get(1);
                int r = i / d;
                y.set(i, table.get(ids.get(r) * d + (i - r * d)));
            }
        }
    }
}

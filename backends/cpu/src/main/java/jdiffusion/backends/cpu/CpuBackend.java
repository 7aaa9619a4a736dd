package jdiffusion.backends.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.Capability;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.BFloat16;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;

/**
 * The pure-Java CPU backend. Host tensors are used in place (no transfers); results are float32
 * tensors on the Java heap. Shape checks happen here; the arithmetic lives in the kernel classes.
 */
public final class CpuBackend implements Backend {

    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.FLOAT16_WEIGHTS,
            Capability.BFLOAT16_WEIGHTS, Capability.MULTI_THREADED, Capability.TILED_ATTENTION));

    private final int threads;
    private final Parallel par;

    /** A backend using {@code threads} worker threads (0: one per available processor). */
    public CpuBackend(int threads) {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = all processors), got " + threads);
        this.threads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        this.par = new Parallel(this.threads);
    }

    /** The number of worker threads. */
    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Tensor fromHost(Tensor host) {
        requireHost(host, "fromHost");
        return host;
    }

    @Override
    public Tensor toHost(Tensor tensor) {
        requireHost(tensor, "toHost");
        return tensor;
    }

    @Override
    public Tensor zeros(int... shape) {
        return Tensor.zeros(shape);
    }

    // ---- linear algebra -------------------------------------------------------------------------

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        requireRank(weight, 2, "linear weight");
        int in = x.dim(-1);
        int out = weight.dim(0);
        if (weight.dim(1) != in) {
            throw shapes("linear: x " + shape(x) + " has " + in + " features but weight " + shape(weight)
                    + " expects " + weight.dim(1));
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != out)) {
            throw shapes("linear: bias " + shape(bias) + " must be [" + out + "]");
        }
        int rows = Math.toIntExact(x.numel() / Math.max(1, in));
        HostData.Floats xv = HostData.floats(x);
        float[] y = new float[Math.multiplyExact(rows, out)];
        Gemm.multiply(par, 1, rows, out, in, Gemm.rows(xv.array(), xv.offset(), in, 0), false,
                Gemm.weightRows(weight.dtype(), weight.segment(), in), true, null, 0, HostData.denseOrNull(bias),
                y, 0, 0, out);
        int[] shape = x.shape();
        shape[shape.length - 1] = out;
        return Tensor.wrap(y, shape);
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeB) {
        if (a.rank() < 2 || b.rank() < 2) throw shapes("matmul needs matrices, got " + shape(a) + " and " + shape(b));
        int m = a.dim(-2), k = a.dim(-1);
        int kb = transposeB ? b.dim(-1) : b.dim(-2);
        int n = transposeB ? b.dim(-2) : b.dim(-1);
        boolean shared = b.rank() == 2;
        if (kb != k || (!shared && !Arrays.equals(batchDims(a), batchDims(b)))) {
            throw shapes("matmul: a " + shape(a) + " and b " + shape(b) + (transposeB ? " (transposed)" : "")
                    + " do not fit: inner sizes " + k + " vs " + kb + ", leading dimensions must be equal or b 2-D");
        }
        int batch = Math.toIntExact(a.numel() / Math.max(1, (long) m * k));
        if ((long) m * k == 0) batch = Math.toIntExact(Tensor.count(batchDims(a)));
        HostData.Floats av = HostData.floats(a);
        HostData.Floats bv = HostData.floats(b);
        float[] c = new float[Math.toIntExact((long) batch * m * n)];
        long bStride = shared ? 0 : (long) k * n;
        Gemm.Panels bp = transposeB
                ? Gemm.rows(bv.array(), bv.offset(), k, bStride)
                : Gemm.columns(bv.array(), bv.offset(), n, bStride);
        Gemm.multiply(par, batch, m, n, k, Gemm.rows(av.array(), av.offset(), k, (long) m * k), false, bp, shared,
                null, 0, null, c, 0, (long) m * n, n);
        int[] shape = a.shape();
        shape[shape.length - 1] = n;
        return Tensor.wrap(c, shape);
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        requireRank(x, 4, "conv2d input");
        requireRank(weight, 4, "conv2d weight");
        int nb = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int o = weight.dim(0), kh = weight.dim(2), kw = weight.dim(3);
        int groups = p.groups();
        if (c % groups != 0 || o % groups != 0 || weight.dim(1) != c / groups) {
            throw shapes("conv2d: input " + shape(x) + " and weight " + shape(weight) + " with " + groups
                    + " group(s) do not fit: weight dimension 1 must be C/groups = " + (c / groups));
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != o)) {
            throw shapes("conv2d: bias " + shape(bias) + " must be [" + o + "]");
        }
        int oh = p.outHeight(h, kh), ow = p.outWidth(w, kw);
        if (oh <= 0 || ow <= 0) {
            throw shapes("conv2d: input " + shape(x) + " is smaller than the kernel " + shape(weight) + " with " + p);
        }
        HostData.Floats xv = HostData.floats(x);
        float[] y = new float[Math.toIntExact((long) nb * o * oh * ow)];
        Conv2d.forward(par, xv.array(), xv.offset(), weight.dtype(), weight.segment(), HostData.denseOrNull(bias),
                new Conv2d.Shape(nb, c, h, w, o, kh, kw, oh, ow, p), y);
        return Tensor.wrap(y, nb, o, oh, ow);
    }

    // ---- normalisation ---------------------------------------------------------------------------

    @Override
    public Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps) {
        if (x.rank() < 2) throw shapes("groupNorm needs [N, C, ...], got " + shape(x));
        int n = x.dim(0), c = x.dim(1);
        if (groups < 1 || c % groups != 0) {
            throw shapes("groupNorm: " + c + " channels of " + shape(x) + " do not split into " + groups + " groups");
        }
        requireVector(gamma, c, "groupNorm gamma");
        requireVector(beta, c, "groupNorm beta");
        int spatial = Math.toIntExact(x.numel() / Math.max(1, (long) n * c));
        int cg = c / groups;
        HostData.Floats xv = HostData.floats(x);
        float[] ga = HostData.denseOrNull(gamma), be = HostData.denseOrNull(beta);
        float[] y = new float[Math.toIntExact(x.numel())];
        par.forEach(n * groups, t -> {
            int start = (t / groups * c + t % groups * cg) * spatial;
            VectorKernels.normalize(xv.array(), xv.offset() + start, cg * spatial, eps, ga, be, t % groups * cg,
                    spatial, y, start);
        });
        return Tensor.wrap(y, x.shape());
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int d = x.dim(-1);
        requireVector(gamma, d, "layerNorm gamma");
        requireVector(beta, d, "layerNorm beta");
        HostData.Floats xv = HostData.floats(x);
        float[] ga = HostData.denseOrNull(gamma), be = HostData.denseOrNull(beta);
        float[] y = new float[Math.toIntExact(x.numel())];
        int rows = y.length / Math.max(1, d);
        par.forRange(rows, Math.max(1, CHUNK / Math.max(1, d)), (from, to) -> {
            for (int r = from; r < to; r++) {
                VectorKernels.normalize(xv.array(), xv.offset() + r * d, d, eps, ga, be, 0, 1, y, r * d);
            }
        });
        return Tensor.wrap(y, x.shape());
    }

    @Override
    public Tensor softmax(Tensor x) {
        int d = x.dim(-1);
        HostData.Floats xv = HostData.floats(x);
        float[] y = new float[Math.toIntExact(x.numel())];
        int rows = y.length / Math.max(1, d);
        par.forRange(rows, Math.max(1, CHUNK / Math.max(1, d)), (from, to) -> {
            for (int r = from; r < to; r++) VectorKernels.softmaxRow(xv.array(), xv.offset() + r * d, d, y, r * d);
        });
        return Tensor.wrap(y, x.shape());
    }

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, int heads, float scale, boolean causal) {
        requireRank(q, 3, "attention q");
        requireRank(k, 3, "attention k");
        requireRank(v, 3, "attention v");
        int b = q.dim(0), lq = q.dim(1), lk = k.dim(1);
        if (heads < 1 || q.dim(2) % heads != 0 || v.dim(2) % heads != 0 || k.dim(2) != q.dim(2)
                || k.dim(0) != b || v.dim(0) != b || v.dim(1) != lk) {
            throw shapes("attention: q " + shape(q) + ", k " + shape(k) + ", v " + shape(v) + " with " + heads
                    + " heads do not fit (expected q [B, Lq, H*D], k [B, Lk, H*D], v [B, Lk, H*Dv])");
        }
        int d = q.dim(2) / heads, dv = v.dim(2) / heads;
        HostData.Floats qv = HostData.floats(q), kv = HostData.floats(k), vv = HostData.floats(v);
        float[] out = new float[Math.toIntExact((long) b * lq * heads * dv)];
        if (lk > 0 && lq > 0 && dv > 0) {
            Attention.forward(par, qv.array(), qv.offset(), kv.array(), kv.offset(), vv.array(), vv.offset(),
                    new Attention.Shape(b, lq, lk, heads, d, dv, scale, causal), out);
        }
        return Tensor.wrap(out, b, lq, heads * dv);
    }

    // ---- activations -----------------------------------------------------------------------------

    /** Elements per parallel chunk of a memory-bound operation. */
    private static final int CHUNK = 1 << 15;

    private Tensor map(Tensor x, VectorKernels.Activation f, float p0, float p1) {
        HostData.Floats xv = HostData.floats(x);
        float[] y = new float[Math.toIntExact(x.numel())];
        par.forRange(y.length, CHUNK, (from, to) ->
                VectorKernels.activation(f, xv.array(), xv.offset() + from, y, from, to - from, p0, p1));
        return Tensor.wrap(y, x.shape());
    }

    @Override
    public Tensor silu(Tensor x) {
        return map(x, VectorKernels.Activation.SILU, 0, 0);
    }

    @Override
    public Tensor gelu(Tensor x, boolean tanhApproximation) {
        return map(x, tanhApproximation ? VectorKernels.Activation.GELU_TANH : VectorKernels.Activation.GELU, 0, 0);
    }

    @Override
    public Tensor quickGelu(Tensor x) {
        return map(x, VectorKernels.Activation.QUICK_GELU, 0, 0);
    }

    @Override
    public Tensor geglu(Tensor x) {
        int d2 = x.dim(-1);
        if (d2 % 2 != 0) throw shapes("geglu: the last dimension of " + shape(x) + " must be even");
        int d = d2 / 2;
        HostData.Floats xv = HostData.floats(x);
        float[] y = new float[Math.toIntExact(x.numel() / 2)];
        int rows = d == 0 ? 0 : y.length / d;
        par.forRange(rows, Math.max(1, CHUNK / Math.max(1, d)), (from, to) ->
                VectorKernels.geglu(xv.array(), xv.offset() + from * d2, y, from * d, to - from, d));
        int[] shape = x.shape();
        shape[shape.length - 1] = d;
        return Tensor.wrap(y, shape);
    }

    // ---- shape -----------------------------------------------------------------------------------

    @Override
    public Tensor upsampleNearest(Tensor x, int outH, int outW) {
        requireRank(x, 4, "upsampleNearest input");
        if (outH < 1 || outW < 1) throw shapes("upsampleNearest: output size " + outH + "x" + outW + " must be positive");
        int planes = x.dim(0) * x.dim(1), h = x.dim(2), w = x.dim(3);
        int[] srcY = nearestIndex(h, outH), srcX = nearestIndex(w, outW);
        HostData.Floats xv = HostData.floats(x);
        float[] a = xv.array();
        float[] y = new float[Math.toIntExact((long) planes * outH * outW)];
        par.forRange(planes, Math.max(1, CHUNK / Math.max(1, outH * outW)), (from, to) -> {
            for (int p = from; p < to; p++) {
                for (int oy = 0; oy < outH; oy++) {
                    int dst = (p * outH + oy) * outW;
                    if (oy > 0 && srcY[oy] == srcY[oy - 1]) {
                        // Same source row as the previous output row (every other row at 2x): copy it.
                        System.arraycopy(y, dst - outW, y, dst, outW);
                        continue;
                    }
                    int src = xv.offset() + (p * h + srcY[oy]) * w;
                    for (int ox = 0; ox < outW; ox++) y[dst + ox] = a[src + srcX[ox]];
                }
            }
        });
        return Tensor.wrap(y, x.dim(0), x.dim(1), outH, outW);
    }

    /** PyTorch's nearest source index: min(floor(dst * (float) in / out), in - 1). */
    static int[] nearestIndex(int in, int out) {
        float scale = (float) in / out;
        int[] idx = new int[out];
        for (int i = 0; i < out; i++) idx[i] = Math.min((int) Math.floor(i * scale), in - 1);
        return idx;
    }

    @Override
    public Tensor concat(int dim, Tensor... parts) {
        if (parts.length == 0) throw shapes("concat needs at least one tensor");
        int rank = parts[0].rank();
        int d = axis(dim, rank, "concat");
        int[] shape = parts[0].shape();
        int total = 0;
        for (Tensor p : parts) {
            int[] s = p.shape();
            boolean ok = s.length == rank;
            for (int i = 0; ok && i < rank; i++) ok = i == d || s[i] == shape[i];
            if (!ok) {
                throw shapes("concat along " + d + ": " + shape(p) + " does not match " + shape(parts[0]) + " outside that dimension");
            }
            total += s[d];
        }
        shape[d] = total;
        int outer = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        int inner = 1;
        for (int i = d + 1; i < rank; i++) inner *= shape[i];
        float[] y = new float[Math.toIntExact(Tensor.count(shape))];
        int rowOut = total * inner;
        int at = 0;
        for (Tensor p : parts) {
            HostData.Floats pv = HostData.floats(p);
            int row = p.dim(d) * inner;
            for (int o = 0; o < outer; o++) System.arraycopy(pv.array(), pv.offset() + o * row, y, o * rowOut + at, row);
            at += row;
        }
        return Tensor.wrap(y, shape);
    }

    @Override
    public Tensor narrow(Tensor x, int dim, int start, int length) {
        int d = axis(dim, x.rank(), "narrow");
        if (start < 0 || length < 0 || start + length > x.dim(d)) {
            throw shapes("narrow: [" + start + ", " + (start + length) + ") is outside dimension " + d + " of " + shape(x));
        }
        int[] shape = x.shape();
        int outer = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        int inner = 1;
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        int rowIn = shape[d] * inner;
        shape[d] = length;
        HostData.Floats xv = HostData.floats(x);
        float[] y = new float[Math.toIntExact(Tensor.count(shape))];
        int row = length * inner;
        for (int o = 0; o < outer; o++) System.arraycopy(xv.array(), xv.offset() + o * rowIn + start * inner, y, o * row, row);
        return Tensor.wrap(y, shape);
    }

    @Override
    public Tensor pad2d(Tensor x, int left, int right, int top, int bottom) {
        if (x.rank() < 2) throw shapes("pad2d needs [..., H, W], got " + shape(x));
        if (left < 0 || right < 0 || top < 0 || bottom < 0) {
            throw shapes("pad2d: padding (" + left + ", " + right + ", " + top + ", " + bottom + ") must be >= 0");
        }
        int h = x.dim(-2), w = x.dim(-1);
        int oh = h + top + bottom, ow = w + left + right;
        int planes = Math.toIntExact(x.numel() / Math.max(1, (long) h * w));
        HostData.Floats xv = HostData.floats(x);
        float[] y = new float[Math.toIntExact((long) planes * oh * ow)];
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < h; i++) {
                System.arraycopy(xv.array(), xv.offset() + (p * h + i) * w, y, (p * oh + i + top) * ow + left, w);
            }
        }
        int[] shape = x.shape();
        shape[shape.length - 2] = oh;
        shape[shape.length - 1] = ow;
        return Tensor.wrap(y, shape);
    }

    @Override
    public Tensor embedding(Tensor weight, int[] ids) {
        requireRank(weight, 2, "embedding weight");
        int vocab = weight.dim(0), d = weight.dim(1);
        float[] y = new float[Math.multiplyExact(ids.length, d)];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("embedding: id " + ids[i] + " at position " + i
                        + " is outside the table's " + vocab + " rows");
            }
            Conversions.toFloat(weight.dtype(), weight.segment(), (long) ids[i] * d, y, i * d, d);
        }
        return Tensor.wrap(y, ids.length, d);
    }

    @Override
    public Tensor permute(Tensor x, int... order) {
        int rank = x.rank();
        if (order.length != rank) throw shapes("permute: order " + Arrays.toString(order) + " does not fit " + shape(x));
        boolean[] seen = new boolean[rank];
        for (int o : order) {
            if (o < 0 || o >= rank || seen[o]) {
                throw shapes("permute: order " + Arrays.toString(order) + " is not a permutation of 0.." + (rank - 1));
            }
            seen[o] = true;
        }
        int[] in = x.shape();
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++) shape[i] = in[order[i]];
        HostData.Floats xv = HostData.floats(x);
        float[] y = new float[Math.toIntExact(x.numel())];
        Permute.permute(par, xv.array(), xv.offset(), in, order, y);
        return Tensor.wrap(y, shape);
    }

    // ---- elementwise -----------------------------------------------------------------------------

    private Tensor binary(Tensor a, Tensor b, VectorKernels.Binary op) {
        Broadcast plan = new Broadcast(a.shape(), b.shape());
        HostData.Floats av = HostData.floats(a), bv = HostData.floats(b);
        float[] y = new float[Math.toIntExact(Tensor.count(plan.outShape))];
        int inner = plan.inner();
        int sa = plan.strideA[plan.sizes.length - 1], sb = plan.strideB[plan.sizes.length - 1];
        int outer = plan.outerCount();
        if (outer == 1) {
            par.forRange(inner, CHUNK, (from, to) -> VectorKernels.binaryRun(op, av.array(), av.offset() + from * sa, sa,
                    bv.array(), bv.offset() + from * sb, sb, y, from, to - from));
        } else {
            par.forRange(outer, Math.max(1, CHUNK / Math.max(1, inner)), (from, to) -> {
                for (int run = from; run < to; run++) {
                    VectorKernels.binaryRun(op, av.array(), av.offset() + plan.offset(run, 0), sa,
                            bv.array(), bv.offset() + plan.offset(run, 1), sb, y, run * inner, inner);
                }
            });
        }
        return Tensor.wrap(y, plan.outShape);
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return binary(a, b, VectorKernels.Binary.ADD);
    }

    @Override
    public Tensor sub(Tensor a, Tensor b) {
        return binary(a, b, VectorKernels.Binary.SUB);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return binary(a, b, VectorKernels.Binary.MUL);
    }

    @Override
    public Tensor scale(Tensor a, float s) {
        return map(a, VectorKernels.Activation.SCALE, s, 0);
    }

    @Override
    public Tensor exp(Tensor x) {
        return map(x, VectorKernels.Activation.EXP, 0, 0);
    }

    @Override
    public Tensor clamp(Tensor x, float min, float max) {
        if (!(min <= max)) throw new IllegalArgumentException("clamp: min " + min + " must not exceed max " + max);
        return map(x, VectorKernels.Activation.CLAMP, min, max);
    }

    @Override
    public Tensor timestepEmbedding(float[] timesteps, int dim, boolean flipSinToCos, float downscaleFreqShift,
                                    float scale, int maxPeriod) {
        if (dim < 1) throw new IllegalArgumentException("timestepEmbedding: dim must be >= 1, got " + dim);
        int half = dim / 2;
        // diffusers' get_timestep_embedding, in its float32 order of operations.
        float c = (float) -Math.log(maxPeriod);
        float[] freq = new float[half];
        for (int k = 0; k < half; k++) freq[k] = (float) Math.exp(c * k / (half - downscaleFreqShift));
        float[] y = new float[timesteps.length * dim];
        for (int n = 0; n < timesteps.length; n++) {
            for (int k = 0; k < half; k++) {
                float arg = timesteps[n] * freq[k] * scale;
                float s = (float) Math.sin(arg), co = (float) Math.cos(arg);
                y[n * dim + k] = flipSinToCos ? co : s;
                y[n * dim + half + k] = flipSinToCos ? s : co;
            }
        }
        return Tensor.wrap(y, timesteps.length, dim);
    }

    @Override
    public Tensor convert(Tensor x, DType dtype) {
        if (!x.dtype().isFloatingPoint() || x.dtype() == DType.FLOAT64) {
            throw new IllegalArgumentException("convert reads float32, float16 or bfloat16, not " + x.dtype());
        }
        int n = Math.toIntExact(x.numel());
        return switch (dtype) {
            case FLOAT32 -> {
                float[] y = new float[n];
                Conversions.toFloat(x.dtype(), x.segment(), 0, y, 0, n);
                yield Tensor.wrap(y, x.shape());
            }
            case FLOAT16, BFLOAT16 -> {
                HostData.Floats xv = HostData.floats(x);
                short[] s = new short[n];
                for (int i = 0; i < n; i++) {
                    float v = xv.array()[xv.offset() + i];
                    s[i] = dtype == DType.FLOAT16 ? Float.floatToFloat16(v) : BFloat16.fromFloat(v);
                }
                yield Tensor.of(dtype, x.shape(), MemorySegment.ofArray(s));
            }
            default -> throw new IllegalArgumentException("convert writes float32, float16 or bfloat16, not " + dtype);
        };
    }

    @Override
    public void close() {
        par.close();
    }

    // ---- checks ----------------------------------------------------------------------------------

    private static void requireHost(Tensor t, String op) {
        if (!t.isHost()) throw new IllegalArgumentException(op + ": tensor " + t + " belongs to another backend");
    }

    private static void requireRank(Tensor t, int rank, String what) {
        if (t.rank() != rank) throw shapes(what + " must have " + rank + " dimensions, got " + shape(t));
    }

    private static void requireVector(Tensor t, int n, String what) {
        if (t != null && (t.rank() != 1 || t.dim(0) != n)) throw shapes(what + " must be [" + n + "], got " + shape(t));
    }

    private static int axis(int dim, int rank, String op) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) throw shapes(op + ": dimension " + dim + " is outside rank " + rank);
        return d;
    }

    private static int[] batchDims(Tensor t) {
        return Arrays.copyOf(t.shape(), t.rank() - 2);
    }

    private static String shape(Tensor t) {
        return Arrays.toString(t.shape());
    }

    private static IllegalArgumentException shapes(String message) {
        return new IllegalArgumentException(message);
    }
}

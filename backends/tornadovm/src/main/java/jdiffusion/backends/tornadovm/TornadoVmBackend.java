package jdiffusion.backends.tornadovm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import jdiffusion.backends.tornadovm.KernelPlan.Slot;
import jdiffusion.backends.tornadovm.kernels.TensorKernels;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.Capability;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.BFloat16;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The {@link Backend} operations as TornadoVM task graphs (the kernels in {@link TensorKernels}) on one
 * TornadoVM device. Tensors are float32 host tensors: each operation copies its operands into the task
 * graph's workspaces, which TornadoVM moves to the device and back (its task graphs own their data), so
 * nothing stays on the device between operations. float16 / bfloat16 operands are widened while being copied.
 * Operations are serialised: a kernel's workspaces are shared by its calls.
 */
final class TornadoVmBackend implements Backend {

    private static final int RANK = TensorKernels.RANK;
    private static final int TILE = TensorKernels.TILE;

    private final String name;
    private final TornadoDevice device;
    private final Map<String, KernelPlan> plans = new HashMap<>();
    private boolean closed;

    TornadoVmBackend(String name, TornadoDevice device) {
        this.name = name;
        this.device = device;
        plans.put("gemm", new KernelPlan("gemm", device, 3,
                (g, t, ctx, a) -> g.task(t, TensorKernels::gemm, ctx, (FloatArray) a[0], (FloatArray) a[1],
                        (FloatArray) a[2], (FloatArray) a[3], (IntArray) a[4]),
                Slot.FLOAT_IN, Slot.FLOAT_IN, Slot.FLOAT_IN, Slot.FLOAT_OUT, Slot.INT_IN));
        plans.put("conv2d", new KernelPlan("conv2d", device, 3,
                (g, t, ctx, a) -> g.task(t, TensorKernels::conv2d, ctx, (FloatArray) a[0], (FloatArray) a[1],
                        (FloatArray) a[2], (FloatArray) a[3], (IntArray) a[4]),
                Slot.FLOAT_IN, Slot.FLOAT_IN, Slot.FLOAT_IN, Slot.FLOAT_OUT, Slot.INT_IN));
        plans.put("normRows", new KernelPlan("normRows", device, 1,
                (g, t, ctx, a) -> g.task(t, TensorKernels::normRows, ctx, (FloatArray) a[0], (FloatArray) a[1],
                        (FloatArray) a[2], (FloatArray) a[3], (IntArray) a[4], (FloatArray) a[5]),
                Slot.FLOAT_IN, Slot.FLOAT_IN, Slot.FLOAT_IN, Slot.FLOAT_OUT, Slot.INT_IN, Slot.FLOAT_IN));
        plans.put("softmaxRows", new KernelPlan("softmaxRows", device, 1,
                (g, t, ctx, a) -> g.task(t, TensorKernels::softmaxRows, ctx, (FloatArray) a[0], (FloatArray) a[1], (IntArray) a[2]),
                Slot.FLOAT_IN, Slot.FLOAT_OUT, Slot.INT_IN));
        plans.put("attention", new KernelPlan("attention", device, 1,
                (g, t, ctx, a) -> g.task(t, TensorKernels::attention, ctx, (FloatArray) a[0], (FloatArray) a[1],
                        (FloatArray) a[2], (FloatArray) a[3], (IntArray) a[4], (FloatArray) a[5]),
                Slot.FLOAT_IN, Slot.FLOAT_IN, Slot.FLOAT_IN, Slot.FLOAT_OUT, Slot.INT_IN, Slot.FLOAT_IN));
        plans.put("unary", new KernelPlan("unary", device, 0,
                (g, t, ctx, a) -> g.task(t, TensorKernels::unary, (FloatArray) a[0], (FloatArray) a[1], (IntArray) a[2], (FloatArray) a[3]),
                Slot.FLOAT_IN, Slot.FLOAT_OUT, Slot.INT_IN, Slot.FLOAT_IN));
        plans.put("geglu", new KernelPlan("geglu", device, 0,
                (g, t, ctx, a) -> g.task(t, TensorKernels::geglu, (FloatArray) a[0], (FloatArray) a[1], (IntArray) a[2]),
                Slot.FLOAT_IN, Slot.FLOAT_OUT, Slot.INT_IN));
        plans.put("binary", new KernelPlan("binary", device, 0,
                (g, t, ctx, a) -> g.task(t, TensorKernels::binary, (FloatArray) a[0], (FloatArray) a[1], (FloatArray) a[2], (IntArray) a[3]),
                Slot.FLOAT_IN, Slot.FLOAT_IN, Slot.FLOAT_OUT, Slot.INT_IN));
        plans.put("gather", new KernelPlan("gather", device, 0,
                (g, t, ctx, a) -> g.task(t, TensorKernels::gather, (FloatArray) a[0], (FloatArray) a[1], (IntArray) a[2]),
                Slot.FLOAT_IN, Slot.FLOAT_OUT, Slot.INT_IN));
        plans.put("scatter", new KernelPlan("scatter", device, 0,
                (g, t, ctx, a) -> g.task(t, TensorKernels::scatter, (FloatArray) a[0], (FloatArray) a[1], (IntArray) a[2]),
                Slot.FLOAT_IN, Slot.FLOAT_IN_OUT, Slot.INT_IN));
        plans.put("upsampleNearest", new KernelPlan("upsampleNearest", device, 0,
                (g, t, ctx, a) -> g.task(t, TensorKernels::upsampleNearest, (FloatArray) a[0], (FloatArray) a[1], (IntArray) a[2], (FloatArray) a[3]),
                Slot.FLOAT_IN, Slot.FLOAT_OUT, Slot.INT_IN, Slot.FLOAT_IN));
        plans.put("pad2d", new KernelPlan("pad2d", device, 0,
                (g, t, ctx, a) -> g.task(t, TensorKernels::pad2d, (FloatArray) a[0], (FloatArray) a[1], (IntArray) a[2]),
                Slot.FLOAT_IN, Slot.FLOAT_OUT, Slot.INT_IN));
        plans.put("embedding", new KernelPlan("embedding", device, 0,
                (g, t, ctx, a) -> g.task(t, TensorKernels::embedding, (FloatArray) a[0], (IntArray) a[1], (FloatArray) a[2], (IntArray) a[3]),
                Slot.FLOAT_IN, Slot.INT_IN, Slot.FLOAT_OUT, Slot.INT_IN));
    }

    /** The TornadoVM device, in one line. */
    String deviceDescription() {
        return device.getDeviceName() + " (" + device.getPlatformName() + ")";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.TILED_ATTENTION);
    }

    // ---- host crossing: tensors are host tensors -------------------------------------------------

    @Override
    public Tensor fromHost(Tensor host) {
        host(host, "fromHost");
        return host;
    }

    @Override
    public Tensor toHost(Tensor tensor) {
        host(tensor, "toHost");
        return tensor;
    }

    @Override
    public Tensor zeros(int... shape) {
        return Tensor.zeros(shape);
    }

    private static Tensor host(Tensor t, String op) {
        if (t != null && !t.isHost()) {
            throw new IllegalArgumentException(op + ": tensor " + t + " lives on another backend's device; bring it to the host with that backend's toHost");
        }
        return t;
    }

    private KernelPlan plan(String kernel) {
        if (closed) throw new IllegalStateException("the TornadoVM backend " + name + " is closed");
        return plans.get(kernel);
    }

    /** Copies a host tensor's elements, widened to float32, into a workspace. */
    private static void copyIn(String op, Tensor t, FloatArray dst) {
        host(t, op);
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": " + t + " is " + t.dtype() + "; expected float32, float16 or bfloat16");
        }
        int n = Math.toIntExact(t.numel());
        if (t.dtype() == DType.FLOAT32) {
            MemorySegment.copy(t.segment(), 0, dst.getSegment(), 0, (long) n * 4);
        } else {
            for (int i = 0; i < n; i++) dst.set(i, t.getFloat(i));
        }
    }

    private static Tensor copyOut(FloatArray src, int[] shape) {
        float[] out = new float[Math.toIntExact(Tensor.count(shape))];
        MemorySegment.copy(src.getSegment(), ValueLayout.JAVA_FLOAT, 0, out, 0, out.length);
        return Tensor.wrap(out, shape);
    }

    private static int size(Tensor t) {
        return t == null ? 1 : Math.toIntExact(t.numel());
    }

    private static void params(IntArray p, int... values) {
        for (int i = 0; i < values.length; i++) p.set(i, values[i]);
    }

    private static long roundUp(long n, long m) {
        return Math.max(m, (n + m - 1) / m * m);
    }

    // ---- linear algebra -------------------------------------------------------------------------

    @Override
    public synchronized Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (x.rank() < 1 || weight.rank() != 2 || weight.dim(1) != x.dim(-1)) {
            throw new IllegalArgumentException("linear: x " + Arrays.toString(x.shape()) + " has " + (x.rank() < 1 ? 0 : x.dim(-1))
                    + " input features but weight " + Arrays.toString(weight.shape()) + " expects [out, in]");
        }
        int out = weight.dim(0), in = weight.dim(1);
        if (bias != null && bias.numel() != out) {
            throw new IllegalArgumentException("linear: bias " + Arrays.toString(bias.shape()) + " should have " + out + " elements");
        }
        int rows = in == 0 ? 0 : Math.toIntExact(x.numel() / in);
        int[] shape = x.shape();
        shape[shape.length - 1] = out;
        return gemm("linear", x, 0, weight, 0, true, bias, rows, out, in, 1, shape);
    }

    @Override
    public synchronized Tensor matmul(Tensor a, Tensor b, boolean transposeB) {
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("matmul: a " + Arrays.toString(a.shape()) + " and b " + Arrays.toString(b.shape())
                    + " must both have at least 2 dimensions");
        }
        int m = a.dim(-2), k = a.dim(-1);
        int kb = transposeB ? b.dim(-1) : b.dim(-2);
        int n = transposeB ? b.dim(-2) : b.dim(-1);
        int[] lead = Arrays.copyOf(a.shape(), a.rank() - 2);
        boolean shared = b.rank() == 2;
        if (k != kb || !(shared || Arrays.equals(lead, Arrays.copyOf(b.shape(), b.rank() - 2)))) {
            throw new IllegalArgumentException("matmul: a " + Arrays.toString(a.shape()) + " and b " + Arrays.toString(b.shape())
                    + (transposeB ? " (transposed)" : "") + " do not fit: inner sizes " + k + " and " + kb
                    + ", leading dimensions must be equal or b must be 2-D");
        }
        int[] shape = a.shape();
        shape[shape.length - 1] = n;
        int batch = Math.toIntExact(Tensor.count(lead));
        return gemm("matmul", a, m * k, b, shared ? 0 : k * n, transposeB, null, m, n, k, batch, shape);
    }

    private Tensor gemm(String op, Tensor a, int aStride, Tensor b, int bStride, boolean transB, Tensor bias,
                        int m, int n, int k, int batch, int[] shape) {
        KernelPlan kp = plan("gemm");
        kp.ensure(size(a), size(b), size(bias), Math.max(1, m * n * batch), 8);
        copyIn(op, a, kp.floats(0));
        copyIn(op, b, kp.floats(1));
        if (bias != null) copyIn(op, bias, kp.floats(2));
        params(kp.ints(4), m, n, k, aStride, bStride, transB ? 1 : 0, bias != null ? 1 : 0);
        if ((long) m * n * batch > 0) {
            kp.execute(new long[]{roundUp(n, TILE), roundUp(m, TILE), batch}, new long[]{TILE, TILE, 1});
        }
        return copyOut(kp.floats(3), shape);
    }

    @Override
    public synchronized Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        if (x.rank() != 4 || weight.rank() != 4) {
            throw new IllegalArgumentException("conv2d: x " + Arrays.toString(x.shape()) + " must be [N, C, H, W] and weight "
                    + Arrays.toString(weight.shape()) + " [O, C/groups, kh, kw]");
        }
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int o = weight.dim(0), kh = weight.dim(2), kw = weight.dim(3), g = p.groups();
        if (c % g != 0 || o % g != 0 || weight.dim(1) != c / g) {
            throw new IllegalArgumentException("conv2d: x " + Arrays.toString(x.shape()) + " with " + g
                    + " group(s) needs weight [O, C/groups, kh, kw] with O divisible by the groups, got " + Arrays.toString(weight.shape()));
        }
        if (bias != null && bias.numel() != o) {
            throw new IllegalArgumentException("conv2d: bias " + Arrays.toString(bias.shape()) + " should have " + o + " elements");
        }
        int oh = p.outHeight(h, kh), ow = p.outWidth(w, kw);
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("conv2d: input " + h + "x" + w + " is smaller than the " + kh + "x" + kw + " kernel with " + p);
        }
        KernelPlan kp = plan("conv2d");
        kp.ensure(size(x), size(weight), size(bias), n * o * oh * ow, 16);
        copyIn("conv2d", x, kp.floats(0));
        copyIn("conv2d", weight, kp.floats(1));
        if (bias != null) copyIn("conv2d", bias, kp.floats(2));
        params(kp.ints(4), c, h, w, o, kh, kw, oh, ow, p.strideH(), p.strideW(), p.padH(), p.padW(),
                p.dilationH(), p.dilationW(), g, bias != null ? 1 : 0);
        kp.execute(new long[]{roundUp((long) oh * ow, TILE), roundUp(o / g, TILE), (long) n * g}, new long[]{TILE, TILE, 1});
        return copyOut(kp.floats(3), new int[]{n, o, oh, ow});
    }

    // ---- normalisation --------------------------------------------------------------------------

    @Override
    public synchronized Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps) {
        if (x.rank() < 2 || groups < 1 || x.dim(1) % groups != 0) {
            throw new IllegalArgumentException("groupNorm: x " + Arrays.toString(x.shape()) + " must be [N, C, ...] with C divisible by " + groups + " groups");
        }
        int n = x.dim(0), c = x.dim(1);
        int spatial = n * c == 0 ? 0 : Math.toIntExact(x.numel() / ((long) n * c));
        checkAffine("groupNorm", gamma, beta, c);
        return normRows("groupNorm", x, n * groups, (c / groups) * spatial, spatial, groups, c / groups, gamma, beta, eps);
    }

    @Override
    public synchronized Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        if (x.rank() < 1) throw new IllegalArgumentException("layerNorm: x must have at least one dimension");
        int d = x.dim(-1);
        checkAffine("layerNorm", gamma, beta, d);
        return normRows("layerNorm", x, d == 0 ? 0 : Math.toIntExact(x.numel() / d), d, 1, 1, d, gamma, beta, eps);
    }

    private static void checkAffine(String op, Tensor gamma, Tensor beta, int size) {
        for (Tensor t : new Tensor[]{gamma, beta}) {
            if (t != null && t.numel() != size) {
                throw new IllegalArgumentException(op + ": gamma/beta " + Arrays.toString(t.shape()) + " should have " + size + " elements");
            }
        }
    }

    private Tensor normRows(String op, Tensor x, int rows, int length, int s, int groups, int cg, Tensor gamma, Tensor beta, float eps) {
        KernelPlan kp = plan("normRows");
        kp.ensure(size(x), size(gamma), size(beta), size(x), 8, 1);
        copyIn(op, x, kp.floats(0));
        if (gamma != null) copyIn(op, gamma, kp.floats(1));
        if (beta != null) copyIn(op, beta, kp.floats(2));
        params(kp.ints(4), length, Math.max(1, s), groups, cg, gamma != null ? 1 : 0, beta != null ? 1 : 0);
        kp.floats(5).set(0, eps);
        if (rows > 0) kp.execute(new long[]{(long) rows * TensorKernels.ROW_GROUP}, new long[]{TensorKernels.ROW_GROUP});
        return copyOut(kp.floats(3), x.shape());
    }

    @Override
    public synchronized Tensor softmax(Tensor x) {
        if (x.rank() < 1) throw new IllegalArgumentException("softmax: x must have at least one dimension");
        int d = x.dim(-1);
        int rows = d == 0 ? 0 : Math.toIntExact(x.numel() / d);
        KernelPlan kp = plan("softmaxRows");
        kp.ensure(size(x), size(x), 1);
        copyIn("softmax", x, kp.floats(0));
        params(kp.ints(2), d);
        if (rows > 0) kp.execute(new long[]{(long) rows * TensorKernels.ROW_GROUP}, new long[]{TensorKernels.ROW_GROUP});
        return copyOut(kp.floats(1), x.shape());
    }

    @Override
    public synchronized Tensor attention(Tensor q, Tensor k, Tensor v, int heads, float scale, boolean causal) {
        if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3 || heads < 1
                || q.dim(0) != k.dim(0) || k.dim(0) != v.dim(0) || k.dim(1) != v.dim(1)
                || q.dim(2) != k.dim(2) || q.dim(2) % heads != 0 || v.dim(2) % heads != 0) {
            throw new IllegalArgumentException("attention: q " + Arrays.toString(q.shape()) + ", k " + Arrays.toString(k.shape())
                    + ", v " + Arrays.toString(v.shape()) + " with " + heads + " heads do not fit q [B, Lq, H*D], k [B, Lk, H*D], v [B, Lk, H*Dv]");
        }
        int b = q.dim(0), lq = q.dim(1), lk = k.dim(1), d = q.dim(2) / heads, dv = v.dim(2) / heads;
        int[] shape = {b, lq, heads * dv};
        if (lk == 0 || Tensor.count(shape) == 0) return Tensor.zeros(shape);
        KernelPlan kp = plan("attention");
        kp.ensure(size(q), size(k), size(v), Math.toIntExact(Tensor.count(shape)), 8, 1);
        copyIn("attention", q, kp.floats(0));
        copyIn("attention", k, kp.floats(1));
        copyIn("attention", v, kp.floats(2));
        params(kp.ints(4), b, lq, lk, heads, d, dv, causal ? 1 : 0);
        kp.floats(5).set(0, scale);
        kp.execute(new long[]{(long) b * heads * lq}, null);
        return copyOut(kp.floats(3), shape);
    }

    // ---- elementwise ----------------------------------------------------------------------------

    private Tensor unary(String op, Tensor x, int code, float a, float b) {
        KernelPlan kp = plan("unary");
        kp.ensure(size(x), size(x), 2, 2);
        copyIn(op, x, kp.floats(0));
        params(kp.ints(2), size(x), code);
        kp.floats(3).set(0, a);
        kp.floats(3).set(1, b);
        kp.execute(null, null);
        return copyOut(kp.floats(1), x.shape());
    }

    @Override
    public synchronized Tensor silu(Tensor x) {
        return unary("silu", x, TensorKernels.OP_SILU, 0, 0);
    }

    @Override
    public synchronized Tensor gelu(Tensor x, boolean tanhApproximation) {
        return unary("gelu", x, tanhApproximation ? TensorKernels.OP_GELU_TANH : TensorKernels.OP_GELU, 0, 0);
    }

    @Override
    public synchronized Tensor quickGelu(Tensor x) {
        return unary("quickGelu", x, TensorKernels.OP_QUICK_GELU, 0, 0);
    }

    @Override
    public synchronized Tensor scale(Tensor a, float s) {
        return unary("scale", a, TensorKernels.OP_SCALE, s, 0);
    }

    @Override
    public synchronized Tensor exp(Tensor x) {
        return unary("exp", x, TensorKernels.OP_EXP, 0, 0);
    }

    @Override
    public synchronized Tensor clamp(Tensor x, float min, float max) {
        return unary("clamp", x, TensorKernels.OP_CLAMP, min, max);
    }

    @Override
    public synchronized Tensor geglu(Tensor x) {
        if (x.rank() < 1 || x.dim(-1) % 2 != 0) {
            throw new IllegalArgumentException("geglu: the last dimension of " + Arrays.toString(x.shape()) + " must be even");
        }
        int[] shape = x.shape();
        shape[shape.length - 1] /= 2;
        int n = Math.toIntExact(Tensor.count(shape));
        KernelPlan kp = plan("geglu");
        kp.ensure(size(x), Math.max(1, n), 2);
        copyIn("geglu", x, kp.floats(0));
        params(kp.ints(2), n, Math.max(1, shape[shape.length - 1]));
        kp.execute(null, null);
        return copyOut(kp.floats(1), shape);
    }

    @Override
    public synchronized Tensor add(Tensor a, Tensor b) {
        return binary("add", a, b, TensorKernels.OP_ADD);
    }

    @Override
    public synchronized Tensor mul(Tensor a, Tensor b) {
        return binary("mul", a, b, TensorKernels.OP_MUL);
    }

    @Override
    public synchronized Tensor sub(Tensor a, Tensor b) {
        return binary("sub", a, b, TensorKernels.OP_SUB);
    }

    private Tensor binary(String op, Tensor a, Tensor b, int code) {
        int[] shape = broadcastShape(op, a.shape(), b.shape());
        int n = Math.toIntExact(Tensor.count(shape));
        KernelPlan kp = plan("binary");
        kp.ensure(size(a), size(b), Math.max(1, n), 2 + 3 * RANK);
        copyIn(op, a, kp.floats(0));
        copyIn(op, b, kp.floats(1));
        IntArray p = kp.ints(3);
        params(p, n, code);
        int[] s = padded(shape, 1), sa = broadcastStrides(a.shape(), shape.length), sb = broadcastStrides(b.shape(), shape.length);
        for (int i = 0; i < RANK; i++) {
            p.set(2 + i, s[i]);
            p.set(2 + RANK + i, sa[i]);
            p.set(2 + 2 * RANK + i, sb[i]);
        }
        kp.execute(null, null);
        return copyOut(kp.floats(2), shape);
    }

    private static int[] broadcastShape(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        if (rank > RANK) throw new IllegalArgumentException(op + ": more than " + RANK + " dimensions");
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast (dimension " + i + " is " + da + " vs " + db + "; sizes must match or be 1)");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    private static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    private static int[] broadcastStrides(int[] shape, int rank) {
        int[] s = strides(shape);
        int[] full = new int[rank];
        for (int i = 0; i < shape.length; i++) full[rank - shape.length + i] = shape[i] == 1 ? 0 : s[i];
        return padded(full, 0);
    }

    private static int[] padded(int[] v, int fill) {
        int[] out = new int[RANK];
        Arrays.fill(out, fill);
        System.arraycopy(v, 0, out, RANK - v.length, v.length);
        return out;
    }

    // ---- shape ----------------------------------------------------------------------------------

    @Override
    public synchronized Tensor upsampleNearest(Tensor x, int outH, int outW) {
        if (x.rank() != 4 || outH < 1 || outW < 1) {
            throw new IllegalArgumentException("upsampleNearest: x " + Arrays.toString(x.shape()) + " must be [N, C, H, W] and the size positive");
        }
        int[] shape = {x.dim(0), x.dim(1), outH, outW};
        int n = Math.toIntExact(Tensor.count(shape));
        KernelPlan kp = plan("upsampleNearest");
        kp.ensure(size(x), Math.max(1, n), 5, 2);
        copyIn("upsampleNearest", x, kp.floats(0));
        params(kp.ints(2), n, x.dim(2), x.dim(3), outH, outW);
        kp.floats(3).set(0, (float) x.dim(2) / outH);
        kp.floats(3).set(1, (float) x.dim(3) / outW);
        kp.execute(null, null);
        return copyOut(kp.floats(1), shape);
    }

    @Override
    public synchronized Tensor pad2d(Tensor x, int left, int right, int top, int bottom) {
        if (x.rank() < 2 || left < 0 || right < 0 || top < 0 || bottom < 0) {
            throw new IllegalArgumentException("pad2d: x " + Arrays.toString(x.shape()) + " needs 2 dimensions and padding >= 0");
        }
        int h = x.dim(-2), w = x.dim(-1);
        int[] shape = x.shape();
        shape[shape.length - 2] = h + top + bottom;
        shape[shape.length - 1] = w + left + right;
        int n = Math.toIntExact(Tensor.count(shape));
        KernelPlan kp = plan("pad2d");
        kp.ensure(size(x), Math.max(1, n), 7);
        copyIn("pad2d", x, kp.floats(0));
        params(kp.ints(2), n, h, w, h + top + bottom, w + left + right, top, left);
        kp.execute(null, null);
        return copyOut(kp.floats(1), shape);
    }

    @Override
    public synchronized Tensor embedding(Tensor weight, int[] ids) {
        if (weight.rank() != 2) throw new IllegalArgumentException("embedding: weight " + Arrays.toString(weight.shape()) + " must be [V, D]");
        for (int id : ids) {
            if (id < 0 || id >= weight.dim(0)) {
                throw new IllegalArgumentException("embedding: id " + id + " is outside the table's " + weight.dim(0) + " rows");
            }
        }
        int d = weight.dim(1);
        int[] shape = {ids.length, d};
        int n = ids.length * d;
        KernelPlan kp = plan("embedding");
        kp.ensure(size(weight), Math.max(1, ids.length), Math.max(1, n), 2);
        copyIn("embedding", weight, kp.floats(0));
        for (int i = 0; i < ids.length; i++) kp.ints(1).set(i, ids[i]);
        params(kp.ints(3), n, Math.max(1, d));
        kp.execute(null, null);
        return copyOut(kp.floats(2), shape);
    }

    @Override
    public synchronized Tensor concat(int dim, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat: no tensors");
        int rank = parts[0].rank();
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank || rank > RANK) {
            throw new IllegalArgumentException("concat: dimension " + dim + " does not exist in " + Arrays.toString(parts[0].shape()));
        }
        int[] shape = parts[0].shape();
        shape[d] = 0;
        for (Tensor p : parts) {
            int[] ps = p.shape();
            boolean fits = ps.length == rank;
            for (int i = 0; fits && i < rank; i++) fits = i == d || ps[i] == shape[i];
            if (!fits) {
                throw new IllegalArgumentException("concat along " + dim + ": " + Arrays.toString(ps) + " does not match "
                        + Arrays.toString(parts[0].shape()) + " outside that dimension");
            }
            shape[d] += ps[d];
        }
        int n = Math.toIntExact(Tensor.count(shape));
        int largest = 1;
        for (Tensor p : parts) largest = Math.max(largest, size(p));
        KernelPlan kp = plan("scatter");
        kp.ensure(largest, Math.max(1, n), 2 + 2 * RANK);
        int[] st = padded(strides(shape), 0);
        int offset = 0;
        for (Tensor p : parts) {
            copyIn("concat", p, kp.floats(0));
            IntArray prm = kp.ints(2);
            params(prm, size(p) * (p.numel() == 0 ? 0 : 1), offset * strides(shape)[d]);
            int[] s = padded(p.shape(), 1);
            for (int i = 0; i < RANK; i++) {
                prm.set(2 + i, Math.max(1, s[i]));
                prm.set(2 + RANK + i, st[i]);
            }
            if (p.numel() > 0) kp.execute(null, null);
            offset += p.dim(d);
        }
        return copyOut(kp.floats(1), shape);
    }

    @Override
    public synchronized Tensor narrow(Tensor x, int dim, int start, int length) {
        int d = dim < 0 ? dim + x.rank() : dim;
        if (d < 0 || d >= x.rank() || start < 0 || length < 0 || start + length > x.dim(d) || x.rank() > RANK) {
            throw new IllegalArgumentException("narrow: [" + start + ", " + (start + length) + ") along dimension " + dim
                    + " does not fit " + Arrays.toString(x.shape()));
        }
        int[] shape = x.shape();
        shape[d] = length;
        int[] st = strides(x.shape());
        return gather("narrow", x, shape, st, start * st[d]);
    }

    @Override
    public synchronized Tensor permute(Tensor x, int... order) {
        int rank = x.rank();
        boolean[] seen = new boolean[rank];
        boolean valid = order.length == rank && rank <= RANK;
        for (int i = 0; valid && i < rank; i++) {
            valid = order[i] >= 0 && order[i] < rank && !seen[order[i]];
            if (valid) seen[order[i]] = true;
        }
        if (!valid) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(order) + " is not an order of the " + rank
                    + " dimensions of " + Arrays.toString(x.shape()));
        }
        int[] in = strides(x.shape());
        int[] shape = new int[rank];
        int[] st = new int[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = x.dim(order[i]);
            st[i] = in[order[i]];
        }
        return gather("permute", x, shape, st, 0);
    }

    private Tensor gather(String op, Tensor x, int[] shape, int[] strides, int base) {
        int n = Math.toIntExact(Tensor.count(shape));
        KernelPlan kp = plan("gather");
        kp.ensure(size(x), Math.max(1, n), 2 + 2 * RANK);
        copyIn(op, x, kp.floats(0));
        IntArray p = kp.ints(2);
        params(p, n, base);
        int[] s = padded(shape, 1), st = padded(strides, 0);
        for (int i = 0; i < RANK; i++) {
            p.set(2 + i, Math.max(1, s[i]));
            p.set(2 + RANK + i, st[i]);
        }
        if (n > 0) kp.execute(null, null);
        return copyOut(kp.floats(1), shape);
    }

    // ---- embeddings and conversion --------------------------------------------------------------

    /** Computed on the host in diffusers' float32 order of operations (a [batch, dim] table). */
    @Override
    public Tensor timestepEmbedding(float[] timesteps, int dim, boolean flipSinToCos, float downscaleFreqShift,
                                    float scale, int maxPeriod) {
        int half = dim / 2;
        float[] y = new float[timesteps.length * dim];
        float c = (float) -Math.log(maxPeriod);
        for (int n = 0; n < timesteps.length; n++) {
            for (int k = 0; k < half; k++) {
                float exponent = c * k / (half - downscaleFreqShift);
                float arg = timesteps[n] * (float) Math.exp(exponent) * scale;
                float sin = (float) Math.sin(arg), cos = (float) Math.cos(arg);
                y[n * dim + k] = flipSinToCos ? cos : sin;
                y[n * dim + half + k] = flipSinToCos ? sin : cos;
            }
        }
        return Tensor.wrap(y, timesteps.length, dim);
    }

    /** Storage conversion, done on the host while the data is there (round to nearest even). */
    @Override
    public Tensor convert(Tensor x, DType dtype) {
        host(x, "convert");
        int n = Math.toIntExact(x.numel());
        return switch (dtype) {
            case FLOAT32 -> x.toFloat32();
            case FLOAT16, BFLOAT16 -> {
                MemorySegment m = MemorySegment.ofArray(new short[n]);
                ValueLayout.OfShort layout = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    float v = x.getFloat(i);
                    m.setAtIndex(layout, i, dtype == DType.FLOAT16 ? Float.floatToFloat16(v) : BFloat16.fromFloat(v));
                }
                yield Tensor.of(dtype, x.shape(), m);
            }
            default -> throw new IllegalArgumentException("convert: to " + dtype + "; expected float32, float16 or bfloat16");
        };
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (KernelPlan p : plans.values()) p.close();
    }
}

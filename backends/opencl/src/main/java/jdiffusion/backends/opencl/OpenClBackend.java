package jdiffusion.backends.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.Capability;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;

/**
 * The {@link Backend} operations as OpenCL kernels on one device. Results stay in device memory
 * ({@link Tensor#onDevice}) until {@link #toHost}; host operands are uploaded for the call, except
 * memory-mapped ones (weights files), which are uploaded once and kept for the backend's life.
 *
 * <p>Inputs may be float32, float16 or bfloat16 (read as such by the kernels, never expanded on the host);
 * results are float32, except the pure data movements ({@link #permute}, {@link #concat}, {@link #narrow})
 * that keep their input's storage type, and {@link #convert}.
 */
final class OpenClBackend implements Backend {

    private static final int MAX_RANK = 8;

    private static final int OP_SILU = 0, OP_GELU = 1, OP_GELU_TANH = 2, OP_QUICK_GELU = 3, OP_SCALE = 4,
            OP_EXP = 5, OP_CLAMP = 6;
    private static final int OP_ADD = 0, OP_MUL = 1, OP_SUB = 2;

    private final String name;
    private final ClRuntime runtime;
    private final DeviceMemory memory;
    private final Map<MappedKey, MappedUpload> mappedUploads = new HashMap<>();
    private volatile boolean closed;
    private final Map<TableKey, ClBuffer> convTables = new HashMap<>();
    /**
     * The variant every matrix product and convolution runs with, where it can run them (null: the tuner
     * chooses per product class); {@code -Djdiffusion.opencl.gemm=NAME} sets it.
     */
    volatile GemmVariant forcedVariant;
    private volatile String lastNote = "";

    OpenClBackend(String name, ClRuntime runtime) {
        String forced = System.getProperty("jdiffusion.opencl.gemm", "").trim();
        this.forcedVariant = forced.isEmpty() ? null : GemmVariant.named(forced);
        this.name = name;
        this.runtime = runtime;
        this.memory = new DeviceMemory(runtime);
    }

    /** The kernel variant the last matrix product or convolution ran with and how it was chosen; else empty. */
    @Override
    public String lastOperationNote() {
        return lastNote;
    }

    /** The device runtime (kernels, queue) this backend launches on. */
    ClRuntime runtime() {
        return runtime;
    }

    /** The device this backend runs on, in one line. */
    String deviceDescription() {
        return runtime.device.describe();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.FLOAT16_WEIGHTS, Capability.BFLOAT16_WEIGHTS, Capability.DEVICE_MEMORY,
                Capability.TILED_ATTENTION);
    }

    // ---- crossing between host and device -------------------------------------------------------

    @Override
    public Tensor fromHost(Tensor host) {
        open();
        if (!host.isHost()) {
            own(host, "fromHost");
            return host;
        }
        if (host.segment().isMapped()) return Tensor.onDevice(host.dtype(), host.shape(), mapped(host));
        return Tensor.onDevice(host.dtype(), host.shape(), upload(host));
    }

    @Override
    public Tensor toHost(Tensor tensor) {
        open();
        if (tensor.isHost()) return tensor;
        ClBuffer b = own(tensor, "toHost");
        MemorySegment out = Arena.ofAuto().allocate(Math.max(1, tensor.byteSize()), 8)
                .asSlice(0, tensor.byteSize());
        if (tensor.byteSize() > 0) runtime.read(b, out);
        return Tensor.of(tensor.dtype(), tensor.shape(), out);
    }

    @Override
    public Tensor zeros(int... shape) {
        open();
        long n = Tensor.count(shape);
        ClBuffer b = memory.allocate(n * 4);
        runtime.fillZero(b, b.byteSize());
        return Tensor.onDevice(DType.FLOAT32, shape, b);
    }

    private ClBuffer upload(Tensor host) {
        ClBuffer b = memory.allocate(host.byteSize());
        if (host.byteSize() == 0) return b;
        MemorySegment src = host.segment();
        if (src.isNative()) {
            runtime.write(b, src);
        } else {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment staging = a.allocate(src.byteSize(), 8);
                staging.copyFrom(src);
                runtime.write(b, staging);
            }
        }
        return b;
    }

    /** Memory-mapped host tensors (weights) are uploaded once per backend, while their mapping is alive. */
    private record MappedKey(long address, long bytes, DType dtype) {
    }

    private record MappedUpload(WeakReference<MemorySegment.Scope> scope, ClBuffer buffer) {
        boolean isAlive() {
            MemorySegment.Scope s = scope.get();
            return s != null && s.isAlive();
        }
    }

    private ClBuffer mapped(Tensor host) {
        MemorySegment seg = host.segment();
        MappedKey key = new MappedKey(seg.address(), seg.byteSize(), host.dtype());
        synchronized (mappedUploads) {
            MappedUpload u = mappedUploads.get(key);
            if (u != null && u.isAlive()) return u.buffer();
            mappedUploads.values().removeIf(v -> {
                if (v.isAlive()) return false;
                v.buffer().free();
                return true;
            });
            ClBuffer b = upload(host);
            mappedUploads.put(key, new MappedUpload(new WeakReference<>(seg.scope()), b));
            return b;
        }
    }

    // ---- operands --------------------------------------------------------------------------------

    /** The temporaries of one operation, freed when it has been enqueued. */
    private final class Call implements AutoCloseable {
        private final String op;
        private final List<ClBuffer> temporaries = new ArrayList<>();

        Call(String op) {
            open();
            this.op = op;
            lastNote = "";
        }

        /** A tensor's device buffer, uploading a host tensor for this call. Null stays null. */
        Operand in(Tensor t, String role) {
            if (t == null) return null;
            if (t.isHost() && t.dtype() == DType.FLOAT64) t = t.toFloat32();
            int dt = dtypeCode(t.dtype(), role);
            if (!t.isHost()) return new Operand(own(t, op), dt);
            if (t.segment().isMapped()) return new Operand(mapped(t), dt);
            ClBuffer b = upload(t);
            temporaries.add(b);
            return new Operand(b, dtypeCode(t.dtype(), role));
        }

        private int dtypeCode(DType d, String role) {
            return switch (d) {
                case FLOAT32 -> 0;
                case FLOAT16 -> 1;
                case BFLOAT16 -> 2;
                default -> throw new IllegalArgumentException(op + ": " + role + " is " + d
                        + "; expected float32, float16 or bfloat16");
            };
        }

        ClBuffer temporary(long bytes) {
            ClBuffer b = memory.allocate(bytes);
            temporaries.add(b);
            return b;
        }

        @Override
        public void close() {
            for (ClBuffer b : temporaries) b.free();
        }
    }

    /** A device buffer and the storage type code the kernels read it with. */
    private record Operand(ClBuffer buffer, int dtype) {
    }

    private static Object buf(Operand o) {
        return o == null ? ClRuntime.NULL_BUFFER : o.buffer();
    }

    private static int dt(Operand o) {
        return o == null ? 0 : o.dtype();
    }

    private static int has(Operand o) {
        return o == null ? 0 : 1;
    }

    private ClBuffer own(Tensor t, String op) {
        if (t.deviceBuffer() instanceof ClBuffer b && b.memory() == memory) return b;
        throw new IllegalArgumentException(op + ": tensor " + t + " belongs to another backend ("
                + t.deviceBuffer() + "); bring it here with toHost then fromHost");
    }

    private void open() {
        if (closed) throw new IllegalStateException("the OpenCL backend " + name + " is closed");
    }

    private Tensor result(int[] shape) {
        return Tensor.onDevice(DType.FLOAT32, shape, memory.allocate(Tensor.count(shape) * 4));
    }

    private static ClBuffer out(Tensor t) {
        return (ClBuffer) t.deviceBuffer();
    }

    private static long[] grid1(long n) {
        return new long[]{n};
    }

    private static long roundUp(long n, long m) {
        return (n + m - 1) / m * m;
    }

    // ---- linear algebra -------------------------------------------------------------------------

    @Override
    public Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (x.rank() < 1 || weight.rank() != 2 || weight.dim(1) != x.dim(-1)) {
            throw new IllegalArgumentException("linear: x " + Arrays.toString(x.shape()) + " has " + (x.rank() < 1 ? 0 : x.dim(-1))
                    + " input features but weight " + Arrays.toString(weight.shape()) + " expects [out, "
                    + (weight.rank() == 2 ? weight.dim(1) : "?") + "]");
        }
        int out = weight.dim(0), in = weight.dim(1);
        if (bias != null && bias.numel() != out) {
            throw new IllegalArgumentException("linear: bias " + Arrays.toString(bias.shape()) + " should have " + out + " elements");
        }
        long rows = in == 0 ? x.numel() : x.numel() / in;
        int[] shape = x.shape();
        shape[shape.length - 1] = out;
        try (Call c = new Call("linear")) {
            Operand xo = c.in(x, "x"), wo = c.in(weight, "weight"), bo = c.in(bias, "bias");
            Tensor y = result(shape);
            gemm(xo, 0, wo, 0, true, bo, out(y), Math.toIntExact(rows), out, in, 1);
            return y;
        }
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b, boolean transposeB) {
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("matmul: a " + Arrays.toString(a.shape()) + " and b "
                    + Arrays.toString(b.shape()) + " must both have at least 2 dimensions");
        }
        int m = a.dim(-2), k = a.dim(-1);
        int kb = transposeB ? b.dim(-1) : b.dim(-2);
        int n = transposeB ? b.dim(-2) : b.dim(-1);
        int[] lead = Arrays.copyOf(a.shape(), a.rank() - 2);
        int[] leadB = Arrays.copyOf(b.shape(), b.rank() - 2);
        boolean shared = b.rank() == 2;
        if (k != kb || !(shared || Arrays.equals(lead, leadB))) {
            throw new IllegalArgumentException("matmul: a " + Arrays.toString(a.shape()) + " and b "
                    + Arrays.toString(b.shape()) + (transposeB ? " (transposed)" : "") + " do not fit: inner sizes "
                    + k + " and " + kb + ", leading dimensions must be equal or b must be 2-D");
        }
        int batch = Math.toIntExact(Tensor.count(lead));
        int[] shape = a.shape();
        shape[shape.length - 1] = n;
        try (Call c = new Call("matmul")) {
            Operand ao = c.in(a, "a"), bo = c.in(b, "b");
            Tensor y = result(shape);
            gemm(ao, (long) m * k, bo, shared ? 0 : (long) k * n, transposeB, null, out(y), m, n, k, batch);
            return y;
        }
    }

    // ---- matrix products and convolutions: kernel variants ----------------------------------------

    /**
     * One product class: what the kernels are specialised on (kind, storage types, global vector widths) and
     * the sizes the tuner times. {@code blockedOk}: the register-blocked kernels can run it (a convolution's
     * gather offsets fit their encoding).
     */
    private record Product(GemmVariant.Kind kind, int adt, int bdt, int va, int vb, long m, long n, long k, long batch,
                           String geometry, boolean blockedOk) {

        String key() {
            // Made for every product: concatenation, not String.format.
            return kind + " " + DTYPE_NAMES[adt] + "/" + DTYPE_NAMES[bdt] + " v" + va + "/" + vb + " " + m + "x" + n + "x" + k
                    + " b" + batch + geometry;
        }

        double flops() {
            return 2.0 * m * n * k * batch;
        }
    }

    private static final String[] DTYPE_NAMES = {"f32", "f16", "bf16"};

    /** Global vector width along a contiguous dimension of {@code size} elements: 4 when rows stay 4-aligned. */
    private static int width(long size) {
        return size % 4 == 0 ? 4 : 1;
    }

    private boolean runnable(GemmVariant v, Product p) {
        if (v.classic()) return true;
        return p.blockedOk() && runtime.blockedKernel(v, p.kind(), p.adt(), p.bdt(), p.va(), p.vb()) != null;
    }

    /**
     * The variant when nothing was tuned: on GPUs a register-blocked one (128 x 128 tiles when there are enough
     * of them to fill the compute units, 64 x 64 otherwise); on other devices, and for thin products, the
     * classic kernels, whose 64-wide tiles a CPU device measured fastest; 16-wide tiles for thin products (a
     * few rows or pixels), which waste less on the short side and make more work-groups.
     */
    private GemmVariant defaultVariant(Product p) {
        int cu = runtime.device.computeUnits();
        if (runtime.device.type().equals("GPU")) {
            if (p.m() >= 128 && p.n() >= 128 && BLOCKED_LARGE.groups(p.m(), p.n(), p.batch()) >= cu && runnable(BLOCKED_LARGE, p)) {
                return BLOCKED_LARGE;
            }
            if (p.m() >= 64 && p.n() >= 64 && runnable(BLOCKED_SMALL, p)) return BLOCKED_SMALL;
            if (p.m() >= 128 && p.n() >= 128 && tiles(p.m(), p.n(), p.batch(), ClRuntime.LARGE_TILE) >= 2L * cu) return CLASSIC_LARGE;
        }
        if (p.m() >= 32 && p.n() >= 32 && tiles(p.m(), p.n(), p.batch(), ClRuntime.SMALL_TILE) >= cu) return CLASSIC_SMALL;
        return CLASSIC_THIN;
    }

    private static final GemmVariant BLOCKED_LARGE = GemmVariant.named("t128x128_k8_8x8");
    private static final GemmVariant BLOCKED_SMALL = GemmVariant.named("t64x64_k16_4x4");
    private static final GemmVariant CLASSIC_LARGE = GemmVariant.named("classic" + ClRuntime.LARGE_TILE);
    private static final GemmVariant CLASSIC_SMALL = GemmVariant.named("classic" + ClRuntime.SMALL_TILE);
    private static final GemmVariant CLASSIC_THIN = GemmVariant.named("classic" + ClRuntime.THIN_TILE);

    private static long tiles(long m, long n, long batch, int tile) {
        return ((m + tile - 1) / tile) * ((n + tile - 1) / tile) * batch;
    }

    /**
     * The variant for a product: the forced one where it can run it, else the tuner's choice (timing the
     * candidates with {@code launcher} on the first product of its class).
     */
    private GemmVariant variant(Product p, Consumer<GemmVariant> launcher) {
        GemmVariant forced = forcedVariant;
        if (forced != null && runnable(forced, p)) {
            lastNote = forced.name() + " (forced)";
            return forced;
        }
        GemmTuner.Choice c = runtime.tuner.choose(p.key(), p.flops(), defaultVariant(p), v -> runnable(v, p),
                new GemmTuner.Device() {
                    @Override
                    public void launch(GemmVariant variant) {
                        launcher.accept(variant);
                    }

                    @Override
                    public void finish() {
                        runtime.finish();
                    }
                });
        lastNote = c.describe();
        return c.variant();
    }

    private static long[] blockedGlobal(GemmVariant v, long m, long n, long batch) {
        return new long[]{(n + v.tn() - 1) / v.tn() * v.threadsX(), (m + v.tm() - 1) / v.tm() * v.threadsY(), batch};
    }

    private static long[] blockedLocal(GemmVariant v) {
        return new long[]{v.threadsX(), v.threadsY(), 1};
    }

    private void gemm(Operand a, long aBatch, Operand b, long bBatch, boolean bTrans, Operand bias, ClBuffer c,
                      int m, int n, int k, int batch) {
        int va = width(k);
        Product p = new Product(bTrans ? GemmVariant.Kind.NT : GemmVariant.Kind.NN, a.dtype(), b.dtype(), va,
                bTrans ? va : width(n), m, n, k, batch, "", true);
        Consumer<GemmVariant> run = v -> {
            if (v.classic()) {
                int t = v.tm();
                launch(runtime.kernel(ClRuntime.tiledName("gemm", t)),
                        new long[]{roundUp(n, t) / (t / 16), roundUp(m, t) / (t / 16), batch}, new long[]{16, 16, 1},
                        a.buffer(), a.dtype(), aBatch, b.buffer(), b.dtype(), bBatch, bTrans ? 1 : 0,
                        buf(bias), dt(bias), has(bias), c, m, n, k);
            } else {
                launch(runtime.blockedKernel(v, p.kind(), p.adt(), p.bdt(), p.va(), p.vb()), blockedGlobal(v, m, n, batch),
                        blockedLocal(v), a.buffer(), aBatch, b.buffer(), bBatch, buf(bias), dt(bias), has(bias), c, m, n, k);
            }
        };
        run.accept(variant(p, run));
    }

    @Override
    public Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        if (x.rank() != 4 || weight.rank() != 4) {
            throw new IllegalArgumentException("conv2d: x " + Arrays.toString(x.shape()) + " must be [N, C, H, W] and weight "
                    + Arrays.toString(weight.shape()) + " [O, C/groups, kh, kw]");
        }
        int n = x.dim(0), ch = x.dim(1), h = x.dim(2), w = x.dim(3);
        int o = weight.dim(0), kh = weight.dim(2), kw = weight.dim(3);
        int g = p.groups();
        if (ch % g != 0 || o % g != 0 || weight.dim(1) != ch / g) {
            throw new IllegalArgumentException("conv2d: x " + Arrays.toString(x.shape()) + " with " + g + " group(s) needs weight [O, "
                    + (ch % g == 0 ? ch / g : "C/groups") + ", kh, kw] with O divisible by the groups, got "
                    + Arrays.toString(weight.shape()));
        }
        if (bias != null && bias.numel() != o) {
            throw new IllegalArgumentException("conv2d: bias " + Arrays.toString(bias.shape()) + " should have " + o + " elements");
        }
        int oh = p.outHeight(h, kh), ow = p.outWidth(w, kw);
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("conv2d: input " + h + "x" + w + " is smaller than the " + kh + "x" + kw
                    + " kernel with " + p);
        }
        try (Call c = new Call("conv2d")) {
            Operand xo = c.in(x, "x"), wo = c.in(weight, "weight"), bo = c.in(bias, "bias");
            Tensor y = result(new int[]{n, o, oh, ow});
            int cg = ch / g, og = o / g, k = cg * kh * kw, pixels = oh * ow;
            // A 1x1 convolution without stride or padding is the product W[O, C] X[n][C, H*W].
            boolean pointwise = kh == 1 && kw == 1 && p.strideH() == 1 && p.strideW() == 1 && p.padH() == 0 && p.padW() == 0
                    && g == 1;
            Product pr;
            if (pointwise) {
                pr = new Product(GemmVariant.Kind.NN, wo.dtype(), xo.dtype(), width(ch), width(pixels), o, pixels, ch, n,
                        " conv1x1", true);
            } else {
                // The gather offsets (sgemm.cl, conv_table in kernels.cl) are ints with sentinels at 2^20 and 2^24.
                boolean fits = h < (1 << 19) && w < (1 << 19) && (long) cg * h * w < (1L << 30)
                        && (long) kh * p.dilationH() + p.padH() < (1 << 16) && (long) kw * p.dilationW() + p.padW() < (1 << 16);
                pr = new Product(GemmVariant.Kind.CONV, wo.dtype(), xo.dtype(), width(k), 1, og, pixels, k, (long) n * g,
                        " conv" + kh + "x" + kw + " s" + p.strideH() + "," + p.strideW() + " p" + p.padH() + "," + p.padW()
                                + " d" + p.dilationH() + "," + p.dilationW() + " g" + g + " in " + h + "x" + w, fits);
            }
            Product product = pr;
            int biasMode = bo == null ? 0 : 2;
            Consumer<GemmVariant> run = v -> {
                if (v.classic()) {
                    int t = v.tm();
                    long[] global = {roundUp(pixels, t) / (t / 16), roundUp(og, t) / (t / 16), (long) n * g};
                    launch(runtime.kernel(ClRuntime.tiledName("conv2d", t)), global, new long[]{16, 16, 1},
                            xo.buffer(), xo.dtype(), wo.buffer(), wo.dtype(), buf(bo), dt(bo), has(bo), out(y),
                            ch, h, w, o, kh, kw, oh, ow, p.strideH(), p.strideW(), p.padH(), p.padW(),
                            p.dilationH(), p.dilationW(), g);
                } else if (pointwise) {
                    launch(runtime.blockedKernel(v, product.kind(), product.adt(), product.bdt(), product.va(), product.vb()),
                            blockedGlobal(v, o, pixels, n), blockedLocal(v), wo.buffer(), 0L, xo.buffer(), (long) ch * pixels,
                            buf(bo), dt(bo), biasMode, out(y), o, pixels, ch);
                } else {
                    ClBuffer table = convTable(cg, h, w, kh, kw, p);
                    launch(runtime.blockedKernel(v, product.kind(), product.adt(), product.bdt(), product.va(), product.vb()),
                            blockedGlobal(v, og, pixels, (long) n * g), blockedLocal(v), wo.buffer(), xo.buffer(), table,
                            buf(bo), dt(bo), biasMode, out(y), ch, h, w, o, k, ow, pixels, p.strideH(), p.strideW(), g);
                }
            };
            run.accept(variant(product, run));
            return y;
        }
    }

    /** The convolution's gather table, made on the device once per geometry and kept for the backend's life. */
    private record TableKey(int channels, int h, int w, int kh, int kw, int padH, int padW, int dilationH, int dilationW) {
    }

    private ClBuffer convTable(int channels, int h, int w, int kh, int kw, Conv2dParams p) {
        TableKey key = new TableKey(channels, h, w, kh, kw, p.padH(), p.padW(), p.dilationH(), p.dilationW());
        synchronized (convTables) {
            ClBuffer t = convTables.get(key);
            if (t != null) return t;
            int k = channels * kh * kw;
            // Whole steps of the deepest variant read past K.
            int kpad = Math.toIntExact(roundUp(Math.max(k, 1), 64));
            t = memory.allocate(16L * kpad);
            launch(runtime.kernel("conv_table"), grid1(kpad), null, t, k, kpad, kh, kw, h, w,
                    p.padH(), p.padW(), p.dilationH(), p.dilationW());
            convTables.put(key, t);
            return t;
        }
    }

    // ---- normalisation --------------------------------------------------------------------------

    @Override
    public Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps) {
        if (x.rank() < 2 || groups < 1 || x.dim(1) % groups != 0) {
            throw new IllegalArgumentException("groupNorm: x " + Arrays.toString(x.shape()) + " must be [N, C, ...] with C divisible by "
                    + groups + " groups");
        }
        int n = x.dim(0), ch = x.dim(1);
        long spatial = ch == 0 || n == 0 ? 0 : x.numel() / ((long) n * ch);
        checkAffine("groupNorm", gamma, beta, ch);
        int cg = ch / groups;
        return normRows("groupNorm", x, (long) n * groups, cg * spatial, Math.toIntExact(spatial), groups, cg,
                gamma, beta, eps);
    }

    @Override
    public Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        if (x.rank() < 1) throw new IllegalArgumentException("layerNorm: x must have at least one dimension");
        int d = x.dim(-1);
        checkAffine("layerNorm", gamma, beta, d);
        return normRows("layerNorm", x, d == 0 ? 0 : x.numel() / d, d, 1, 1, d, gamma, beta, eps);
    }

    private static void checkAffine(String op, Tensor gamma, Tensor beta, int size) {
        for (Tensor t : new Tensor[]{gamma, beta}) {
            if (t != null && t.numel() != size) {
                throw new IllegalArgumentException(op + ": gamma/beta " + Arrays.toString(t.shape()) + " should have "
                        + size + " elements");
            }
        }
    }

    private Tensor normRows(String op, Tensor x, long rows, long length, int s, int groups, int cg,
                            Tensor gamma, Tensor beta, float eps) {
        try (Call c = new Call(op)) {
            Operand xo = c.in(x, "x"), go = c.in(gamma, "gamma"), bo = c.in(beta, "beta");
            Tensor y = result(x.shape());
            int wg = runtime.reductionGroup;
            launch(runtime.kernel("norm_rows"), new long[]{rows * wg}, new long[]{wg},
                    xo.buffer(), xo.dtype(), out(y), length, s, groups, cg,
                    buf(go), dt(go), has(go), buf(bo), dt(bo), has(bo), eps, new ClRuntime.Local(4L * wg));
            return y;
        }
    }

    @Override
    public Tensor softmax(Tensor x) {
        if (x.rank() < 1) throw new IllegalArgumentException("softmax: x must have at least one dimension");
        int d = x.dim(-1);
        try (Call c = new Call("softmax")) {
            Operand xo = c.in(x, "x");
            Tensor y = result(x.shape());
            int wg = runtime.reductionGroup;
            long rows = d == 0 ? 0 : x.numel() / d;
            launch(runtime.kernel("softmax_rows"), new long[]{rows * wg}, new long[]{wg},
                    xo.buffer(), xo.dtype(), out(y), d, new ClRuntime.Local(4L * wg));
            return y;
        }
    }

    @Override
    public Tensor attention(Tensor q, Tensor k, Tensor v, int heads, float scale, boolean causal) {
        if (q.rank() != 3 || k.rank() != 3 || v.rank() != 3 || heads < 1
                || q.dim(0) != k.dim(0) || k.dim(0) != v.dim(0) || k.dim(1) != v.dim(1)
                || q.dim(2) != k.dim(2) || q.dim(2) % heads != 0 || v.dim(2) % heads != 0) {
            throw new IllegalArgumentException("attention: q " + Arrays.toString(q.shape()) + ", k " + Arrays.toString(k.shape())
                    + ", v " + Arrays.toString(v.shape()) + " with " + heads + " heads do not fit q [B, Lq, H*D], k [B, Lk, H*D], v [B, Lk, H*Dv]");
        }
        int b = q.dim(0), lq = q.dim(1), lk = k.dim(1);
        int d = q.dim(2) / heads, dv = v.dim(2) / heads;
        try (Call c = new Call("attention")) {
            Operand qo = c.in(q, "q"), ko = c.in(k, "k"), vo = c.in(v, "v");
            Tensor y = result(new int[]{b, lq, heads * dv});
            if (d == 0 || dv == 0 || lk == 0) return y;
            int bq = runtime.attentionGroup;
            lastNote = "attention: " + bq + " queries per group, " + runtime.attentionKeysPerTile(d, dv) + " keys per tile";
            launch(runtime.attentionKernel(d, dv), new long[]{roundUp(lq, bq), heads, b}, new long[]{bq, 1, 1},
                    qo.buffer(), qo.dtype(), ko.buffer(), ko.dtype(), vo.buffer(), vo.dtype(), out(y),
                    lq, lk, heads, scale, causal ? 1 : 0);
            return y;
        }
    }

    // ---- activations ----------------------------------------------------------------------------

    private Tensor unary(String op, Tensor x, int code, float a, float b) {
        try (Call c = new Call(op)) {
            Operand xo = c.in(x, "x");
            Tensor y = result(x.shape());
            launch(runtime.kernel("unary"), grid1(x.numel()), null,
                    xo.buffer(), xo.dtype(), out(y), x.numel(), code, a, b);
            return y;
        }
    }

    @Override
    public Tensor silu(Tensor x) {
        return unary("silu", x, OP_SILU, 0, 0);
    }

    @Override
    public Tensor gelu(Tensor x, boolean tanhApproximation) {
        return unary("gelu", x, tanhApproximation ? OP_GELU_TANH : OP_GELU, 0, 0);
    }

    @Override
    public Tensor quickGelu(Tensor x) {
        return unary("quickGelu", x, OP_QUICK_GELU, 0, 0);
    }

    @Override
    public Tensor geglu(Tensor x) {
        if (x.rank() < 1 || x.dim(-1) % 2 != 0) {
            throw new IllegalArgumentException("geglu: the last dimension of " + Arrays.toString(x.shape()) + " must be even");
        }
        int f = x.dim(-1) / 2;
        int[] shape = x.shape();
        shape[shape.length - 1] = f;
        try (Call c = new Call("geglu")) {
            Operand xo = c.in(x, "x");
            Tensor y = result(shape);
            launch(runtime.kernel("geglu"), grid1(y.numel()), null, xo.buffer(), xo.dtype(), out(y), y.numel(), f);
            return y;
        }
    }

    /** a * s. */
    @Override
    public Tensor scale(Tensor a, float s) {
        return unary("scale", a, OP_SCALE, s, 0);
    }

    /** e^x elementwise. */
    @Override
    public Tensor exp(Tensor x) {
        return unary("exp", x, OP_EXP, 0, 0);
    }

    /** x limited to [min, max] elementwise (PyTorch's clamp; NaN stays NaN). */
    @Override
    public Tensor clamp(Tensor x, float min, float max) {
        return unary("clamp", x, OP_CLAMP, min, max);
    }

    // ---- shape ----------------------------------------------------------------------------------

    @Override
    public Tensor upsampleNearest(Tensor x, int outH, int outW) {
        if (x.rank() != 4 || outH < 1 || outW < 1) {
            throw new IllegalArgumentException("upsampleNearest: x " + Arrays.toString(x.shape()) + " must be [N, C, H, W] and the size "
                    + outH + "x" + outW + " positive");
        }
        int h = x.dim(2), w = x.dim(3);
        try (Call c = new Call("upsampleNearest")) {
            Operand xo = c.in(x, "x");
            Tensor y = result(new int[]{x.dim(0), x.dim(1), outH, outW});
            // PyTorch's scale for a requested size: (float) in / out.
            launch(runtime.kernel("upsample_nearest"), grid1(y.numel()), null,
                    xo.buffer(), xo.dtype(), out(y), y.numel(), h, w, outH, outW, (float) h / outH, (float) w / outW);
            return y;
        }
    }

    /** Zero padding of the last two dimensions, as PyTorch's {@code F.pad(x, (left, right, top, bottom))}. */
    @Override
    public Tensor pad2d(Tensor x, int left, int right, int top, int bottom) {
        if (x.rank() < 2 || left < 0 || right < 0 || top < 0 || bottom < 0) {
            throw new IllegalArgumentException("pad2d: x " + Arrays.toString(x.shape()) + " needs 2 dimensions and padding >= 0, got ("
                    + left + ", " + right + ", " + top + ", " + bottom + ")");
        }
        int h = x.dim(-2), w = x.dim(-1);
        int oh = h + top + bottom, ow = w + left + right;
        int[] shape = x.shape();
        shape[shape.length - 2] = oh;
        shape[shape.length - 1] = ow;
        try (Call c = new Call("pad2d")) {
            Operand xo = c.in(x, "x");
            Tensor y = result(shape);
            launch(runtime.kernel("pad2d"), grid1(y.numel()), null,
                    xo.buffer(), xo.dtype(), out(y), y.numel(), h, w, oh, ow, top, left);
            return y;
        }
    }

    /** Rows {@code ids} of {@code weight} [V, D]; result [ids.length, D]. */
    @Override
    public Tensor embedding(Tensor weight, int[] ids) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("embedding: weight " + Arrays.toString(weight.shape()) + " must be [V, D]");
        }
        int v = weight.dim(0), d = weight.dim(1);
        for (int id : ids) {
            if (id < 0 || id >= v) {
                throw new IllegalArgumentException("embedding: id " + id + " is outside the table's " + v + " rows");
            }
        }
        try (Call c = new Call("embedding")) {
            Operand wo = c.in(weight, "weight");
            ClBuffer idBuffer = c.temporary(4L * ids.length);
            if (ids.length > 0) {
                try (Arena a = Arena.ofConfined()) {
                    runtime.write(idBuffer, a.allocateFrom(ValueLayout.JAVA_INT, ids));
                }
            }
            Tensor y = result(new int[]{ids.length, d});
            launch(runtime.kernel("embedding"), grid1(y.numel()), null,
                    wo.buffer(), wo.dtype(), idBuffer, out(y), y.numel(), d);
            return y;
        }
    }

    @Override
    public Tensor concat(int dim, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat: no tensors");
        int rank = parts[0].rank();
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank || rank > MAX_RANK) {
            throw new IllegalArgumentException("concat: dimension " + dim + " does not exist in " + Arrays.toString(parts[0].shape()));
        }
        int[] shape = parts[0].shape();
        shape[d] = 0;
        DType common = parts[0].dtype();
        for (Tensor p : parts) {
            int[] ps = p.shape();
            boolean fits = ps.length == rank;
            for (int i = 0; fits && i < rank; i++) fits = i == d || ps[i] == shape[i];
            if (!fits) {
                throw new IllegalArgumentException("concat along " + dim + ": " + Arrays.toString(ps) + " does not match "
                        + Arrays.toString(parts[0].shape()) + " outside that dimension");
            }
            shape[d] += ps[d];
            if (p.dtype() != common) common = DType.FLOAT32;
        }
        if (common == DType.FLOAT64) common = DType.FLOAT32;
        try (Call c = new Call("concat")) {
            Tensor y = Tensor.onDevice(common, shape, memory.allocate(Tensor.count(shape) * common.byteSize()));
            long[] strides = strides(shape);
            long offset = 0;
            for (Tensor p : parts) {
                Operand po = c.in(p.dtype() == common ? p : convert(p, common), "part");
                if (po.buffer().byteSize() > 0 && p.numel() > 0) {
                    launch(runtime.kernel("scatter"), grid1(p.numel()), null,
                            po.buffer(), out(y), common.byteSize(), p.numel(), offset * strides[d],
                            padded(p.shape(), 1), padded(strides, 0));
                }
                offset += p.dim(d);
            }
            return y;
        }
    }

    /** Elements {@code [start, start + length)} along {@code dim}, as a new tensor. */
    @Override
    public Tensor narrow(Tensor x, int dim, int start, int length) {
        int d = dim < 0 ? dim + x.rank() : dim;
        if (d < 0 || d >= x.rank() || start < 0 || length < 0 || start + length > x.dim(d) || x.rank() > MAX_RANK) {
            throw new IllegalArgumentException("narrow: [" + start + ", " + (start + length) + ") along dimension " + dim
                    + " does not fit " + Arrays.toString(x.shape()));
        }
        int[] shape = x.shape();
        shape[d] = length;
        long[] strides = strides(x.shape());
        return gather("narrow", x, shape, strides, start * strides[d]);
    }

    @Override
    public Tensor permute(Tensor x, int... order) {
        int rank = x.rank();
        boolean[] seen = new boolean[rank];
        boolean valid = order.length == rank && rank <= MAX_RANK;
        for (int i = 0; valid && i < order.length; i++) {
            valid = order[i] >= 0 && order[i] < rank && !seen[order[i]];
            if (valid) seen[order[i]] = true;
        }
        if (!valid) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(order) + " is not an order of the "
                    + rank + " dimensions of " + Arrays.toString(x.shape()));
        }
        long[] in = strides(x.shape());
        int[] shape = new int[rank];
        long[] st = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = x.dim(order[i]);
            st[i] = in[order[i]];
        }
        return gather("permute", x, shape, st, 0);
    }

    private Tensor gather(String op, Tensor x, int[] shape, long[] strides, long base) {
        try (Call c = new Call(op)) {
            DType dtype = x.dtype() == DType.FLOAT64 ? DType.FLOAT32 : x.dtype();
            Operand xo = c.in(x, "x");
            Tensor y = Tensor.onDevice(dtype, shape, memory.allocate(Tensor.count(shape) * dtype.byteSize()));
            launch(runtime.kernel("gather"), grid1(y.numel()), null,
                    xo.buffer(), out(y), dtype.byteSize(), y.numel(), base, padded(shape, 1), padded(strides, 0));
            return y;
        }
    }

    /** Enqueues a kernel; when the device is out of memory, reclaims unreachable tensors' buffers and tries once more. */
    private void launch(ClRuntime.Kernel kernel, long[] global, long[] local, Object... args) {
        try {
            runtime.launch(kernel, global, local, args);
        } catch (OpenClException e) {
            if (!DeviceMemory.isOutOfMemory(e.errorCode())) throw e;
            memory.collect(1000);
            runtime.launch(kernel, global, local, args);
        }
    }

    /** Row-major strides of a shape, in elements. */
    private static long[] strides(int[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** The values right-aligned in an OpenCL int8, leading entries {@code fill}. */
    private static int[] padded(int[] v, int fill) {
        int[] out = new int[MAX_RANK];
        Arrays.fill(out, fill);
        System.arraycopy(v, 0, out, MAX_RANK - v.length, v.length);
        return out;
    }

    private static int[] padded(long[] v, int fill) {
        int[] out = new int[MAX_RANK];
        Arrays.fill(out, fill);
        for (int i = 0; i < v.length; i++) out[MAX_RANK - v.length + i] = Math.toIntExact(v[i]);
        return out;
    }

    // ---- elementwise ----------------------------------------------------------------------------

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return binary("add", a, b, OP_ADD);
    }

    @Override
    public Tensor mul(Tensor a, Tensor b) {
        return binary("mul", a, b, OP_MUL);
    }

    /** a - b with NumPy broadcasting. */
    @Override
    public Tensor sub(Tensor a, Tensor b) {
        return binary("sub", a, b, OP_SUB);
    }

    private Tensor binary(String op, Tensor a, Tensor b, int code) {
        int[] shape = broadcastShape(op, a.shape(), b.shape());
        try (Call c = new Call(op)) {
            Operand ao = c.in(a, "a"), bo = c.in(b, "b");
            Tensor y = result(shape);
            if (Arrays.equals(a.shape(), b.shape())) {
                launch(runtime.kernel("binary_same"), grid1(y.numel()), null,
                        ao.buffer(), ao.dtype(), bo.buffer(), bo.dtype(), out(y), y.numel(), code);
            } else {
                launch(runtime.kernel("binary_broadcast"), grid1(y.numel()), null,
                        ao.buffer(), ao.dtype(), bo.buffer(), bo.dtype(), out(y), y.numel(), code,
                        padded(shape, 1), broadcastStrides(a.shape(), shape.length), broadcastStrides(b.shape(), shape.length));
            }
            return y;
        }
    }

    /** NumPy's broadcast shape: aligned at the last dimension, sizes equal or 1. */
    private static int[] broadcastShape(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        if (rank > MAX_RANK) throw new IllegalArgumentException(op + ": more than " + MAX_RANK + " dimensions");
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

    /** An operand's strides in a result of {@code rank} dimensions: 0 where it is broadcast. */
    private static int[] broadcastStrides(int[] shape, int rank) {
        long[] s = strides(shape);
        long[] full = new long[rank];
        for (int i = 0; i < shape.length; i++) full[rank - shape.length + i] = shape[i] == 1 ? 0 : s[i];
        return padded(full, 0);
    }

    // ---- embeddings and conversion --------------------------------------------------------------

    /**
     * Computed on the host in diffusers' float32 order of operations and uploaded: the result is tiny, and
     * arguments of up to ~1000 radians would magnify any ulp by which a device's exp differs.
     */
    @Override
    public Tensor timestepEmbedding(float[] timesteps, int dim, boolean flipSinToCos, float downscaleFreqShift,
                                    float scale, int maxPeriod) {
        open();
        int half = dim / 2;
        float[] y = new float[timesteps.length * dim];
        float c = (float) -Math.log(maxPeriod);
        for (int n = 0; n < timesteps.length; n++) {
            for (int k = 0; k < half; k++) {
                float exponent = c * k / (half - downscaleFreqShift);
                float freq = (float) Math.exp(exponent);
                float arg = timesteps[n] * freq * scale;
                float sin = (float) Math.sin(arg), cos = (float) Math.cos(arg);
                y[n * dim + k] = flipSinToCos ? cos : sin;
                y[n * dim + half + k] = flipSinToCos ? sin : cos;
            }
        }
        return fromHost(Tensor.wrap(y, timesteps.length, dim));
    }

    @Override
    public Tensor convert(Tensor x, DType dtype) {
        int code = switch (dtype) {
            case FLOAT32 -> 0;
            case FLOAT16 -> 1;
            case BFLOAT16 -> 2;
            default -> throw new IllegalArgumentException("convert: to " + dtype + "; expected float32, float16 or bfloat16");
        };
        try (Call c = new Call("convert")) {
            Operand xo = c.in(x, "x");
            Tensor y = Tensor.onDevice(dtype, x.shape(), memory.allocate(x.numel() * dtype.byteSize()));
            launch(runtime.kernel("convert"), grid1(x.numel()), null, xo.buffer(), xo.dtype(), out(y), code, x.numel());
            return y;
        }
    }

    /** Waits until every operation enqueued so far has finished on the device. */
    @Override
    public void synchronize() {
        open();
        runtime.finish();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        synchronized (mappedUploads) {
            mappedUploads.clear();
        }
        synchronized (convTables) {
            convTables.clear();
        }
        memory.close();
        runtime.release();
    }

    @Override
    public String toString() {
        return name + " (" + runtime.device.name() + ")";
    }

}

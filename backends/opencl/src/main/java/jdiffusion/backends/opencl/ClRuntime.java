package jdiffusion.backends.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One device's OpenCL context, in-order command queue and compiled kernels, shared by every backend
 * created for that device: the kernels are compiled once per device and process, when the first backend
 * starts; attention is compiled per head size, and the register-blocked product kernels per variant and
 * product class, on first use and kept. The {@link GemmTuner} keeps the product variants chosen for the device.
 *
 * <p>Launches are serialised by one lock (kernel arguments are per kernel object, and {@code clSetKernelArg}
 * is not thread-safe); the queue runs them in order, so a result is ready for the next launch without waiting.
 */
final class ClRuntime {

    /** Work-items per group of the tiled GEMM/convolution kernels (16 x 16), fixed in the kernel source. */
    static final int GEMM_GROUP = 256;
    /** Output tile edges of the three builds of the GEMM/convolution kernels (thin, small and large products). */
    static final int THIN_TILE = 16, SMALL_TILE = 64, LARGE_TILE = 128;

    private static final String BUILD_OPTIONS = "-cl-std=CL1.2";
    private static final List<String> KERNELS = List.of("norm_rows", "softmax_rows", "unary",
            "geglu", "binary_same", "binary_broadcast", "gather", "scatter", "convert", "upsample_nearest", "pad2d",
            "embedding", "conv_table");
    private static final List<String> TILED_KERNELS = List.of("gemm", "conv2d");
    private static final Map<Long, ClRuntime> SHARED = new HashMap<>();

    /** A kernel object and its name (for error messages). */
    record Kernel(String name, MemorySegment handle) {
    }

    /** A local-memory argument of {@code bytes} bytes. */
    record Local(long bytes) {
    }

    /** A NULL buffer argument (an absent optional operand). */
    static final Object NULL_BUFFER = new Object();

    final OpenCl cl;
    final ClDevice device;
    final MemorySegment context;
    final MemorySegment queue;
    /** Work-items per group for the row reductions (a power of two). */
    final int reductionGroup;
    /** Query rows per work-group of the attention kernel (a power of two). */
    final int attentionGroup;

    /** Chooses the matrix-product variant per product class on this device (tests put their own in place). */
    volatile GemmTuner tuner;

    private final List<MemorySegment> programs = new java.util.ArrayList<>();
    /** Register-blocked kernels by build: a {@link Kernel}, or the reason the build cannot run here. */
    private final Map<String, Object> blocked = new ConcurrentHashMap<>();
    private final Map<String, Kernel> kernels = new LinkedHashMap<>();
    private final Map<Long, Attention> attention = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Arena scratchArena = Arena.ofShared();
    private final MemorySegment scratch = scratchArena.allocate(64, 16);
    private String lastKernel;
    private final LongAdder bytesToDevice = new LongAdder();
    private final LongAdder bytesToHost = new LongAdder();

    private record Attention(MemorySegment program, Kernel kernel, int keysPerTile) {
    }

    private ClRuntime(OpenCl cl, ClDevice device) {
        this.cl = cl;
        this.device = device;
        this.context = cl.createContext(device.handle());
        MemorySegment q = null;
        try {
            q = cl.createQueue(context, device.handle());
            String common = source("common.cl");
            MemorySegment p = cl.buildProgram(context, device.handle(), common + source("kernels.cl"), BUILD_OPTIONS,
                    "kernels.cl for " + device.name());
            programs.add(p);
            for (String name : KERNELS) kernels.put(name, new Kernel(name, cl.createKernel(p, name)));
            for (int tile : new int[]{THIN_TILE, SMALL_TILE, LARGE_TILE}) {
                MemorySegment g = cl.buildProgram(context, device.handle(), common + source("gemm.cl"),
                        BUILD_OPTIONS + " -DTS=" + tile, "gemm.cl (tile " + tile + ") for " + device.name());
                programs.add(g);
                for (String name : TILED_KERNELS) {
                    String key = tiledName(name, tile);
                    kernels.put(key, new Kernel(key, cl.createKernel(g, name)));
                }
            }
        } catch (RuntimeException e) {
            for (Kernel k : kernels.values()) cl.releaseKernel(k.handle());
            for (MemorySegment p : programs) cl.releaseProgram(p);
            if (q != null) cl.releaseQueue(q);
            cl.releaseContext(context);
            scratchArena.close();
            throw e;
        }
        this.queue = q;
        for (String tiled : kernels.keySet().stream().filter(k -> k.startsWith("gemm") || k.startsWith("conv2d")).toList()) {
            long max = cl.kernelWorkGroupSize(kernels.get(tiled).handle(), device.handle(), tiled);
            if (max < GEMM_GROUP) {
                close();
                throw new IllegalStateException("OpenCL device " + device.name() + " runs at most " + max
                        + " work-items per group for kernel " + tiled + "; jdiffusion's tiled kernels need " + GEMM_GROUP);
            }
        }
        this.reductionGroup = powerOfTwoAtMost(Math.min(256,
                cl.kernelWorkGroupSize(kernels.get("norm_rows").handle(), device.handle(), "norm_rows")));
        this.attentionGroup = powerOfTwoAtMost(Math.min(64, device.maxWorkGroupSize()));
        GemmTuner.Settings tuning = GemmTuner.Settings.fromSystemProperties();
        if (tuning.verbose()) System.err.println("opencl device: " + device.describe() + ", driver " + device.driverVersion());
        this.tuner = new GemmTuner(tuning, tuningKey(device), GemmVariant.ALL, System::nanoTime, System.err);
    }

    /**
     * The name of this device's file of tuned choices: the device's name and a digest of everything a choice
     * depends on (device, driver, kernel sources, variants), so a new driver or kernel starts afresh.
     */
    private static String tuningKey(ClDevice device) {
        String identity = String.join("|", device.platformName(), device.name(), device.vendor(), device.version(),
                device.driverVersion(), source("common.cl"), source("gemm.cl"), source("sgemm.cl"), GemmVariant.ALL.toString());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            String name = device.name().replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-|-$", "");
            return (name.length() > 60 ? name.substring(0, 60) : name) + "-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The register-blocked kernel of {@code variant} for a problem class, built on first use; null when that
     * build cannot run on this device ({@link #whyNotRunnable} says why): it does not fit the class, needs more
     * work-items or local memory than the device gives, or failed to build.
     */
    Kernel blockedKernel(GemmVariant variant, GemmVariant.Kind kind, int adt, int bdt, int va, int vb) {
        Object k = blocked.computeIfAbsent(blockedKey(variant, kind, adt, bdt, va, vb),
                key -> buildBlocked(variant, kind, adt, bdt, va, vb));
        return k instanceof Kernel kernel ? kernel : null;
    }

    /** Why {@link #blockedKernel} gave null for this build ("" when it did not, or was not asked). */
    String whyNotRunnable(GemmVariant variant, GemmVariant.Kind kind, int adt, int bdt, int va, int vb) {
        return blocked.get(blockedKey(variant, kind, adt, bdt, va, vb)) instanceof String why ? why : "";
    }

    private static String blockedKey(GemmVariant variant, GemmVariant.Kind kind, int adt, int bdt, int va, int vb) {
        return variant.name() + " " + variant.options(kind, adt, bdt, va, vb);
    }

    private Object buildBlocked(GemmVariant v, GemmVariant.Kind kind, int adt, int bdt, int va, int vb) {
        if (v.classic() || !v.fits(kind, va, vb)) return v.name() + " does not fit " + kind + " with vector widths " + va + "/" + vb;
        if (v.threads() > device.maxWorkGroupSize()) {
            return v.name() + " needs " + v.threads() + " work-items per group; the device allows " + device.maxWorkGroupSize();
        }
        if (v.localBytes() > device.localMemBytes()) {
            return v.name() + " needs " + v.localBytes() + " bytes of local memory; the device has " + device.localMemBytes();
        }
        String name = kind == GemmVariant.Kind.CONV ? "sconv" : "sgemm";
        MemorySegment program;
        try {
            program = cl.buildProgram(context, device.handle(), source("common.cl") + source("sgemm.cl"),
                    BUILD_OPTIONS + " " + v.options(kind, adt, bdt, va, vb) + " -DUNROLL=" + (device.type().equals("CPU") ? 0 : 1),
                    "sgemm.cl (" + v.name() + ") for " + device.name());
        } catch (OpenClException e) {
            return v.name() + " failed to build: " + e.getMessage();
        }
        MemorySegment kernel = null;
        try {
            kernel = cl.createKernel(program, name);
            long max = cl.kernelWorkGroupSize(kernel, device.handle(), name);
            if (max < v.threads()) {
                cl.releaseKernel(kernel);
                cl.releaseProgram(program);
                return v.name() + " needs " + v.threads() + " work-items per group; the built kernel allows " + max;
            }
        } catch (OpenClException e) {
            if (kernel != null) cl.releaseKernel(kernel);
            cl.releaseProgram(program);
            return v.name() + ": " + e.getMessage();
        }
        synchronized (programs) {
            programs.add(program);
        }
        return new Kernel(name + "(" + v.name() + ")", kernel);
    }

    /**
     * The runtime of {@code device}: created, with its kernels compiled, for the first backend on the device,
     * then kept for the life of the process, so later backends on the device start without compiling.
     */
    static ClRuntime acquire(OpenCl cl, ClDevice device) {
        synchronized (SHARED) {
            ClRuntime r = SHARED.get(device.handle().address());
            if (r == null) {
                r = new ClRuntime(cl, device);
                SHARED.put(device.handle().address(), r);
            }
            return r;
        }
    }

    /** Waits for the work a closing backend enqueued; the runtime itself stays for the next backend. */
    void release() {
        lock.lock();
        try {
            cl.finish(queue, lastKernel);
        } catch (OpenClException ignored) {
            // The backend is closing; an error here was already reported by the call that caused it.
        } finally {
            lock.unlock();
        }
    }

    private void close() {
        for (Object k : blocked.values()) {
            if (k instanceof Kernel kernel) cl.releaseKernel(kernel.handle());
        }
        blocked.clear();
        for (Attention a : attention.values()) {
            cl.releaseKernel(a.kernel().handle());
            cl.releaseProgram(a.program());
        }
        attention.clear();
        for (Kernel k : kernels.values()) cl.releaseKernel(k.handle());
        kernels.clear();
        for (MemorySegment p : programs) cl.releaseProgram(p);
        cl.releaseQueue(queue);
        cl.releaseContext(context);
        scratchArena.close();
    }

    /** The name of a tiled kernel built for output tiles of {@code tile} x {@code tile}. */
    static String tiledName(String kernel, int tile) {
        return kernel + tile;
    }

    Kernel kernel(String name) {
        Kernel k = kernels.get(name);
        if (k == null) throw new IllegalArgumentException("no OpenCL kernel " + name);
        return k;
    }

    /** Keys staged per tile by the attention kernel for head sizes (d, dv). */
    int attentionKeysPerTile(int d, int dv) {
        return attention(d, dv).keysPerTile();
    }

    /** The attention kernel for query/key head size {@code d} and value head size {@code dv}, compiled on first use. */
    Kernel attentionKernel(int d, int dv) {
        return attention(d, dv).kernel();
    }

    private Attention attention(int d, int dv) {
        long key = ((long) d << 32) | dv;
        lock.lock();
        try {
            Attention a = attention.get(key);
            if (a != null) return a;
            // Keys per tile: as many as fit (K and V tiles) in half the local memory, at most 32.
            long budget = Math.min(device.localMemBytes(), 48 * 1024) / 2;
            int bkv = 32;
            while (bkv > 1 && 4L * bkv * (d + dv) > budget) bkv /= 2;
            String options = BUILD_OPTIONS + " -DHD=" + d + " -DHDV=" + dv + " -DBQ=" + attentionGroup + " -DBKV=" + bkv;
            MemorySegment p = cl.buildProgram(context, device.handle(), source("common.cl") + source("attention.cl"),
                    options, "attention.cl for " + device.name());
            a = new Attention(p, new Kernel("attention(d=" + d + ", dv=" + dv + ")", cl.createKernel(p, "attention")), bkv);
            attention.put(key, a);
            return a;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets the arguments and enqueues {@code kernel} over {@code global} work-items in groups of {@code local}
     * (null: the runtime chooses). Arguments: {@link ClBuffer}, {@link #NULL_BUFFER}, Integer, Long, Float,
     * int[8] (an OpenCL {@code int8}), {@link Local}.
     */
    void launch(Kernel kernel, long[] global, long[] local, Object... args) {
        for (long g : global) {
            if (g == 0) return;
        }
        lock.lock();
        try {
            MemorySegment k = kernel.handle();
            for (int i = 0; i < args.length; i++) setArg(k, i, args[i], kernel.name());
            cl.enqueue(queue, k, global, local, kernel.name());
            lastKernel = kernel.name();
        } finally {
            lock.unlock();
        }
    }

    private void setArg(MemorySegment k, int i, Object arg, String name) {
        switch (arg) {
            case ClBuffer b -> {
                scratch.set(ValueLayout.ADDRESS, 0, b.mem());
                cl.setArg(k, i, ValueLayout.ADDRESS.byteSize(), scratch, name);
            }
            case Integer v -> {
                scratch.set(ValueLayout.JAVA_INT, 0, v);
                cl.setArg(k, i, 4, scratch, name);
            }
            case Long v -> {
                scratch.set(ValueLayout.JAVA_LONG, 0, v);
                cl.setArg(k, i, 8, scratch, name);
            }
            case Float v -> {
                scratch.set(ValueLayout.JAVA_FLOAT, 0, v);
                cl.setArg(k, i, 4, scratch, name);
            }
            case int[] v when v.length == 8 -> {
                MemorySegment.copy(v, 0, scratch, ValueLayout.JAVA_INT, 0, 8);
                cl.setArg(k, i, 32, scratch, name);
            }
            case Local l -> cl.setArg(k, i, l.bytes(), MemorySegment.NULL, name);
            default -> {
                if (arg != NULL_BUFFER) throw new IllegalArgumentException("unsupported kernel argument " + arg);
                scratch.set(ValueLayout.ADDRESS, 0, MemorySegment.NULL);
                cl.setArg(k, i, ValueLayout.ADDRESS.byteSize(), scratch, name);
            }
        }
    }

    /** Blocking upload of {@code src} (native memory) into {@code dst}. */
    void write(ClBuffer dst, MemorySegment src) {
        cl.write(queue, dst.mem(), 0, src);
        bytesToDevice.add(src.byteSize());
    }

    /** Blocking download of {@code dst.byteSize()} bytes of {@code src} after every queued command. */
    void read(ClBuffer src, MemorySegment dst) {
        cl.read(queue, src.mem(), 0, dst, lastKernel);
        bytesToHost.add(dst.byteSize());
    }

    /** Bytes copied from the host to this device so far (what shows whether weights are uploaded once). */
    long bytesToDevice() {
        return bytesToDevice.sum();
    }

    /** Bytes copied from this device to the host so far. */
    long bytesToHost() {
        return bytesToHost.sum();
    }

    void fillZero(ClBuffer b, long bytes) {
        lock.lock();
        try {
            cl.fillZero(queue, b.mem(), bytes);
        } finally {
            lock.unlock();
        }
    }

    /** Waits for every queued command; errors name the last kernel enqueued. */
    void finish() {
        cl.finish(queue, lastKernel);
    }

    private static int powerOfTwoAtMost(long n) {
        return Integer.highestOneBit((int) Math.max(1, Math.min(n, 1 << 20)));
    }

    private static String source(String file) {
        try (InputStream in = ClRuntime.class.getResourceAsStream(file)) {
            if (in == null) throw new IllegalStateException("kernel source " + file + " missing from the OpenCL backend's jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel source " + file, e);
        }
    }
}

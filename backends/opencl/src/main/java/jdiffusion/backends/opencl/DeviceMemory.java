package jdiffusion.backends.opencl;

import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The device memory of one backend: allocates buffers, counts the bytes alive, and releases what is left
 * when the backend closes.
 *
 * <p>The Java heap does not see device memory, so unreachable tensors may hold much of it before a
 * collection runs their cleaners. Past a budget (80% of the device's memory) a collection is requested
 * once per eighth of the budget allocated since the last one, so that a working set that really is that
 * large (a model's weights) does not collect on every allocation; when the driver refuses memory, a
 * collection runs and the allocation (or launch) is retried once the cleaners have released what they can.
 */
final class DeviceMemory {

    private final OpenCl cl;
    private final ClRuntime runtime;
    private final long budget;
    private final Set<Allocation> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong allocatedSinceCollection = new AtomicLong();
    private volatile boolean closed;

    DeviceMemory(ClRuntime runtime) {
        this.cl = runtime.cl;
        this.runtime = runtime;
        // Leave room for the driver and other users of the device.
        this.budget = (long) (runtime.device.globalMemBytes() * 0.8);
    }

    /** One {@code cl_mem}; run() releases it (once). Holds no reference to its {@link ClBuffer}. */
    final class Allocation implements Runnable {
        private final MemorySegment mem;
        private final long bytes;
        private final AtomicBoolean released = new AtomicBoolean();

        Allocation(MemorySegment mem, long bytes) {
            this.mem = mem;
            this.bytes = bytes;
        }

        MemorySegment mem() {
            return mem;
        }

        long bytes() {
            return bytes;
        }

        boolean isReleased() {
            return released.get();
        }

        @Override
        public void run() {
            if (released.compareAndSet(false, true)) {
                live.remove(this);
                liveBytes.addAndGet(-bytes);
                // The runtime keeps the memory until queued commands using it complete.
                cl.releaseMemObject(mem);
            }
        }
    }

    /** A new buffer of {@code bytes} bytes (at least 4: OpenCL has no empty buffers). */
    ClBuffer allocate(long bytes) {
        if (closed) throw new IllegalStateException("the OpenCL backend is closed");
        long size = Math.max(4, (bytes + 3) & ~3L);
        if (size > runtime.device.maxAllocBytes()) {
            throw new IllegalArgumentException("a tensor of " + bytes + " bytes exceeds the largest buffer OpenCL device "
                    + runtime.device.name() + " allocates (" + runtime.device.maxAllocBytes() + " bytes)");
        }
        if (liveBytes.get() + size > budget && allocatedSinceCollection.get() > budget / 8) collect(20);
        int[] err = new int[1];
        MemorySegment mem = cl.createBuffer(runtime.context, size, err);
        if (isOutOfMemory(err[0])) {
            collect(1000);
            mem = cl.createBuffer(runtime.context, size, err);
        }
        if (err[0] != OpenCl.CL_SUCCESS) {
            throw new OpenClException("clCreateBuffer", err[0], null, size + " bytes, " + liveBytes.get()
                    + " bytes already held by live tensors on " + runtime.device.name());
        }
        Allocation a = new Allocation(mem, size);
        live.add(a);
        liveBytes.addAndGet(size);
        allocatedSinceCollection.addAndGet(size);
        return new ClBuffer(this, a);
    }

    /** Whether an OpenCL error means the device (or host) ran out of memory. */
    static boolean isOutOfMemory(int error) {
        return error == -4 || error == -5 || error == -6;
    }

    /**
     * Asks the collector to find unreachable tensors and waits up to {@code maxMillis} for their cleaners
     * to release device memory (returning as soon as the releases stop).
     */
    void collect(long maxMillis) {
        allocatedSinceCollection.set(0);
        long before = liveBytes.get();
        System.gc();
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        long last = before;
        try {
            Thread.sleep(2);
            while (System.nanoTime() < deadline) {
                Thread.sleep(5);
                long now = liveBytes.get();
                if (now == last && now < before) return;
                last = now;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Bytes held by buffers not yet released. */
    long liveBytes() {
        return liveBytes.get();
    }

    /** Releases every buffer still alive; later allocations fail. */
    void close() {
        closed = true;
        for (Allocation a : live.toArray(new Allocation[0])) a.run();
    }
}

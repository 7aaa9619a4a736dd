package jdiffusion.backends.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The backend's worker threads. {@link #forEach} hands out task indices from a shared counter
 * (dynamic scheduling, so uneven tiles balance), runs on {@code threads - 1} pool threads plus the
 * calling thread, and returns when all tasks are done. Kernels split their work into a few tasks per
 * thread; small operations run inline.
 */
final class Parallel implements AutoCloseable {

    /** No pool: everything runs on the calling thread (for work already split across the pool). */
    static final Parallel SERIAL = new Parallel(1);

    private final int threads;
    private final ExecutorService pool;

    Parallel(int threads) {
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> new Worker(this, r, "jdiffusion-cpu-" + n.incrementAndGet());
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1, factory) : null;
    }

    int threads() {
        return threads;
    }

    /** Runs {@code body} for every task index in [0, tasks), in parallel when worth it. */
    void forEach(int tasks, IntConsumer body) {
        if (tasks <= 0) return;
        int workers = Math.min(threads, tasks);
        // A task that itself calls forEach runs the inner loop inline: its pool may be busy waiting on it.
        if (workers <= 1 || pool == null || Thread.currentThread() instanceof Worker w && w.owner == this) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < tasks; ) body.accept(i);
        };
        List<Future<?>> futures = new ArrayList<>(workers - 1);
        for (int w = 1; w < workers; w++) futures.add(pool.submit(worker));
        Throwable failure = null;
        try {
            worker.run();
        } catch (RuntimeException | Error e) {
            failure = e;
            next.set(tasks);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new IllegalStateException("worker interrupted", failure);
    }

    /**
     * Splits [0, n) into about {@code threads * 4} chunks of at least {@code minChunk} and runs
     * {@code body.run(from, to)} for each.
     */
    void forRange(int n, int minChunk, RangeBody body) {
        int chunks = Math.max(1, Math.min(threads * 4, n / Math.max(1, minChunk)));
        if (chunks == 1) {
            if (n > 0) body.run(0, n);
            return;
        }
        forEach(chunks, c -> body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
    }

    /** A piece of work over an index range. */
    interface RangeBody {
        void run(int from, int to);
    }

    /** A pool thread, so nested calls can be recognised. */
    private static final class Worker extends Thread {
        final Parallel owner;

        Worker(Parallel owner, Runnable r, String name) {
            super(r, name);
            this.owner = owner;
            setDaemon(true);
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}

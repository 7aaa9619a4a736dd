package jdiffusion.backends.cpu;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures this machine's float32 peak as the Vector API reaches it: every thread runs twelve
 * independent fused multiply-add chains on the widest vectors (enough to cover FMA latency times the
 * number of FMA ports), so the number is the ceiling the matrix kernels are compared against.
 */
public final class PeakFlops {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;
    /** Iterations between deadline checks: about 0.1 ms. */
    private static final long BURST = 20_000;

    private PeakFlops() {
    }

    /** Lanes per vector of the preferred species on this machine. */
    public static int vectorLanes() {
        return S.length();
    }

    /**
     * GFLOP/s with {@code threads} threads: the best of {@code repeats} runs of {@code millisPerRun} each,
     * after one untimed run that gets the loop compiled on every thread. Each thread repeats a short
     * burst of chains until the run's deadline, so a late JIT or a slow thread start only costs a burst.
     */
    public static double measure(int threads, int repeats, int millisPerRun) {
        double best = 0;
        for (int r = 0; r <= repeats; r++) {
            long[] counts = new long[threads];
            float[] sink = new float[threads];
            List<Thread> ts = new ArrayList<>();
            long start = System.nanoTime();
            long deadline = start + millisPerRun * 1_000_000L;
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    long n = 0;
                    float acc = 0;
                    while (System.nanoTime() < deadline) {
                        acc += chains(BURST);
                        n += BURST;
                    }
                    counts[id] = n;
                    sink[id] = acc;
                });
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                try {
                    th.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while measuring peak FLOP/s", e);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long total = 0;
            for (long c : counts) total += c;
            if (r > 0) best = Math.max(best, 2.0 * S.length() * CHAINS * total / seconds / 1e9);
        }
        return best;
    }

    /** {@code iterations} rounds of twelve dependent-free vector FMAs; the result keeps them alive. */
    static float chains(long iterations) {
        FloatVector a = FloatVector.broadcast(S, 0.999999f);
        FloatVector b = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(S, 1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}

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

    private PeakFlops() {
    }

    /** Lanes per vector of the preferred species on this machine. */
    public static int vectorLanes() {
        return S.length();
    }

    /**
     * GFLOP/s with {@code threads} threads: the best of {@code repeats} runs of about
     * {@code millisPerRun} each, after a warm-up that gets the loop compiled.
     */
    public static double measure(int threads, int repeats, int millisPerRun) {
        long iterations = 1_000_000;
        chains(20_000);  // compile
        chains(20_000);
        // Size the run: time one calibration pass on this thread.
        long t0 = System.nanoTime();
        chains(iterations);
        double perIteration = (System.nanoTime() - t0) / (double) iterations;
        long runIterations = Math.max(100_000, (long) (millisPerRun * 1e6 / Math.max(perIteration, 1e-3)));
        double best = 0;
        for (int r = 0; r < repeats; r++) {
            List<Thread> ts = new ArrayList<>();
            float[] sink = new float[threads];
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> sink[id] = chains(runIterations));
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
            double flops = 2.0 * S.length() * CHAINS * runIterations * threads;
            best = Math.max(best, flops / seconds / 1e9);
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

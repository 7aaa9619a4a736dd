package jdiffusion.backends.cpu;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The GEMM micro-kernel alone, one thread, on panels that stay in L1/L2: the ceiling of the blocked
 * matrix product, to compare with {@link #fmaPeak}, the same thread's FMA peak. microKernel counts
 * kernel calls of MR x NR x 256 multiply-adds (14 x 32 x 256 with AVX-512: calls/us x 229 = GFLOP/s).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmKernelBenchmark {

    private static final int KC = 256;
    private static final int PANELS = 8;

    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setup() {
        Random r = new Random(1);
        a = new float[Gemm.MR * KC * PANELS];
        b = new float[Gemm.NR * KC];
        c = new float[Gemm.MR * Gemm.NR * PANELS];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
    }

    /** One B panel against eight A panels, as the blocked loop runs it. */
    @Benchmark
    @OperationsPerInvocation(PANELS)
    public float[] microKernel() {
        for (int p = 0; p < PANELS; p++) {
            Gemm.kernel(a, p * Gemm.MR * KC, b, 0, KC, c, p * Gemm.MR * Gemm.NR, Gemm.NR, true, null, 0, null, 0);
        }
        return c;
    }

    /**
     * Twelve independent FMA chains: vector FMA instructions per microsecond at this thread's peak
     * (x lanes x 2 / 1000 = GFLOP/s; {@link PeakFlops#vectorLanes()} lanes).
     */
    @Benchmark
    @OperationsPerInvocation(12 * 100_000)
    public float fmaPeak() {
        return PeakFlops.chains(100_000);
    }
}

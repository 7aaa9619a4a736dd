package jdiffusion.backends.cpu;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SD1.5-sized operations of {@link OpBenchmarks} under JMH, one call per invocation. GFLOP/s =
 * the case's nominal flops / the reported time (the {@code jdiffusion bench ops} command prints both).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OpsBenchmark {

    @Param({"conv2d", "conv2d_fp16", "conv2d_s2", "matmul", "linear", "linear_fp16", "attention", "groupnorm", "layernorm", "silu"})
    public String id;

    /** Worker threads; 0 = one per processor. */
    @Param("0")
    public int threads;

    private Backend backend;
    private Supplier<Tensor> op;

    @Setup
    public void setup() {
        backend = new CpuBackend(threads);
        op = OpBenchmarks.byId(id).setup().apply(backend);
    }

    @TearDown
    public void tearDown() {
        backend.close();
    }

    @Benchmark
    public Tensor run() {
        return op.get();
    }
}

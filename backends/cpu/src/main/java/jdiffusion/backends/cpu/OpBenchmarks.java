package jdiffusion.backends.cpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;

/**
 * The operations of a Stable Diffusion 1.5 UNet step at 512x512 (64x64 latents, batch 2 for
 * classifier-free guidance), timed on any {@link Backend}: the numbers behind {@code jdiffusion bench ops}
 * and the JMH benchmarks. Each case reports the median of several timed calls after warm-up calls.
 */
public final class OpBenchmarks {

    /**
     * One benchmarked operation: a short unique id, the op's name, its shape in words, its nominal
     * floating-point work, and how to prepare it on a backend (inputs made once, the call returned).
     */
    public record Case(String id, String op, String shape, double flops, Function<Backend, Supplier<Tensor>> setup) {
    }

    /** A measured case. */
    public record Result(String op, String shape, double flops, double medianMillis, double gflops) {
        /** Percent of {@code peakGflops}. */
        public double percentOf(double peakGflops) {
            return 100 * gflops / peakGflops;
        }
    }

    private OpBenchmarks() {
    }

    private static Tensor random(long seed, int... shape) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian() * 0.5f;
        return Tensor.wrap(v, shape);
    }

    private static Tensor weight(long seed, DType dtype, int... shape) {
        Tensor t = random(seed, shape);
        return dtype == DType.FLOAT32 ? t : Tensor.ofFloats(dtype, t.toFloatArray(), shape);
    }

    /** The standard cases at SD1.5 sizes. */
    public static List<Case> standard() {
        List<Case> cases = new ArrayList<>();
        for (DType wt : List.of(DType.FLOAT32, DType.FLOAT16)) {
            String suffix = wt == DType.FLOAT32 ? "" : " w=fp16";
            String id = wt == DType.FLOAT32 ? "" : "_fp16";
            cases.add(new Case("conv2d" + id, "conv2d", "x[2,320,64,64] w[320,320,3,3] pad 1" + suffix, 2.0 * 2 * 320 * 320 * 9 * 64 * 64,
                    b -> {
                        Tensor x = b.fromHost(random(1, 2, 320, 64, 64));
                        Tensor w = b.fromHost(weight(2, wt, 320, 320, 3, 3));
                        Tensor bias = b.fromHost(random(3, 320));
                        return () -> b.conv2d(x, w, bias, Conv2dParams.of(1, 1));
                    }));
        }
        // SD's stride-2 downsampler: not a Winograd shape, so this times the implicit-im2col GEMM.
        cases.add(new Case("conv2d_s2", "conv2d", "x[2,320,64,64] w[320,320,3,3] stride 2 pad 1", 2.0 * 2 * 320 * 320 * 9 * 32 * 32,
                b -> {
                    Tensor x = b.fromHost(random(19, 2, 320, 64, 64));
                    Tensor w = b.fromHost(random(20, 320, 320, 3, 3));
                    Tensor bias = b.fromHost(random(21, 320));
                    return () -> b.conv2d(x, w, bias, Conv2dParams.of(2, 1));
                }));
        cases.add(new Case("matmul", "matmul", "[4096,320] x [320,1280]", 2.0 * 4096 * 320 * 1280, b -> {
            Tensor x = b.fromHost(random(4, 4096, 320));
            Tensor y = b.fromHost(random(5, 320, 1280));
            return () -> b.matmul(x, y, false);
        }));
        for (DType wt : List.of(DType.FLOAT32, DType.FLOAT16)) {
            String suffix = wt == DType.FLOAT32 ? "" : " w=fp16";
            String id = wt == DType.FLOAT32 ? "" : "_fp16";
            cases.add(new Case("linear" + id, "linear", "x[2,4096,320] w[2560,320] (GEGLU proj)" + suffix, 2.0 * 8192 * 320 * 2560, b -> {
                Tensor x = b.fromHost(random(6, 2, 4096, 320));
                Tensor w = b.fromHost(weight(7, wt, 2560, 320));
                Tensor bias = b.fromHost(random(8, 2560));
                return () -> b.linear(x, w, bias);
            }));
        }
        cases.add(new Case("attention", "attention", "q,k,v[1,4096,320] 8 heads x 40", 4.0 * 8 * 4096 * 4096 * 40, b -> {
            Tensor q = b.fromHost(random(9, 1, 4096, 320));
            Tensor k = b.fromHost(random(10, 1, 4096, 320));
            Tensor v = b.fromHost(random(11, 1, 4096, 320));
            float scale = (float) (1 / Math.sqrt(40));
            return () -> b.attention(q, k, v, 8, scale, false);
        }));
        // Normalisation: nominal 8 flops per element (mean, variance, normalise, affine); memory-bound.
        cases.add(new Case("groupnorm", "groupnorm", "x[2,320,64,64] 32 groups", 8.0 * 2 * 320 * 64 * 64, b -> {
            Tensor x = b.fromHost(random(12, 2, 320, 64, 64));
            Tensor g = b.fromHost(random(13, 320));
            Tensor beta = b.fromHost(random(14, 320));
            return () -> b.groupNorm(x, 32, g, beta, 1e-5f);
        }));
        cases.add(new Case("layernorm", "layernorm", "x[2,4096,320]", 8.0 * 2 * 4096 * 320, b -> {
            Tensor x = b.fromHost(random(15, 2, 4096, 320));
            Tensor g = b.fromHost(random(16, 320));
            Tensor beta = b.fromHost(random(17, 320));
            return () -> b.layerNorm(x, g, beta, 1e-5f);
        }));
        cases.add(new Case("silu", "silu", "x[2,320,64,64]", 4.0 * 2 * 320 * 64 * 64, b -> {
            Tensor x = b.fromHost(random(18, 2, 320, 64, 64));
            return () -> b.silu(x);
        }));
        return cases;
    }

    /** The standard case with this id; the error lists the ids. */
    public static Case byId(String id) {
        for (Case c : standard()) {
            if (c.id().equals(id)) return c;
        }
        throw new IllegalArgumentException("no benchmark case \"" + id + "\"; known: "
                + standard().stream().map(Case::id).toList());
    }

    /** Runs {@code c}: {@code warmup} untimed calls, then the median of {@code runs} timed ones. */
    public static Result run(Backend backend, Case c, int warmup, int runs) {
        return run(backend, c, warmup, 0, runs);
    }

    /**
     * Runs {@code c}: untimed calls until both {@code warmup} calls and {@code warmupMillis} have passed
     * (the JIT compiles the vector kernels only after many loop iterations; before that they run in the
     * interpreter or C1 without vector instructions), then the median of {@code runs} timed calls.
     */
    public static Result run(Backend backend, Case c, int warmup, long warmupMillis, int runs) {
        Supplier<Tensor> op = c.setup().apply(backend);
        long start = System.nanoTime();
        for (int i = 0; i < warmup || (System.nanoTime() - start) / 1_000_000 < warmupMillis; i++) {
            op.get();
            backend.synchronize();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            op.get();
            // Device backends return once the work is queued: wait for it, without timing a copy to the host.
            backend.synchronize();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        double median = runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
        return new Result(c.op(), c.shape(), c.flops(), median, c.flops() / (median * 1e6));
    }
}

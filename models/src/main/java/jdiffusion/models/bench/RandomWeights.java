package jdiffusion.models.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.weights.WeightException;
import jdiffusion.models.weights.WeightSource;

/**
 * Seeded random weights of whatever shape a network asks for, in off-heap memory (as memory-mapped
 * weights would be): matrices and kernels uniform with variance 1/fan_in, norm scales near 1, biases
 * near 0. Each tensor's values depend only on the seed and its name, so runs are reproducible. For
 * benchmarks at real model sizes without downloading weights.
 */
public final class RandomWeights implements WeightSource {

    private final long seed;
    private final DType dtype;
    private final Predicate<String> absent;
    private final Arena arena = Arena.ofAuto();
    private final Map<String, Tensor> made = new LinkedHashMap<>();

    /**
     * @param dtype  float32 or float16 storage
     * @param absent keys the real model does not have (e.g. UNet attention has no q/k/v biases)
     */
    public RandomWeights(long seed, DType dtype, Predicate<String> absent) {
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT16) throw new IllegalArgumentException("random weights are F32 or F16, not " + dtype);
        this.seed = seed;
        this.dtype = dtype;
        this.absent = absent;
    }

    /** Diffusers' UNet attention: q, k, v projections without bias. */
    public static Predicate<String> unetAbsentKeys() {
        return k -> k.endsWith("to_q.bias") || k.endsWith("to_k.bias") || k.endsWith("to_v.bias");
    }

    @Override
    public String description() {
        return "random weights (seed " + seed + ", " + dtype.safetensorsName() + ")";
    }

    @Override
    public synchronized Set<String> names() {
        return new LinkedHashSet<>(made.keySet());
    }

    @Override
    public boolean contains(String name) {
        return !absent.test(name);
    }

    @Override
    public synchronized Tensor tensor(String name) {
        Tensor t = made.get(name);
        if (t == null) throw new WeightException(description() + ": \"" + name + "\" has not been created with a shape yet");
        return t;
    }

    @Override
    public synchronized Tensor tensor(String name, int... shape) {
        if (absent.test(name)) throw new WeightException(description() + ": missing tensor \"" + name + "\"");
        Tensor t = made.get(name);
        if (t != null) return WeightSource.super.tensor(name, shape);
        long n = Tensor.count(shape);
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
        double lo;
        double hi;
        if (shape.length >= 2) {
            long fanIn = n / shape[0];
            double a = Math.sqrt(3.0 / Math.max(1, fanIn));
            lo = -a;
            hi = a;
        } else if (name.endsWith("weight")) {
            lo = 0.9;
            hi = 1.1;
        } else {
            lo = -0.05;
            hi = 0.05;
        }
        MemorySegment seg = arena.allocate(n * dtype.byteSize(), 64);
        for (long i = 0; i < n; i++) {
            float v = (float) (lo + (hi - lo) * rnd.nextDouble());
            if (dtype == DType.FLOAT32) seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, v);
            else seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, Float.floatToFloat16(v));
        }
        t = Tensor.of(dtype, shape, seg);
        made.put(name, t);
        return t;
    }
}

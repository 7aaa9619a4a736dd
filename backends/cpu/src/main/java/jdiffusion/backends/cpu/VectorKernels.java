package jdiffusion.backends.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The memory-bound kernels on the Vector API: activations, normalisation rows, softmax rows and
 * broadcast binary runs. Each works on a range of a float array and has its scalar twin in
 * {@link ScalarKernels}; the tails shorter than a vector go through masked loads and stores.
 */
final class VectorKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorKernels() {
    }

    /** The activation functions. */
    enum Activation {
        SILU, GELU, GELU_TANH, QUICK_GELU, EXP, SCALE, CLAMP
    }

    /** y[yo + i] = f(x[xo + i]) for i in [0, n); {@code p0}, {@code p1} are SCALE's factor / CLAMP's bounds. */
    static void activation(Activation f, float[] x, int xo, float[] y, int yo, int n, float p0, float p1) {
        int i = 0;
        for (; i + L <= n; i += L) {
            apply(f, FloatVector.fromArray(S, x, xo + i), p0, p1).intoArray(y, yo + i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            apply(f, FloatVector.fromArray(S, x, xo + i, m), p0, p1).intoArray(y, yo + i, m);
        }
    }

    private static FloatVector apply(Activation f, FloatVector v, float p0, float p1) {
        return switch (f) {
            case SILU -> silu(v);
            case GELU -> gelu(v);
            case GELU_TANH -> geluTanh(v);
            case QUICK_GELU -> v.div(VectorMath.exp(v.mul(-1.702f)).add(1f));
            case EXP -> VectorMath.exp(v);
            case SCALE -> v.mul(p0);
            case CLAMP -> v.max(p0).min(p1);
        };
    }

    static FloatVector silu(FloatVector v) {
        return v.div(VectorMath.exp(v.neg()).add(1f));
    }

    static FloatVector geluTanh(FloatVector v) {
        FloatVector inner = v.mul(v).mul(0.044715f).add(1f).mul(v).mul(0.7978845608028654f);
        return v.mul(0.5f).mul(VectorMath.tanh(inner).add(1f));
    }

    /** 0.5 x (1 + erf(x / sqrt 2)) with {@link ScalarKernels#erf}'s approximation, lane by lane. */
    static FloatVector gelu(FloatVector v) {
        return v.mul(0.5f).mul(erf(v.mul(0.70710678118654752f)).add(1f));
    }

    /** erf as {@link ScalarKernels#erf}: 1 - t exp(-z^2 + P(t)), t = 1 / (1 + z / 2), z = |x|, sign restored. */
    static FloatVector erf(FloatVector x) {
        FloatVector z = x.abs();
        FloatVector t = z.mul(0.5f).add(1f);
        t = FloatVector.broadcast(S, 1f).div(t);
        FloatVector p = t.mul(0.17087277f).add(-0.82215223f);
        p = p.mul(t).add(1.48851587f);
        p = p.mul(t).add(-1.13520398f);
        p = p.mul(t).add(0.27886807f);
        p = p.mul(t).add(-0.18628806f);
        p = p.mul(t).add(0.09678418f);
        p = p.mul(t).add(0.37409196f);
        p = p.mul(t).add(1.00002368f);
        p = p.mul(t).add(-1.26551223f);
        FloatVector erfc = t.mul(VectorMath.exp(z.mul(z).neg().add(p)));
        FloatVector r = erfc.neg().add(1f);
        return r.blend(r.neg(), x.compare(VectorOperators.LT, 0f));
    }

    /** GEGLU over rows of 2d: y[r, i] = x[r, i] * gelu(x[r, d + i]). */
    static void geglu(float[] x, int xo, float[] y, int yo, int rows, int d) {
        for (int r = 0; r < rows; r++) {
            int src = xo + r * 2 * d;
            int dst = yo + r * d;
            int i = 0;
            for (; i + L <= d; i += L) {
                FloatVector a = FloatVector.fromArray(S, x, src + i);
                FloatVector g = FloatVector.fromArray(S, x, src + d + i);
                a.mul(gelu(g)).intoArray(y, dst + i);
            }
            if (i < d) {
                VectorMask<Float> m = S.indexInRange(i, d);
                FloatVector a = FloatVector.fromArray(S, x, src + i, m);
                FloatVector g = FloatVector.fromArray(S, x, src + d + i, m);
                a.mul(gelu(g)).intoArray(y, dst + i, m);
            }
        }
    }

    private static float sum(float[] x, int xo, int n) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = acc0;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            acc0 = acc0.add(FloatVector.fromArray(S, x, xo + i));
            acc1 = acc1.add(FloatVector.fromArray(S, x, xo + i + L));
        }
        for (; i + L <= n; i += L) acc0 = acc0.add(FloatVector.fromArray(S, x, xo + i));
        float s = VectorMath.sumLanes(acc0.add(acc1));
        for (; i < n; i++) s += x[xo + i];
        return s;
    }

    private static float sumSquaredDeviations(float[] x, int xo, int n, float mean) {
        FloatVector m = FloatVector.broadcast(S, mean);
        FloatVector acc0 = FloatVector.zero(S), acc1 = acc0;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector d0 = FloatVector.fromArray(S, x, xo + i).sub(m);
            FloatVector d1 = FloatVector.fromArray(S, x, xo + i + L).sub(m);
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
        }
        for (; i + L <= n; i += L) {
            FloatVector d0 = FloatVector.fromArray(S, x, xo + i).sub(m);
            acc0 = d0.fma(d0, acc0);
        }
        float s = VectorMath.sumLanes(acc0.add(acc1));
        for (; i < n; i++) {
            float d = x[xo + i] - mean;
            s += d * d;
        }
        return s;
    }

    /**
     * Normalises x[xo, xo + len) with its mean and biased variance (two passes, for accuracy), then the
     * affine map of channel {@code affineStart + i / affineStride} (group norm: stride = spatial size;
     * layer norm: stride 1, the affine vector applied lane by lane).
     */
    static void normalize(float[] x, int xo, int len, float eps, float[] gamma, float[] beta, int affineStart,
                          int affineStride, float[] y, int yo) {
        float mean = sum(x, xo, len) / len;
        float var = sumSquaredDeviations(x, xo, len, mean) / len;
        float inv = (float) (1 / Math.sqrt(var + eps));
        if (affineStride == 1) {
            FloatVector m = FloatVector.broadcast(S, mean);
            FloatVector iv = FloatVector.broadcast(S, inv);
            int i = 0;
            for (; i < len; i += L) {
                VectorMask<Float> mask = S.indexInRange(i, len);
                FloatVector z = FloatVector.fromArray(S, x, xo + i, mask).sub(m).mul(iv);
                if (gamma != null) z = z.mul(FloatVector.fromArray(S, gamma, affineStart + i, mask));
                if (beta != null) z = z.add(FloatVector.fromArray(S, beta, affineStart + i, mask));
                z.intoArray(y, yo + i, mask);
            }
            return;
        }
        // One channel (a run of affineStride values) at a time: y = x * a + b with per-channel a, b.
        for (int c0 = 0; c0 < len; c0 += affineStride) {
            int ch = affineStart + c0 / affineStride;
            float a = inv * (gamma == null ? 1f : gamma[ch]);
            float b = (beta == null ? 0f : beta[ch]) - mean * a;
            FloatVector av = FloatVector.broadcast(S, a);
            FloatVector bv = FloatVector.broadcast(S, b);
            int end = Math.min(len, c0 + affineStride);
            int i = c0;
            for (; i + L <= end; i += L) FloatVector.fromArray(S, x, xo + i).fma(av, bv).intoArray(y, yo + i);
            if (i < end) {
                VectorMask<Float> mask = S.indexInRange(i, end);
                FloatVector.fromArray(S, x, xo + i, mask).fma(av, bv).intoArray(y, yo + i, mask);
            }
        }
    }

    /** Softmax of one row. */
    static void softmaxRow(float[] x, int xo, int n, float[] y, int yo) {
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + L <= n; i += L) mx = mx.max(FloatVector.fromArray(S, x, xo + i));
        float max = mx.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) max = Math.max(max, x[xo + i]);
        FloatVector m = FloatVector.broadcast(S, max);
        FloatVector sum = FloatVector.zero(S);
        for (i = 0; i < n; i += L) {
            VectorMask<Float> mask = S.indexInRange(i, n);
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, xo + i, mask).sub(m));
            e.intoArray(y, yo + i, mask);
            sum = sum.add(e, mask);
        }
        FloatVector inv = FloatVector.broadcast(S, 1 / VectorMath.sumLanes(sum));
        for (i = 0; i < n; i += L) {
            VectorMask<Float> mask = S.indexInRange(i, n);
            FloatVector.fromArray(S, y, yo + i, mask).mul(inv).intoArray(y, yo + i, mask);
        }
    }

    /** The binary operations of {@link CpuBackend#add} and friends. */
    enum Binary {
        ADD, SUB, MUL
    }

    /**
     * y[yo + i] = a[ao + i * sa] op b[bo + i * sb] for i in [0, n), strides 0 (broadcast) or 1.
     */
    static void binaryRun(Binary op, float[] a, int ao, int sa, float[] b, int bo, int sb, float[] y, int yo, int n) {
        if (sa == 1 && sb == 1) {
            int i = 0;
            for (; i + L <= n; i += L) {
                combine(op, FloatVector.fromArray(S, a, ao + i), FloatVector.fromArray(S, b, bo + i)).intoArray(y, yo + i);
            }
            for (; i < n; i++) y[yo + i] = combine(op, a[ao + i], b[bo + i]);
        } else if (sa == 1) {
            FloatVector bv = FloatVector.broadcast(S, b[bo]);
            int i = 0;
            for (; i + L <= n; i += L) combine(op, FloatVector.fromArray(S, a, ao + i), bv).intoArray(y, yo + i);
            for (; i < n; i++) y[yo + i] = combine(op, a[ao + i], b[bo]);
        } else if (sb == 1) {
            FloatVector av = FloatVector.broadcast(S, a[ao]);
            int i = 0;
            for (; i + L <= n; i += L) combine(op, av, FloatVector.fromArray(S, b, bo + i)).intoArray(y, yo + i);
            for (; i < n; i++) y[yo + i] = combine(op, a[ao], b[bo + i]);
        } else {
            float v = combine(op, a[ao], b[bo]);
            for (int i = 0; i < n; i++) y[yo + i] = v;
        }
    }

    private static FloatVector combine(Binary op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
        };
    }

    static float combine(Binary op, float a, float b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
        };
    }
}

package jdiffusion.samplers;

import jdiffusion.samplers.step.Float32Math;

/**
 * Float32 elementary functions as torch computes them on the CPU (torch 1.13, AVX2): {@code exp}, {@code log},
 * {@code expm1} and {@code tan} of float32 tensors, including 0-d ones, go through SLEEF's vectorised u10
 * kernels, and vectorised {@code pow} through SLEEF's powf; these are accurate to 1 ulp but not correctly
 * rounded (exp differs from the correctly rounded value for about one input in ten). They are evaluated here
 * in the same float operations (FMA where SLEEF's AVX2 build fuses), following the algorithms of SLEEF 3.5
 * (Shibata and Petrogalli, "SLEEF: A Portable Vectorized Library of C Standard Mathematical Functions",
 * IEEE TPDS 2020), so that samplers and schedules reproduce torch's rounding. Functions that torch evaluates
 * with the C library instead (scalar sigmoid, logit, pow of a 0-d tensor) are correctly rounded in practice
 * and are taken in double and rounded once.
 */
public final class TorchMath {

    private TorchMath() {
    }

    /** exp as torch's float32 tensor exp (SLEEF xexpf, u10). */
    public static float exp(float d) {
        return Float32Math.exp(d);
    }

    /** log as torch's float32 tensor log (SLEEF xlogf_u1). */
    public static float log(float d) {
        return Float32Math.log(d);
    }

    /** expm1 as torch's float32 tensor expm1 (SLEEF xexpm1f, u10). */
    public static float expm1(float a) {
        return Float32Math.expm1(a);
    }

    /** tan as torch's float32 tensor tan (SLEEF xtanf_u1) for |d| &lt; 125; beyond, the correctly rounded value. */
    public static float tan(float d) {
        if (!(Math.abs(d) < 125.0f)) return (float) Math.tan(d);
        float u = (float) Math.rint(d * (float) (2 * 0.318309886183790671537767526745028724));
        int q = (int) u;
        float v = Math.fma(u, -3.1414794921875f * 0.5f, d);
        float[] s = addDf(v, u * (-0.00011315941810607910156f * 0.5f));
        s = addDf(s, u * (-1.9841872589410058936e-09f * 0.5f));
        boolean odd = (q & 1) == 1;
        if (odd) s = new float[] {-s[0], -s[1]};
        float[] t = s;
        s = squDf(s);
        s = normalizeDf(s);
        float p = 0.00446636462584137916564941f;
        p = Math.fma(p, s[0], -8.3920182078145444393158e-05f);
        p = Math.fma(p, s[0], 0.0109639242291450500488281f);
        p = Math.fma(p, s[0], 0.0212360303848981857299805f);
        p = Math.fma(p, s[0], 0.0540687143802642822265625f);
        float[] x = addDf2(0.133325666189193725585938f, p * s[0]);
        x = addDf(1f, mulDf(addDf(0.33333361148834228515625f, mulDf(s, x)), s));
        x = mulDf(t, x);
        if (odd) x = recDf(x);
        float r = x[0] + x[1];
        if (d == 0 && Float.floatToRawIntBits(d) != 0) return d;
        return r;
    }

    /**
     * Applies a unary float function to a whole tensor the way torch's {@code cpu_kernel_vec} does: whole
     * blocks of 16 elements with the vectorised kernel, the remaining tail with the scalar one.
     */
    public static float[] vectorised(float[] x, java.util.function.IntFunction<Float> vectorKernel,
                                     java.util.function.IntFunction<Float> scalarKernel) {
        float[] out = new float[x.length];
        int blocks = x.length / 16 * 16;
        for (int i = 0; i < x.length; i++) out[i] = i < blocks ? vectorKernel.apply(i) : scalarKernel.apply(i);
        return out;
    }

    /** {@code x ** e} of a float32 tensor by a Python float, as torch: special exponents, else SLEEF/libc powf. */
    public static float[] pow(float[] x, double e) {
        return vectorised(x, i -> powScalar(x[i], e, true), i -> powScalar(x[i], e, false));
    }

    /**
     * One element of torch's pow by a Python float: sqrt, rsqrt and reciprocal for 0.5, -0.5 and -1, products
     * for 2, 3 and -2, else SLEEF's powf with a float exponent (vectorised) or the C library's pow in double
     * (scalar; the exponent is not rounded to float there).
     */
    public static float powScalar(float x, double e, boolean vector) {
        if (e == 1) return x;
        if (e == 2) return x * x;
        if (e == 3) return x * x * x;
        if (e == 0.5) return (float) Math.sqrt(x);
        if (e == -1) return 1.0f / x;
        if (e == -0.5) return 1.0f / (float) Math.sqrt(x);
        if (e == -2) return (float) (1.0 / (x * x));
        return vector ? Float32Math.pow(x, e) : (float) Math.pow(x, e);
    }

    /**
     * The 2-norm of a float32 vector as torch's CPU reduction computes it: squares accumulated with fused
     * multiply-adds in eight lanes (element i in lane i mod 8), the lanes summed in order, then the square root.
     */
    public static float norm(float[] v) {
        float[] acc = new float[8];
        for (int i = 0; i < v.length; i++) acc[i % 8] = Math.fma(v[i], v[i], acc[i % 8]);
        float sum = 0f;
        for (float a : acc) sum += a;
        return (float) Math.sqrt(sum);
    }

    /** {@code log(x / (1 - x))} of a float32 tensor as torch's logit kernel (SLEEF log on whole blocks). */
    public static float[] logit(float[] x) {
        return vectorised(x, i -> log(x[i] / (1.0f - x[i])), i -> (float) Math.log(x[i] / (1.0f - x[i])));
    }

    // --- double-float helpers (SLEEF's df.h with FMA) ---

    /** dfadd2_vf2_vf_vf. */
    private static float[] addDf(float x, float y) {
        float s = x + y;
        float v = s - x;
        return new float[] {s, (x - (s - v)) + (y - v)};
    }

    /** dfadd_vf2_vf_vf (|x| &gt;= |y|). */
    private static float[] addDf2(float x, float y) {
        float s = x + y;
        return new float[] {s, (x - s) + y};
    }

    /** dfadd_vf2_vf2_vf. */
    private static float[] addDf(float[] x, float y) {
        float s = x[0] + y;
        return new float[] {s, ((x[0] - s) + y) + x[1]};
    }

    /** dfadd_vf2_vf_vf2. */
    private static float[] addDf(float x, float[] y) {
        float s = x + y[0];
        return new float[] {s, ((x - s) + y[0]) + y[1]};
    }

    private static float[] normalizeDf(float[] t) {
        float s = t[0] + t[1];
        return new float[] {s, (t[0] - s) + t[1]};
    }

    private static float[] mulDf(float[] x, float[] y) {
        float s = x[0] * y[0];
        return new float[] {s, Math.fma(x[0], y[1], Math.fma(x[1], y[0], Math.fma(x[0], y[0], -s)))};
    }

    private static float[] squDf(float[] x) {
        float s = x[0] * x[0];
        return new float[] {s, Math.fma(x[0] + x[0], x[1], Math.fma(x[0], x[0], -s))};
    }

    private static float[] recDf(float[] d) {
        float s = 1.0f / d[0];
        return new float[] {s, s * Math.fma(-d[1], s, Math.fma(-d[0], s, 1f))};
    }

}

package jdiffusion.samplers;

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

    private static final float L2U = 0.693145751953125f;
    private static final float L2L = 1.428606765330187045e-06f;
    private static final float R_LN2 = 1.442695040888963407359924681001892137426645954152985934135449406931f;

    private static float pow2i(int q) {
        return Float.intBitsToFloat((q + 0x7f) << 23);
    }

    private static float ldexp2(float d, int e) {
        return d * pow2i(e >> 1) * pow2i(e - (e >> 1));
    }

    /** Round to nearest, ties to even, as cvtps2dq. */
    private static int rint(float x) {
        return (int) Math.rint(x);
    }

    /** exp as torch's float32 tensor exp (SLEEF xexpf, u10). */
    public static float exp(float d) {
        if (Float.isNaN(d)) return d;
        int q = rint(d * R_LN2);
        float s = Math.fma((float) q, -L2U, d);
        s = Math.fma((float) q, -L2L, s);
        float u = 0.000198527617612853646278381f;
        u = Math.fma(u, s, 0.00139304355252534151077271f);
        u = Math.fma(u, s, 0.00833336077630519866943359f);
        u = Math.fma(u, s, 0.0416664853692054748535156f);
        u = Math.fma(u, s, 0.166666671633720397949219f);
        u = Math.fma(u, s, 0.5f);
        u = 1.0f + Math.fma(s * s, u, s);
        u = ldexp2(u, q);
        if (d < -104) u = 0;
        if (100 < d) u = Float.POSITIVE_INFINITY;
        return u;
    }

    /** log as torch's float32 tensor log (SLEEF xlogf_u1). */
    public static float log(float d) {
        if (Float.isNaN(d) || d < 0) return Float.NaN;
        if (d == 0) return Float.NEGATIVE_INFINITY;
        if (d == Float.POSITIVE_INFINITY) return d;
        boolean o = d < Float.MIN_NORMAL;
        if (o) d = d * ((float) (1L << 32) * (float) (1L << 32));
        int e = ilogb2k(d * (1.0f / 0.75f));
        float m = ldexp3(d, -e);
        if (o) e -= 64;
        float sx = 0.69314718246459960938f * e;
        float sy = Math.fma(-1.904654323148236017e-09f, e, Math.fma(0.69314718246459960938f, e, -sx));
        float[] x = divDf(addDf(-1f, m), addDf(1f, m));
        float x2 = x[0] * x[0];
        float t = 0.3027294874e+0f;
        t = Math.fma(t, x2, 0.3996108174e+0f);
        t = Math.fma(t, x2, 0.6666694880e+0f);
        // s = s + 2x (|s| >= |2x|), then + x^3 t
        float ax = x[0] * 2f;
        float ay = x[1] * 2f;
        float s0 = sx + ax;
        float s1 = (((sx - s0) + ax) + sy) + ay;
        float add = (x2 * x[0]) * t;
        float r0 = s0 + add;
        float r1 = ((s0 - r0) + add) + s1;
        return r0 + r1;
    }

    /** expm1 as torch's float32 tensor expm1 (SLEEF xexpm1f, u10). */
    public static float expm1(float a) {
        if (Float.isNaN(a)) return a;
        if (a > 88.72283172607421875f) return Float.POSITIVE_INFINITY;
        if (a < -16.635532333438687426013570f) return -1f;
        if (a == 0 && Float.floatToRawIntBits(a) != 0) return -0.0f;
        float[] t = expk2(a, 0f);
        float[] d = add2Df(t, -1.0f);
        return d[0] + d[1];
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
     * pow as torch's vectorised float32 pow (SLEEF xpowf, u10) for x &gt;= 0; torch uses it for whole
     * vectors of a tensor (its scalar tail and 0-d tensors use the C library's powf instead).
     */
    public static float powVectorised(float x, float y) {
        if (Float.isNaN(x) || Float.isNaN(y)) return Float.NaN;
        if (y == 0 || x == 1) return 1f;
        if (x < 0) return (float) Math.pow(x, y);
        if (x == 0) return y < 0 ? Float.POSITIVE_INFINITY : 0f;
        if (Float.isInfinite(x)) return y < 0 ? 0f : Float.POSITIVE_INFINITY;
        float[] l = logk(x);
        float[] m = mulDf(l, y);
        float r = expk(m);
        if (Float.isNaN(r)) r = Float.POSITIVE_INFINITY;
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
        return vector ? powVectorised(x, (float) e) : (float) Math.pow(x, e);
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

    private static int ilogb2k(float d) {
        return ((Float.floatToRawIntBits(d) >>> 23) & 0xff) - 0x7f;
    }

    private static float ldexp3(float d, int q) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(d) + (q << 23));
    }

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

    /** dfadd2_vf2_vf2_vf. */
    private static float[] add2Df(float[] x, float y) {
        float s = x[0] + y;
        float v = s - x[0];
        float t = (x[0] - (s - v)) + (y - v);
        return new float[] {s, t + x[1]};
    }

    /** dfadd2_vf2_vf2_vf2. */
    private static float[] add2Df(float[] x, float[] y) {
        float s = x[0] + y[0];
        float v = s - x[0];
        float t = (x[0] - (s - v)) + (y[0] - v);
        return new float[] {s, t + (x[1] + y[1])};
    }

    /** dfadd_vf2_vf_vf2. */
    private static float[] addDf(float x, float[] y) {
        float s = x + y[0];
        return new float[] {s, ((x - s) + y[0]) + y[1]};
    }

    /** dfadd_vf2_vf2_vf2 (|x| &gt;= |y|). */
    private static float[] addDf(float[] x, float[] y) {
        float s = x[0] + y[0];
        return new float[] {s, (((x[0] - s) + y[0]) + x[1]) + y[1]};
    }

    private static float[] normalizeDf(float[] t) {
        float s = t[0] + t[1];
        return new float[] {s, (t[0] - s) + t[1]};
    }

    private static float[] mulDf(float[] x, float y) {
        float s = x[0] * y;
        return new float[] {s, Math.fma(x[1], y, Math.fma(x[0], y, -s))};
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

    private static float[] divDf(float[] n, float[] d) {
        float t = 1.0f / d[0];
        float s = n[0] * t;
        float u = Math.fma(t, n[0], -s);
        float v = Math.fma(-d[1], t, Math.fma(-d[0], t, 1f));
        return new float[] {s, Math.fma(s, v, Math.fma(n[1], t, u))};
    }

    /** expk2f: e^(d.x + d.y) as a double-float. */
    private static float[] expk2(float dx, float dy) {
        float u = (dx + dy) * R_LN2;
        int q = rint(u);
        float[] s = add2Df(new float[] {dx, dy}, (float) q * -L2U);
        s = add2Df(s, (float) q * -L2L);
        u = 0.1980960224e-3f;
        u = Math.fma(u, s[0], 0.1394256484e-2f);
        u = Math.fma(u, s[0], 0.8333456703e-2f);
        u = Math.fma(u, s[0], 0.4166637361e-1f);
        float[] t = add2Df(mulDf(s, u), 0.166666659414234244790680580464e+0f);
        t = add2Df(mulDf(s, t), 0.5f);
        t = add2Df(s, mulDf(squDf(s), t));
        t = addDf(1f, t);
        float tx = ldexp2(t[0], q);
        float ty = ldexp2(t[1], q);
        if (dx < -104) {
            tx = 0;
            ty = 0;
        }
        return new float[] {tx, ty};
    }

    /** logkf: log(d) as a double-float. */
    private static float[] logk(float d) {
        boolean o = d < Float.MIN_NORMAL;
        if (o) d = d * ((float) (1L << 32) * (float) (1L << 32));
        int e = ilogb2k(d * (1.0f / 0.75f));
        float m = ldexp3(d, -e);
        if (o) e -= 64;
        float[] x = divDf(addDf(-1f, m), addDf(1f, m));
        float[] x2 = squDf(x);
        float t = 0.240320354700088500976562f;
        t = Math.fma(t, x2[0], 0.285112679004669189453125f);
        t = Math.fma(t, x2[0], 0.400007992982864379882812f);
        float[] c = {0.66666662693023681640625f, 3.69183861259614332084311e-09f};
        float[] s = mulDf(new float[] {0.69314718246459960938f, -1.904654323148236017e-09f}, (float) e);
        s = addDf(s, new float[] {x[0] * 2f, x[1] * 2f});
        s = addDf(s, mulDf(mulDf(x2, x), add2Df(mulDf(x2, t), c)));
        return s;
    }

    /** expkf: e^(d.x + d.y) as a float. */
    private static float expk(float[] d) {
        float u = (d[0] + d[1]) * R_LN2;
        int q = rint(u);
        float[] s = add2Df(d, (float) q * -L2U);
        s = add2Df(s, (float) q * -L2L);
        s = normalizeDf(s);
        u = 0.00136324646882712841033936f;
        u = Math.fma(u, s[0], 0.00836596917361021041870117f);
        u = Math.fma(u, s[0], 0.0416710823774337768554688f);
        u = Math.fma(u, s[0], 0.166665524244308471679688f);
        u = Math.fma(u, s[0], 0.499999850988388061523438f);
        float[] t = addDf(s, mulDf(squDf(s), u));
        t = addDf(1f, t);
        u = t[0] + t[1];
        u = ldexp(u, q);
        if (d[0] < -104) u = 0;
        return u;
    }

    /** vldexp_vf_vf_vi2: x * 2^q without intermediate overflow. */
    private static float ldexp(float x, int q) {
        int m = q >> 31;
        m = (((m + q) >> 6) - m) << 4;
        q = q - (m << 2);
        m = m + 0x7f;
        m = m > 0 ? m : 0;
        m = m > 0xff ? 0xff : m;
        float u = Float.intBitsToFloat(m << 23);
        x = x * u * u * u * u;
        u = Float.intBitsToFloat((q + 0x7f) << 23);
        return x * u;
    }
}

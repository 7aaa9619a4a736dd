package jdiffusion.samplers.step;

/**
 * The float32 {@code exp}, {@code log} and {@code expm1} of the SLEEF 3.5 vector library (AVX2 with fused
 * multiply-add), which PyTorch's CPU kernels apply to every element of a float32 tensor, a single value
 * included. Their results are within one ulp but not always correctly rounded, so matching PyTorch bit for
 * bit needs these exact evaluation orders: Cody-Waite range reduction, minimax polynomials, and
 * double-float (pairs of floats) arithmetic for the last bits.
 */
final class Sleef {

    private Sleef() {
    }

    private static final float R_LN2 = 1.442695040888963407359924681001892137426645954152985934135449406931f;
    private static final float L2U = 0.693145751953125f;
    private static final float L2L = 1.428606765330187045e-06f;

    /** SLEEF's {@code xexpf} (1.0 ulp). */
    static float exp(float d) {
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
        if (d < -104) u = 0f;
        if (100 < d) u = Float.POSITIVE_INFINITY;
        return u;
    }

    /** SLEEF's {@code xlogf_u1} (1.0 ulp). */
    static float log(float d) {
        float in = d;
        boolean tiny = d < Float.MIN_NORMAL;
        if (tiny) d = d * ((float) (1L << 32) * (float) (1L << 32));
        int e = ilogb2k(d * (1.0f / 0.75f));
        float m = ldexp3(d, -e);
        if (tiny) e -= 64;
        float[] x = div(add2(-1f, m), add2(1f, m));
        float x2 = x[0] * x[0];
        float t = 0.3027294874f;
        t = Math.fma(t, x2, 0.3996108174f);
        t = Math.fma(t, x2, 0.6666694880f);
        float[] s = mul(0.69314718246459960938f, -1.904654323148236017e-09f, (float) e);
        s = add(s[0], s[1], x[0] * 2, x[1] * 2);
        s = add(s[0], s[1], (x2 * x[0]) * t);
        float r = s[0] + s[1];
        if (d == Float.POSITIVE_INFINITY) r = Float.POSITIVE_INFINITY;
        if (in < 0 || Float.isNaN(in)) r = Float.NaN;
        if (in == 0) r = Float.NEGATIVE_INFINITY;
        return r;
    }

    /** SLEEF's {@code xexpm1f} (1.0 ulp). */
    static float expm1(float a) {
        float[] e = expk2(a, 0f);
        float[] d = add2(e[0], e[1], -1.0f);
        float x = d[0] + d[1];
        if (a > 88.72283172607421875f) x = Float.POSITIVE_INFINITY;
        if (a < -16.635532333438687426013570f) x = -1f;
        if (a == 0 && Float.floatToRawIntBits(a) == 0x80000000) x = -0.0f;
        return x;
    }

    private static float[] expk2(float dx, float dy) {
        float u = (dx + dy) * R_LN2;
        int q = rint(u);
        float[] s = add2(dx, dy, (float) q * -L2U);
        s = add2(s[0], s[1], (float) q * -L2L);
        u = 0.1980960224e-3f;
        u = Math.fma(u, s[0], 0.1394256484e-2f);
        u = Math.fma(u, s[0], 0.8333456703e-2f);
        u = Math.fma(u, s[0], 0.4166637361e-1f);
        float[] t = mul(s[0], s[1], u);
        t = add2(t[0], t[1], 0.166666659414234244790680580464e+0f);
        t = mul2(s[0], s[1], t[0], t[1]);
        t = add2(t[0], t[1], 0.5f);
        float[] sq = square(s[0], s[1]);
        float[] p = mul2(sq[0], sq[1], t[0], t[1]);
        t = add2(s[0], s[1], p[0], p[1]);
        t = addTo(1f, t[0], t[1]);
        float tx = ldexp2(t[0], q);
        float ty = ldexp2(t[1], q);
        if (dx < -104) {
            tx = 0f;
            ty = 0f;
        }
        return new float[] {tx, ty};
    }

    /** Round to nearest even, as {@code cvtps2dq}; out of range gives the integer indefinite value. */
    private static int rint(float x) {
        if (Float.isNaN(x) || Math.abs(x) >= 0x1p31f) return Integer.MIN_VALUE;
        return (int) Math.rint(x);
    }

    private static float pow2i(int q) {
        return Float.intBitsToFloat((q + 0x7f) << 23);
    }

    private static float ldexp2(float d, int e) {
        return d * pow2i(e >> 1) * pow2i(e - (e >> 1));
    }

    private static float ldexp3(float d, int q) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(d) + (q << 23));
    }

    private static int ilogb2k(float d) {
        return ((Float.floatToRawIntBits(d) >>> 23) & 0xff) - 0x7f;
    }

    // Double-float arithmetic (SLEEF df.h, FMA variants): a value is the unevaluated sum hi + lo.

    /** x + y, both floats, exact for any order of magnitude. */
    private static float[] add2(float x, float y) {
        float s = x + y;
        float v = s - x;
        return new float[] {s, (x - (s - v)) + (y - v)};
    }

    /** (xh, xl) + y. */
    private static float[] add2(float xh, float xl, float y) {
        float s = xh + y;
        float v = s - xh;
        float t = (xh - (s - v)) + (y - v);
        return new float[] {s, t + xl};
    }

    /** (xh, xl) + (yh, yl). */
    private static float[] add2(float xh, float xl, float yh, float yl) {
        float s = xh + yh;
        float v = s - xh;
        float t = (xh - (s - v)) + (yh - v);
        return new float[] {s, t + (xl + yl)};
    }

    /** (xh, xl) + (yh, yl) assuming |x| &gt;= |y|. */
    private static float[] add(float xh, float xl, float yh, float yl) {
        float s = xh + yh;
        return new float[] {s, (((xh - s) + yh) + xl) + yl};
    }

    /** (xh, xl) + y assuming |x| &gt;= |y|. */
    private static float[] add(float xh, float xl, float y) {
        float s = xh + y;
        return new float[] {s, ((xh - s) + y) + xl};
    }

    /** x + (yh, yl) assuming |x| &gt;= |y|. */
    private static float[] addTo(float x, float yh, float yl) {
        float s = x + yh;
        return new float[] {s, ((x - s) + yh) + yl};
    }

    /** (xh, xl) * y. */
    private static float[] mul(float xh, float xl, float y) {
        float s = xh * y;
        return new float[] {s, Math.fma(xl, y, Math.fma(xh, y, -s))};
    }

    /** (xh, xl) * (yh, yl). */
    private static float[] mul2(float xh, float xl, float yh, float yl) {
        float s = xh * yh;
        return new float[] {s, Math.fma(xh, yl, Math.fma(xl, yh, Math.fma(xh, yh, -s)))};
    }

    /** (xh, xl)^2. */
    private static float[] square(float xh, float xl) {
        float s = xh * xh;
        return new float[] {s, Math.fma(xh + xh, xl, Math.fma(xh, xh, -s))};
    }

    /** (nh, nl) / (dh, dl). */
    private static float[] div(float[] n, float[] d) {
        float t = 1.0f / d[0];
        float s = n[0] * t;
        float u = Math.fma(t, n[0], -s);
        float v = Math.fma(-d[1], t, Math.fma(-d[0], t, 1f));
        return new float[] {s, Math.fma(s, v, Math.fma(n[1], t, u))};
    }
}

package jdiffusion.samplers.step;

/**
 * The float32 {@code exp}, {@code log}, {@code expm1}, {@code pow}, {@code sin} and {@code atan2} of the SLEEF 3.5 vector library (AVX2 with fused
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

    /** SLEEF's {@code xpowf} (1.0 ulp). */
    static float pow(float x, float y) {
        boolean yIsInt = (float) (int) y == y || Math.abs(y) > (1 << 24);
        boolean yIsOdd = yIsInt && Math.abs(y) < (1 << 24) && (((int) y) & 1) == 1;
        float[] l = logk(Math.abs(x));
        float result = expk(mul(l[0], l[1], y));
        if (Float.isNaN(result)) result = Float.POSITIVE_INFINITY;
        result = result * (x > 0 ? 1f : yIsInt ? (yIsOdd ? -1f : 1f) : Float.NaN);
        float efx = mulsign(Math.abs(x) - 1, y);
        if (Float.isInfinite(y)) result = efx < 0 ? 0f : efx == 0 ? 1f : Float.POSITIVE_INFINITY;
        if (Float.isInfinite(x) || x == 0) {
            float sign = yIsOdd ? Math.copySign(1f, x) : 1f;
            float yy = x == 0 ? -y : y;
            result = sign * (yy < 0 ? 0f : Float.POSITIVE_INFINITY);
        }
        if (Float.isNaN(x) || Float.isNaN(y)) result = Float.NaN;
        if (y == 0 || x == 1) result = 1f;
        return result;
    }

    /** SLEEF's {@code xsinf_u1} (1.0 ulp) for |d| &lt; 125; larger arguments fall back to the double sine. */
    static float sin(float d) {
        if (!(Math.abs(d) < 125.0f)) return (float) Math.sin(d);
        float u = (float) Math.rint(d * (float) 0.318309886183790671537767526745028724);
        int q = (int) u;
        float v = Math.fma(u, -3.1414794921875f, d);
        float[] s = add2(v, u * -0.00011315941810607910156f);
        s = add(s[0], s[1], u * -1.9841872589410058936e-09f);
        float[] t = s;
        s = square(s[0], s[1]);
        u = 2.6083159809786593541503e-06f;
        u = Math.fma(u, s[0], -0.0001981069071916863322258f);
        u = Math.fma(u, s[0], 0.00833307858556509017944336f);
        float[] a = add1(-0.166666597127914428710938f, u * s[0]);
        float[] m = mul2(a[0], a[1], s[0], s[1]);
        float[] x = addTo(1f, m[0], m[1]);
        u = Math.fma(t[0], x[0], Math.fma(t[1], x[0], t[0] * x[1]));
        if ((q & 1) == 1) u = -u;
        if (d == 0 && Float.floatToRawIntBits(d) == 0x80000000) u = d;
        return u;
    }

    /** SLEEF's {@code xatan2f_u1} (1.0 ulp). */
    static float atan2(float y, float x) {
        if (Math.abs(x) < 2.9387372783541830947e-39f) {
            x = x * (1 << 24);
            y = y * (1 << 24);
        }
        float[] d = atan2k(Math.abs(y), x);
        float r = d[0] + d[1];
        r = mulsign(r, x);
        if (Float.isInfinite(x) || x == 0) r = (float) (Math.PI / 2) - isinf2(x, mulsign((float) (Math.PI / 2), x));
        if (Float.isInfinite(y)) r = (float) (Math.PI / 2) - isinf2(x, mulsign((float) (Math.PI / 4), x));
        if (y == 0f) r = (Float.floatToRawIntBits(x) < 0) ? (float) Math.PI : 0f;
        if (Float.isNaN(x) || Float.isNaN(y)) return Float.NaN;
        return mulsign(r, y);
    }

    private static float[] atan2k(float yx, float xx) {
        int q = xx < 0 ? -2 : 0;
        float xh = xx < 0 ? -xx : xx;
        float xl = 0f;
        float yh = yx;
        float yl = 0f;
        if (xh < yh) q = q + 1;
        boolean p = xh < yh;
        float sh = p ? -xh : yh;
        float sl = p ? -xl : yl;
        float th = p ? yh : xh;
        float tl = p ? yl : xl;
        float[] s = div(new float[] {sh, sl}, new float[] {th, tl});
        float[] t = square(s[0], s[1]);
        t = normalize(t[0], t[1]);
        float u = -0.00176397908944636583328247f;
        u = Math.fma(u, t[0], 0.0107900900766253471374512f);
        u = Math.fma(u, t[0], -0.0309564601629972457885742f);
        u = Math.fma(u, t[0], 0.0577365085482597351074219f);
        u = Math.fma(u, t[0], -0.0838950723409652709960938f);
        u = Math.fma(u, t[0], 0.109463557600975036621094f);
        u = Math.fma(u, t[0], -0.142626821994781494140625f);
        u = Math.fma(u, t[0], 0.199983194470405578613281f);
        float[] a = add1(-0.333332866430282592773438f, u * t[0]);
        t = mul2(t[0], t[1], a[0], a[1]);
        float[] b = addTo(1f, t[0], t[1]);
        t = mul2(s[0], s[1], b[0], b[1]);
        float[] c = mul(1.5707963705062866211f, -4.3711388286737928865e-08f, (float) q);
        return add(c[0], c[1], t[0], t[1]);
    }

    /** SLEEF's {@code logkf}: log(d) as a double-float. */
    private static float[] logk(float d) {
        boolean tiny = d < Float.MIN_NORMAL;
        if (tiny) d = d * ((float) (1L << 32) * (float) (1L << 32));
        int e = ilogb2k(d * (1.0f / 0.75f));
        float m = ldexp3(d, -e);
        if (tiny) e -= 64;
        float[] x = div(add2(-1f, m), add2(1f, m));
        float[] x2 = square(x[0], x[1]);
        float t = 0.240320354700088500976562f;
        t = Math.fma(t, x2[0], 0.285112679004669189453125f);
        t = Math.fma(t, x2[0], 0.400007992982864379882812f);
        float[] s = mul(0.69314718246459960938f, -1.904654323148236017e-09f, (float) e);
        s = add(s[0], s[1], x[0] * 2, x[1] * 2);
        float[] x2x = mul2(x2[0], x2[1], x[0], x[1]);
        float[] x2t = mul(x2[0], x2[1], t);
        float[] inner = add2(x2t[0], x2t[1], 0.66666662693023681640625f, 3.69183861259614332084311e-09f);
        float[] prod = mul2(x2x[0], x2x[1], inner[0], inner[1]);
        return add(s[0], s[1], prod[0], prod[1]);
    }

    /** SLEEF's {@code expkf}: exp of a double-float. */
    private static float expk(float[] d) {
        float u = (d[0] + d[1]) * R_LN2;
        int q = rint(u);
        float[] s = add2(d[0], d[1], (float) q * -L2U);
        s = add2(s[0], s[1], (float) q * -L2L);
        s = normalize(s[0], s[1]);
        u = 0.00136324646882712841033936f;
        u = Math.fma(u, s[0], 0.00836596917361021041870117f);
        u = Math.fma(u, s[0], 0.0416710823774337768554688f);
        u = Math.fma(u, s[0], 0.166665524244308471679688f);
        u = Math.fma(u, s[0], 0.499999850988388061523438f);
        float[] sq = square(s[0], s[1]);
        float[] p = mul(sq[0], sq[1], u);
        float[] t = add(s[0], s[1], p[0], p[1]);
        t = addTo(1f, t[0], t[1]);
        u = t[0] + t[1];
        u = ldexp(u, q);
        if (d[0] < -104) u = 0f;
        return u;
    }

    private static float mulsign(float x, float y) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(x) ^ (Float.floatToRawIntBits(y) & 0x80000000));
    }

    private static float isinf2(float d, float m) {
        return Float.isInfinite(d) ? Float.intBitsToFloat((Float.floatToRawIntBits(d) & 0x80000000) | Float.floatToRawIntBits(m)) : 0f;
    }

    private static float ldexp(float x, int q) {
        int m = q >> 31;
        m = (((m + q) >> 6) - m) << 4;
        q = q - (m << 2);
        m += 0x7f;
        m = m > 0 ? m : 0;
        m = m > 0xff ? 0xff : m;
        float u = Float.intBitsToFloat(m << 23);
        x = x * u * u * u * u;
        u = Float.intBitsToFloat((q + 0x7f) << 23);
        return x * u;
    }

    private static float[] normalize(float xh, float xl) {
        float s = xh + xl;
        return new float[] {s, (xh - s) + xl};
    }

    /** x + y, |x| &gt;= |y|. */
    private static float[] add1(float x, float y) {
        float s = x + y;
        return new float[] {s, (x - s) + y};
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

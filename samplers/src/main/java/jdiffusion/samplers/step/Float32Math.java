package jdiffusion.samplers.step;

/**
 * float32 elementary functions as PyTorch's CPU kernels compute them on float32 tensors (0-d ones
 * included): {@code exp}, {@code log}, {@code expm1} and {@code sin} by SLEEF's vector routines (within one
 * ulp, not always correctly rounded) for every element; {@code pow} and {@code atan2} by SLEEF for whole
 * blocks of 16 elements and by C's scalar functions for the rest; {@code sqrt} correctly rounded; and
 * PyTorch's special cases of {@code tensor ** exponent}.
 */
public final class Float32Math {

    private Float32Math() {
    }

    public static float exp(float x) {
        return Sleef.exp(x);
    }

    public static float log(float x) {
        return Sleef.log(x);
    }

    public static float expm1(float x) {
        return Sleef.expm1(x);
    }

    public static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }

    /**
     * {@code x ** exponent} as PyTorch evaluates a float32 tensor to a scalar power: 2 and 3 by repeated
     * multiplication, 0.5 as sqrt, -0.5 as 1/sqrt, -1 as 1/x, -2 as 1/(x*x), 0 as 1, 1 as x, otherwise pow.
     */
    public static float pow(float x, double exponent) {
        if (exponent == 0) return 1f;
        if (exponent == 1) return x;
        if (exponent == 2) return x * x;
        if (exponent == 3) return x * x * x;
        if (exponent == 0.5) return sqrt(x);
        if (exponent == -0.5) return 1f / sqrt(x);
        if (exponent == -1) return 1f / x;
        if (exponent == -2) return 1f / (x * x);
        return Sleef.pow(x, (float) exponent);
    }

    /** {@code powf} as C computes it for a single value (correctly rounded but for rare cases). */
    public static float powScalar(float x, float y) {
        return (float) Math.pow(x, y);
    }

    public static float sin(float x) {
        return Sleef.sin(x);
    }

    /** atan2(y, x) by SLEEF's vector routine. */
    public static float atan2(float y, float x) {
        return Sleef.atan2(y, x);
    }

    /**
     * {@code base ** exponent} over a contiguous float32 tensor: PyTorch's vectorised loop applies SLEEF to
     * blocks of 16 elements and C's {@code powf} to the rest.
     */
    public static float[] powTensor(float[] base, double exponent) {
        float[] out = new float[base.length];
        int vectorised = base.length / 16 * 16;
        for (int i = 0; i < base.length; i++) {
            boolean special = exponent == 0 || exponent == 1 || exponent == 2 || exponent == 3 || exponent == 0.5
                    || exponent == -0.5 || exponent == -1 || exponent == -2;
            out[i] = special || i < vectorised ? pow(base[i], exponent) : powScalar(base[i], (float) exponent);
        }
        return out;
    }

    /**
     * {@code torch.sigmoid} over a contiguous float32 tensor: 1 / (1 + exp(-x)), with SLEEF's exp in blocks
     * of 16 elements and C's {@code expf} for the rest.
     */
    public static float[] sigmoidTensor(float[] x) {
        float[] out = new float[x.length];
        int vectorised = x.length / 16 * 16;
        for (int i = 0; i < x.length; i++) {
            float e = i < vectorised ? Sleef.exp(-x[i]) : (float) Math.exp(-x[i]);
            out[i] = 1 / (1 + e);
        }
        return out;
    }

    /** atan2 over contiguous float32 tensors: SLEEF for blocks of 16 elements, C's {@code atan2f} for the rest. */
    public static float[] atan2Tensor(float[] y, float[] x) {
        float[] out = new float[y.length];
        int vectorised = y.length / 16 * 16;
        for (int i = 0; i < y.length; i++) {
            out[i] = i < vectorised ? Sleef.atan2(y[i], x[i]) : Fdlibm.atan2(y[i], x[i]);
        }
        return out;
    }
}

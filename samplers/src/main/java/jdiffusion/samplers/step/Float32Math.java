package jdiffusion.samplers.step;

/**
 * float32 elementary functions as PyTorch's CPU kernels compute them on float32 tensors (0-d ones
 * included): {@code exp}, {@code log} and {@code expm1} by SLEEF's vector routines (within one ulp, not always
 * correctly rounded), {@code sqrt} correctly rounded, and PyTorch's special cases of {@code tensor ** exponent}.
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
        return (float) Math.pow(x, (float) exponent);
    }
}

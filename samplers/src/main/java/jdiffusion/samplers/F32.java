package jdiffusion.samplers;

/**
 * Scalar float32 arithmetic as torch computes it on 0-d float32 tensors (the sigmas, step sizes and
 * coefficients of the k-diffusion samplers): every operation rounds to float32; exp, log and expm1 round as
 * torch's SLEEF kernels do ({@link TorchMath}), while sigmoid, logit and pow, which torch evaluates on 0-d
 * tensors with the C library, are correctly rounded.
 */
final class F32 {

    private F32() {
    }

    static float exp(float x) {
        return TorchMath.exp(x);
    }

    static float log(float x) {
        return TorchMath.log(x);
    }

    static float expm1(float x) {
        return TorchMath.expm1(x);
    }

    static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }

    /** {@code x ** e} for a Python float exponent: torch's special cases (2, 3, 0.5, -1, ...) then powf. */
    static float pow(float x, double e) {
        return TorchMath.powScalar(x, e, false);
    }

    /** torch's sigmoid of a 0-d tensor: 1 / (1 + exp(-x)) with the C library's expf. */
    static float sigmoid(float x) {
        return 1.0f / (1.0f + (float) Math.exp(-x));
    }

    /** torch's logit of a 0-d tensor without eps: log(x / (1 - x)) with the C library's logf. */
    static float logit(float x) {
        return (float) Math.log(x / (1.0f - x));
    }

    /**
     * torch.lerp with a scalar weight, in ATen's two-sided form (exact at both ends), with the multiply-add
     * fused as the compiled CPU kernel does.
     */
    static float lerp(float self, float end, float weight) {
        float diff = end - self;
        return Math.abs(weight) < 0.5f ? Math.fma(weight, diff, self) : Math.fma(-diff, 1.0f - weight, end);
    }

    /** torch.nan_to_num(x, nan=0.0): NaN to 0, infinities to the largest finite floats. */
    static float nanToNum(float x) {
        if (Float.isNaN(x)) return 0f;
        if (x == Float.POSITIVE_INFINITY) return Float.MAX_VALUE;
        if (x == Float.NEGATIVE_INFINITY) return -Float.MAX_VALUE;
        return x;
    }

    /** Python's {@code min(a, b)} on two values: {@code a} unless {@code b < a}. */
    static float pyMin(float a, float b) {
        return b < a ? b : a;
    }
}

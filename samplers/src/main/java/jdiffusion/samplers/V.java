package jdiffusion.samplers;

import jdiffusion.samplers.step.EulerStep;

/**
 * Element-wise float32 operations on latents, one torch operation each, so that sampler code reads like
 * the expression it mirrors ({@code x + d * dt} is {@code add(x, mul(d, dt))}). Every call returns a new array.
 */
final class V {

    private V() {
    }

    static float[] add(float[] a, float[] b) {
        float[] o = new float[a.length];
        for (int i = 0; i < o.length; i++) o[i] = a[i] + b[i];
        return o;
    }

    static float[] sub(float[] a, float[] b) {
        float[] o = new float[a.length];
        for (int i = 0; i < o.length; i++) o[i] = a[i] - b[i];
        return o;
    }

    static float[] mul(float[] a, float s) {
        float[] o = new float[a.length];
        for (int i = 0; i < o.length; i++) o[i] = a[i] * s;
        return o;
    }

    static float[] mul(float s, float[] a) {
        float[] o = new float[a.length];
        for (int i = 0; i < o.length; i++) o[i] = s * a[i];
        return o;
    }

    static float[] div(float[] a, float s) {
        float[] o = new float[a.length];
        for (int i = 0; i < o.length; i++) o[i] = a[i] / s;
        return o;
    }

    /** k-diffusion's {@code to_d}: the ODE derivative (x - denoised) / sigma (Karras et al. 2022, eq. 4), shared with the diffusers face. */
    static float[] toD(float[] x, float sigma, float[] denoised) {
        return EulerStep.derivative(x, denoised, sigma);
    }

    /** {@code a * s + b * t}, as two products and a sum. */
    static float[] lincomb(float s, float[] a, float t, float[] b) {
        float[] o = new float[a.length];
        for (int i = 0; i < o.length; i++) o[i] = s * a[i] + t * b[i];
        return o;
    }

    /** torch.lerp(a, b, w) element-wise with a scalar weight. */
    static float[] lerp(float[] a, float[] b, float w) {
        float[] o = new float[a.length];
        for (int i = 0; i < o.length; i++) o[i] = F32.lerp(a[i], b[i], w);
        return o;
    }

    /**
     * {@code sum_k mats[k] * coeffs[k]} accumulated as a BLAS matrix product does (torch.tensordot over the
     * stacked history): fused multiply-adds from zero, in order.
     */
    static float[] dot(float[][] mats, float[] coeffs) {
        float[] o = new float[mats[0].length];
        for (int i = 0; i < o.length; i++) {
            float acc = 0f;
            for (int k = 0; k < coeffs.length; k++) acc = Math.fma(mats[k][i], coeffs[k], acc);
            o[i] = acc;
        }
        return o;
    }
}

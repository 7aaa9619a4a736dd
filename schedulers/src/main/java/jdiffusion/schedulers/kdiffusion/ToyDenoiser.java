package jdiffusion.schedulers.kdiffusion;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.sampling.Denoiser;
import jdiffusion.core.schedule.ModelSampling;

/**
 * The reference data's toy denoiser, bit-exact in float32 ({@code s = sigma / 10; u = a x + b s;
 * D = c u / (1 + |u|)}), optionally with a second branch {@code b_uncond} mixed by classifier-free guidance
 * ({@code uncond + (cond - uncond) * scale}) for the CFG++ samplers. Records the sigma of every call. One run
 * at a time.
 */
final class ToyDenoiser implements Denoiser {

    private final float[] a;
    private final float[] b;
    private final float[] c;
    private final float[] bUncond;
    private final float condScale;
    private final ModelSampling modelSampling;
    private final List<Float> calls = new ArrayList<>();

    ToyDenoiser(float[] a, float[] b, float[] c, float[] bUncond, float condScale, ModelSampling modelSampling) {
        this.a = a;
        this.b = b;
        this.c = c;
        this.bUncond = bUncond;
        this.condScale = condScale;
        this.modelSampling = modelSampling;
    }

    private float[] toy(float[] x, float sigma, float[] bb) {
        if (x.length != a.length) throw new IllegalArgumentException("latent has " + x.length + " values, the toy model " + a.length);
        float s = sigma / 10f;
        float[] d = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float u = a[i] * x[i] + bb[i] * s;
            float o = u / (1f + Math.abs(u));
            d[i] = o * c[i];
        }
        return d;
    }

    @Override
    public float[] denoise(float[] x, float sigma) {
        if (bUncond != null) return denoiseGuided(x, sigma).denoised();
        calls.add(sigma);
        return toy(x, sigma, b);
    }

    @Override
    public Guided denoiseGuided(float[] x, float sigma) {
        if (bUncond == null) throw new UnsupportedOperationException("this case's toy model has no unconditional branch");
        calls.add(sigma);
        float[] cond = toy(x, sigma, b);
        float[] uncond = toy(x, sigma, bUncond);
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) out[i] = uncond[i] + (cond[i] - uncond[i]) * condScale;
        return new Guided(out, uncond);
    }

    @Override
    public ModelSampling modelSampling() {
        return modelSampling;
    }

    List<Float> calls() {
        return calls;
    }
}

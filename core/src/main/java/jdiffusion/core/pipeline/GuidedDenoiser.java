package jdiffusion.core.pipeline;

import jdiffusion.core.sampling.Denoiser;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.Parameterization;

/**
 * The UNet with classifier-free guidance as a k-diffusion denoiser {@code D(x; sigma)} (Karras et al. 2022,
 * eq. 7 with c_in = 1 / sqrt(sigma^2 + 1)): the input is scaled by c_in, the UNet sees the training timestep
 * nearest to sigma (as A1111 and ComfyUI feed it), and its epsilon or v prediction becomes the denoised
 * estimate. For inpainting without an inpainting UNet the known region is held at the noised original
 * before each evaluation and at the original in the estimate (ComfyUI's {@code KSamplerX0Inpaint}).
 */
final class GuidedDenoiser implements Denoiser {

    private final UnetCall unet;
    private final DiscreteModelSampling sampling;
    private final int batch;
    private final float scale;
    private final double rescale;
    private final boolean guidance;
    private final float[] latentMask;   // [batch, C, h, w] of 1 = repaint, or null
    private final float[] imageLatents; // the original's latents, for latentMask
    private final float[] noise;        // the initial noise, for latentMask
    private final Runnable beforeEval;

    GuidedDenoiser(UnetCall unet, DiscreteModelSampling sampling, int batch, double scale, double rescale,
                   boolean guidance, float[] latentMask, float[] imageLatents, float[] noise, Runnable beforeEval) {
        this.unet = unet;
        this.sampling = sampling;
        this.batch = batch;
        this.scale = (float) scale;
        this.rescale = rescale;
        this.guidance = guidance;
        this.latentMask = latentMask;
        this.imageLatents = imageLatents;
        this.noise = noise;
        this.beforeEval = beforeEval;
    }

    @Override
    public ModelSampling modelSampling() {
        return sampling;
    }

    @Override
    public float[] denoise(float[] x, float sigma) {
        return evaluate(x, sigma, false).denoised();
    }

    @Override
    public Guided denoiseGuided(float[] x, float sigma) {
        if (!guidance) throw new UnsupportedOperationException("guidance is off (scale <= 1): there is no unconditional branch");
        return evaluate(x, sigma, true);
    }

    private Guided evaluate(float[] x, float sigma, boolean wantUncond) {
        beforeEval.run();
        int n = x.length;
        float[] xs = x;
        if (latentMask != null) {
            xs = new float[n];
            for (int i = 0; i < n; i++) {
                float m = latentMask[i];
                xs[i] = x[i] * m + (imageLatents[i] + noise[i] * sigma) * (1f - m);
            }
        }
        float cIn = (float) Math.sqrt(sigma * sigma + 1f);
        float[] in = new float[n];
        for (int i = 0; i < n; i++) in[i] = xs[i] / cIn;
        float t = (float) sampling.timestep(sigma);
        float[] out = unet.predict(in, t);
        int per = n / batch;
        float[] guided = guidance ? Guidance.combine(out, batch, per, scale, rescale) : out;
        float[] denoised = toDenoised(guided, xs, sigma);
        float[] uncondDenoised = wantUncond ? toDenoised(Guidance.uncond(out, batch, per), xs, sigma) : null;
        if (latentMask != null) {
            keepKnown(denoised);
            if (uncondDenoised != null) keepKnown(uncondDenoised);
        }
        return new Guided(denoised, uncondDenoised);
    }

    private void keepKnown(float[] d) {
        for (int i = 0; i < d.length; i++) d[i] = d[i] * latentMask[i] + imageLatents[i] * (1f - latentMask[i]);
    }

    private float[] toDenoised(float[] out, float[] x, float sigma) {
        float[] d = new float[x.length];
        Parameterization p = sampling.parameterization();
        switch (p) {
            case EPSILON -> {
                for (int i = 0; i < d.length; i++) d[i] = x[i] - out[i] * sigma;
            }
            case V_PREDICTION -> {
                float s2 = sigma * sigma + 1f;
                float a = 1f / s2;
                float b = sigma / (float) Math.sqrt(s2);
                for (int i = 0; i < d.length; i++) d[i] = x[i] * a - out[i] * b;
            }
            case SAMPLE -> System.arraycopy(out, 0, d, 0, d.length);
            default -> throw new UnsupportedOperationException("a discrete-schedule UNet cannot predict " + p);
        }
        return d;
    }
}

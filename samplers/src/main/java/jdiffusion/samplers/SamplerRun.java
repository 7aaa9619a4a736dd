package jdiffusion.samplers;

import jdiffusion.core.Config;
import jdiffusion.core.sampling.Denoiser;
import jdiffusion.core.sampling.SamplingContext;
import jdiffusion.core.sampling.StepListener;
import jdiffusion.core.schedule.ModelSampling;

/**
 * One sampling run's plumbing: model calls, the step listener, noise draws and option values. Created per
 * call to {@code sample}, never shared.
 */
final class SamplerRun {

    private final Denoiser denoiser;
    private final SamplingContext context;
    private final int size;
    private final int total;

    SamplerRun(Denoiser denoiser, SamplingContext context, int size, int total) {
        this.denoiser = denoiser;
        this.context = context;
        this.size = size;
        this.total = total;
    }

    ModelSampling modelSampling() {
        ModelSampling ms = denoiser.modelSampling();
        if (ms == null) throw new IllegalStateException("the denoiser reports no model sampling; this sampler needs one");
        return ms;
    }

    /** Whether sigmas are flow times (ComfyUI's CONST model sampling). */
    boolean isFlow() {
        ModelSampling ms = denoiser.modelSampling();
        return ms != null && ms.isFlow();
    }

    float[] denoise(float[] x, float sigma) {
        return checked(denoiser.denoise(x, sigma), "denoiser output");
    }

    Denoiser.Guided guided(float[] x, float sigma) {
        Denoiser.Guided g = denoiser.denoiseGuided(x, sigma);
        checked(g.denoised(), "guided denoiser output");
        checked(g.uncondDenoised(), "unconditional denoiser output");
        return g;
    }

    /** Tells the listener about step {@code i}. */
    void step(int i, float sigma, float sigmaHat, float[] x, float[] denoised) {
        context.listener().onStep(new StepListener.Step(i, total, sigma, sigmaHat, x, denoised));
    }

    /** Same, with an explicit total (samplers that choose their own steps). */
    void step(int i, int totalSteps, float sigma, float sigmaHat, float[] x, float[] denoised) {
        context.listener().onStep(new StepListener.Step(i, totalSteps, sigma, sigmaHat, x, denoised));
    }

    /** Standard-normal noise for the step from {@code sigma} to {@code sigmaNext} (k-diffusion's noise_sampler). */
    float[] noise(float sigma, float sigmaNext) {
        return checked(context.noise().next(size, sigma, sigmaNext), "noise");
    }

    /** Standard-normal noise without an interval (torch.randn_like in the reference code). */
    float[] randn() {
        return checked(context.noise().next(size), "noise");
    }

    Config options() {
        return context.options();
    }

    double option(String key, double defaultValue) {
        return context.options().getDouble(key, defaultValue);
    }

    int intOption(String key, int defaultValue) {
        return context.options().getInt(key, defaultValue);
    }

    private float[] checked(float[] v, String what) {
        if (v == null || v.length != size) {
            throw new IllegalStateException(what + " has " + (v == null ? "no" : v.length) + " values, expected " + size);
        }
        return v;
    }
}

package jdiffusion.core.pipeline;

import java.util.Arrays;
import jdiffusion.core.Config;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.image.ImageCodec;
import jdiffusion.core.model.StableDiffusionModel;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.sampling.SamplingContext;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.core.sampling.StepListener;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.Tensor;

/**
 * One batch of a request: everything that changes per seed. It draws all randomness from one noise source
 * in diffusers' order (the initial image's latent sample, the initial noise, the masked image's latent
 * sample, then whatever the sampler draws) and runs the reverse process in one of its two faces.
 */
final class Generation {

    private final StableDiffusionModel model;
    private final Backend backend;
    private final Plan plan;
    private final GenerationRequest request;
    private final int batchIndex;
    private final int batches;
    private final NoiseSource noise;
    private final int batch;
    private final boolean sdxl;
    private final LatentTrace trace;

    /** Receives the latents after each step (tests compare them with reference runs). */
    interface LatentTrace {
        void afterStep(int step, float[] latents);

        LatentTrace NONE = (s, l) -> { };
    }

    Generation(StableDiffusionModel model, Backend backend, Plan plan, long seed, int batchIndex, int batches, LatentTrace trace) {
        this.model = model;
        this.backend = backend;
        this.plan = plan;
        this.request = plan.request();
        this.batchIndex = batchIndex;
        this.batches = batches;
        this.noise = plan.noise().create(seed);
        this.batch = request.batchSize();
        this.sdxl = PromptConditioner.isSdxl(model);
        this.trace = trace;
    }

    /** The final latents [batch, C, h, w] (unscaled by the VAE factor, as the sampler leaves them). */
    float[] sample() {
        return plan.diffusersFace() ? sampleWithScheduler() : sampleWithSampler();
    }

    // ---- diffusers face ------------------------------------------------------------------------

    private float[] sampleWithScheduler() {
        SchedulerRun run = plan.scheduler().start(request.steps(), Config.empty("set_timesteps options"),
                Config.of("step options", request.samplerOptions()));
        double[] timesteps = run.timesteps();
        int start = 0;
        if (request.isImageToImage()) {
            start = firstStep(request.steps(), request.strength()) * plan.scheduler().order();
            if (start >= timesteps.length) throw noStepsLeft();
        }
        int n = plan.latentSize(batch);
        float[] x;
        float[] imageLatents = null;
        float[] initialNoise;
        float[] latentMask = null;
        float[] maskedImageLatents = null;
        boolean inpaintModel = model.unet().inChannels() != plan.channels();
        if (!request.isImageToImage()) {
            initialNoise = noise.next(n);
            x = scale(initialNoise, (float) run.initNoiseSigma());
        } else if (!request.isInpainting()) {
            imageLatents = repeat(encodeSample(plan.initImage()), batch);
            initialNoise = noise.next(n);
            x = addNoise(run, imageLatents, initialNoise, timesteps[start]);
        } else {
            boolean strengthMax = request.strength() == 1.0;
            if (!inpaintModel || !strengthMax) imageLatents = repeat(encodeSample(plan.initImage()), batch);
            initialNoise = noise.next(n);
            x = strengthMax ? scale(initialNoise, (float) run.initNoiseSigma()) : addNoise(run, imageLatents, initialNoise, timesteps[start]);
            latentMask = repeat(latentMask(), batch);
            maskedImageLatents = repeat(encodeSample(maskedImage()), batch);
        }
        UnetCall unet = unetCall(inpaintModel ? latentMask : null, inpaintModel ? maskedImageLatents : null);
        int per = n / batch;
        float scale = (float) request.guidanceScale();
        int total = timesteps.length - start;
        StepClock clock = new StepClock(total);
        for (int i = start; i < timesteps.length; i++) {
            float[] input = run.scaleModelInput(x, i);
            float[] out = unet.predict(input, (float) timesteps[i]);
            float[] prediction = plan.guidance() ? Guidance.combine(out, batch, per, scale, request.guidanceRescale()) : out;
            x = run.step(prediction, i, x, noise);
            if (request.isInpainting() && !inpaintModel) {
                // diffusers keeps the known region at the original, noised to the next step's level
                float[] known = i < timesteps.length - 1 ? addNoise(run, imageLatents, initialNoise, timesteps[i + 1]) : imageLatents;
                int plane = plan.latentHeight() * plan.latentWidth();
                for (int k = 0; k < n; k++) {
                    float m = latentMask[(k / (plan.channels() * plane)) * plane + k % plane];
                    x[k] = (1f - m) * known[k] + m * x[k];
                }
            }
            trace.afterStep(i - start, x);
            clock.step(x);
        }
        return x;
    }

    /** diffusers' {@code add_noise} (or {@code scale_noise} for flow matching) of every image to timestep {@code t}. */
    private float[] addNoise(SchedulerRun run, float[] original, float[] eps, double t) {
        double[] ts = new double[batch];
        Arrays.fill(ts, t);
        try {
            return run.addNoise(original, eps, ts);
        } catch (UnsupportedOperationException e) {
            try {
                return run.scaleNoise(original, ts, eps);
            } catch (UnsupportedOperationException e2) {
                throw new IllegalArgumentException("the scheduler " + plan.scheduler().className()
                        + " has no forward process (add_noise), which img2img and inpainting need; choose another with --sampler", e);
            }
        }
    }

    // ---- k-diffusion face ----------------------------------------------------------------------

    private float[] sampleWithSampler() {
        DiscreteModelSampling ms = plan.modelSampling();
        Sigmas sigmas = plan.schedule().sigmas(ms, request.steps(), Config.of("schedule options", request.samplerOptions()));
        if (request.isImageToImage()) {
            int first = firstStep(request.steps(), request.strength());
            if (first >= sigmas.steps()) throw noStepsLeft();
            sigmas = sigmas.sub(first, sigmas.size());
        }
        int n = plan.latentSize(batch);
        float sigma0 = sigmas.first();
        // ComfyUI's noise_scaling: at the model's largest sigma the noise gets sqrt(1 + sigma^2), as diffusers' init_noise_sigma
        boolean maxDenoise = sigma0 >= ms.sigmaMax() * (1 - 1e-5);
        float noiseScale = maxDenoise ? (float) Math.sqrt(1.0 + (double) sigma0 * sigma0) : sigma0;
        float[] imageLatents = null;
        float[] latentMaskFull = null;
        float[] latentMask = null;
        float[] maskedImageLatents = null;
        boolean inpaintModel = model.unet().inChannels() != plan.channels();
        if (request.isImageToImage()) imageLatents = repeat(encodeSample(plan.initImage()), batch);
        float[] initialNoise = noise.next(n);
        float[] x = scale(initialNoise, noiseScale);
        if (imageLatents != null) {
            for (int i = 0; i < n; i++) x[i] += imageLatents[i];
        }
        if (request.isInpainting()) {
            latentMask = repeat(latentMask(), batch);
            maskedImageLatents = repeat(encodeSample(maskedImage()), batch);
            if (!inpaintModel) latentMaskFull = expandToChannels(latentMask);
        }
        UnetCall unet = unetCall(inpaintModel ? latentMask : null, inpaintModel ? maskedImageLatents : null);
        StepClock clock = new StepClock(sigmas.steps());
        GuidedDenoiser denoiser = new GuidedDenoiser(unet, ms, batch, request.guidanceScale(), request.guidanceRescale(),
                plan.guidance(), latentMaskFull, imageLatents, initialNoise, () -> { });
        StepListener listener = step -> {
            trace.afterStep(step.index(), step.denoised());
            if (step.total() > 0) clock.total = step.total();   // samplers that choose their own steps say so
            clock.step(step.denoised());
        };
        SamplingContext context = new SamplingContext(noise, listener, Config.of("sampler options", request.samplerOptions()));
        float[] result = plan.sampler().sample(denoiser, x, sigmas, context);
        if (latentMaskFull != null) {
            for (int i = 0; i < n; i++) result[i] = result[i] * latentMaskFull[i] + imageLatents[i] * (1f - latentMaskFull[i]);
        }
        return result;
    }

    // ---- shared --------------------------------------------------------------------------------

    /** diffusers' {@code get_timesteps}: the steps strength skips, {@code steps - min(int(steps * strength), steps)}. */
    static int firstStep(int steps, double strength) {
        int init = Math.min((int) (steps * strength), steps);
        return Math.max(steps - init, 0);
    }

    private IllegalArgumentException noStepsLeft() {
        return new IllegalArgumentException("strength " + request.strength() + " with " + request.steps()
                + " steps leaves no step to run; raise the strength or the steps");
    }

    private UnetCall unetCall(float[] mask, float[] maskedImageLatents) {
        return new UnetCall(model.unet(), backend, plan.conditioning(), batch, plan.channels(), plan.latentHeight(),
                plan.latentWidth(), plan.guidance(), mask, maskedImageLatents);
    }

    /**
     * A sample of the VAE's latent distribution for an image [3, H, W], scaled for the UNet: diffusers'
     * {@code latent_dist.sample(generator)} (mean + std * noise, drawn from this batch's noise source) times
     * {@code scaling_factor}.
     */
    private float[] encodeSample(float[] image) {
        ImageCodec vae = model.vae();
        ImageCodec.LatentDistribution d = vae.encode(backend.fromHost(Tensor.wrap(image.clone(), 1, 3, plan.height(), plan.width())));
        float[] mean = backend.toHost(d.mean()).toFloatArray();
        float[] logvar = backend.toHost(d.logvar()).toFloatArray();
        float[] eps = noise.next(mean.length);
        float scaling = (float) vae.scalingFactor();
        float shift = (float) vae.shiftFactor();
        float[] z = new float[mean.length];
        for (int i = 0; i < z.length; i++) {
            float lv = Math.max(-30f, Math.min(20f, logvar[i]));
            float std = (float) Math.exp(0.5f * lv);
            float s = mean[i] + std * eps[i];
            z[i] = shift == 0f ? scaling * s : (s - shift) * scaling;
        }
        return z;
    }

    /** The initial image with the region to repaint set to 0 (mid grey), diffusers' {@code init_image * (mask < 0.5)}. */
    private float[] maskedImage() {
        float[] img = plan.initImage();
        float[] mask = plan.mask();
        int plane = plan.width() * plan.height();
        float[] out = new float[img.length];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) out[c * plane + p] = mask[p] < 0.5f ? img[c * plane + p] : 0f * img[c * plane + p];
        }
        return out;
    }

    /** The mask at latent resolution [1, 1, h, w], nearest-neighbour as torch's {@code interpolate}. */
    private float[] latentMask() {
        int h = plan.latentHeight(), w = plan.latentWidth(), H = plan.height(), W = plan.width();
        float[] mask = plan.mask();
        float sy = (float) H / h, sx = (float) W / w;
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            int iy = Math.min((int) Math.floor(y * sy), H - 1);
            for (int x = 0; x < w; x++) {
                int ix = Math.min((int) Math.floor(x * sx), W - 1);
                out[y * w + x] = mask[iy * W + ix];
            }
        }
        return out;
    }

    private float[] expandToChannels(float[] mask) {
        int plane = plan.latentHeight() * plan.latentWidth();
        int c = plan.channels();
        float[] out = new float[batch * c * plane];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < c; k++) System.arraycopy(mask, b * plane, out, (b * c + k) * plane, plane);
        }
        return out;
    }

    private static float[] repeat(float[] one, int times) {
        float[] out = new float[one.length * times];
        for (int i = 0; i < times; i++) System.arraycopy(one, 0, out, i * one.length, one.length);
        return out;
    }

    private static float[] scale(float[] a, float s) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i] * s;
        return out;
    }

    /** Decodes final latents into images: {@code latents / scaling_factor (+ shift_factor)}, then the VAE, one image at a time. */
    RgbImage[] decode(float[] latents) {
        ImageCodec vae = model.vae();
        int per = plan.channels() * plan.latentHeight() * plan.latentWidth();
        float scaling = (float) vae.scalingFactor();
        float shift = (float) vae.shiftFactor();
        RgbImage[] images = new RgbImage[batch];
        for (int b = 0; b < batch; b++) {
            float[] z = Arrays.copyOfRange(latents, b * per, (b + 1) * per);
            for (int i = 0; i < z.length; i++) z[i] = shift == 0f ? z[i] / scaling : z[i] / scaling + shift;
            Tensor decoded = backend.toHost(vae.decode(backend.fromHost(Tensor.wrap(z, 1, plan.channels(), plan.latentHeight(), plan.latentWidth()))));
            if (decoded.numel() != 3L * plan.width() * plan.height()) {
                throw new IllegalStateException("the VAE decoded " + decoded + ", expected [1, 3, " + plan.height() + ", " + plan.width() + "]");
            }
            images[b] = RgbImage.fromDecoded(decoded.toFloatArray(), 0, plan.width(), plan.height());
        }
        return images;
    }

    /** Times steps and tells the request's listener. */
    private final class StepClock {
        private int total;
        private final long start = System.nanoTime();
        private long last = start;
        private int done;

        StepClock(int total) {
            this.total = total;
        }

        void step(float[] latents) {
            long now = System.nanoTime();
            done++;
            LatentPreview preview = new LatentPreview(latents.clone(), batch, plan.channels(), plan.latentHeight(), plan.latentWidth(), sdxl);
            request.listener().onStep(new Progress(batchIndex, batches, done, Math.max(total, done), now - last, now - start, preview));
            last = now;
        }
    }
}

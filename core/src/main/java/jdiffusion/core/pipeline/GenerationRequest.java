package jdiffusion.core.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import jdiffusion.core.Config;

/**
 * What to generate: prompt, size, steps, guidance, seed, the reverse process, and optionally an initial
 * image (img2img) and a mask (inpainting). Immutable; build with {@link #builder(String)}. Defaults follow
 * diffusers: 50 steps, guidance 7.5, no negative prompt, the model's own size and scheduler.
 *
 * @param prompt          the text to generate from
 * @param negativePrompt  the text to steer away from; null means none (diffusers' {@code negative_prompt=None}:
 *                        an empty prompt, or zeros for SDXL models that ask for them)
 * @param width           image width in pixels; 0 for the model's default (or the initial image's size)
 * @param height          image height in pixels; 0 likewise
 * @param steps           number of inference steps
 * @param guidanceScale   classifier-free guidance scale; guidance is off at 1 or below
 * @param guidanceRescale rescale of the guided prediction (Lin et al. 2023, section 3.4); 0 is off
 * @param seed            the seed of the noise source; every image of a batch comes from this one stream
 * @param sampler         a sampler name ({@code euler_a}, ...) or a diffusers scheduler class name; null for the
 *                        model folder's {@code scheduler_config.json}
 * @param schedule        the sigma schedule for a named sampler ({@code karras}, ...); null for {@code normal}
 * @param schedulerConfig a scheduler configuration to use instead of the model's; null for the model's
 * @param samplerOptions  options for the sampler or schedule ({@code eta}, {@code s_noise}, {@code rho}, ...)
 * @param noiseSource     the noise source name ({@code cpu}: torch's CPU generator; {@code nv}: A1111's Philox)
 * @param initImage       the image to start from (img2img or inpainting), or null
 * @param strength        how far img2img and inpainting move from the initial image, in (0, 1]
 * @param mask            the inpainting mask (white = repaint), or null
 * @param batchSize       images per batch, drawn from one noise stream
 * @param batchCount      number of batches; batch k uses seed + k * batchSize
 * @param clipSkip        text-encoder layers to skip from the end for the prompt (diffusers' {@code clip_skip}; A1111's
 *                        "Clip skip" minus 1); as in diffusers the negative prompt is encoded without it
 * @param sdxlOriginalSize SDXL micro-conditioning {width, height}; null for the image size
 * @param sdxlCropTopLeft  SDXL crop conditioning {top, left}; null for {0, 0}
 * @param sdxlTargetSize   SDXL target size {width, height}; null for the image size
 * @param listener        told about every step; may cancel by throwing {@link jdiffusion.core.sampling.SamplingCancelledException}
 */
public record GenerationRequest(String prompt, String negativePrompt, int width, int height, int steps,
                                double guidanceScale, double guidanceRescale, long seed, String sampler,
                                String schedule, Config schedulerConfig, Map<String, Object> samplerOptions,
                                String noiseSource, RgbImage initImage, double strength, RgbImage mask,
                                int batchSize, int batchCount, int clipSkip, int[] sdxlOriginalSize,
                                int[] sdxlCropTopLeft, int[] sdxlTargetSize, GenerationListener listener) {

    public GenerationRequest {
        Objects.requireNonNull(prompt, "prompt");
        samplerOptions = Map.copyOf(samplerOptions == null ? Map.of() : samplerOptions);
        noiseSource = noiseSource == null ? "cpu" : noiseSource;
        listener = listener == null ? GenerationListener.NONE : listener;
        if (width < 0 || height < 0) throw new IllegalArgumentException("width and height must be positive, got " + width + "x" + height);
        if (steps < 1) throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        if (batchCount < 1) throw new IllegalArgumentException("batch count must be at least 1, got " + batchCount);
        if (clipSkip < 0) throw new IllegalArgumentException("clip skip must be 0 or more, got " + clipSkip);
        if (!(strength > 0 && strength <= 1)) throw new IllegalArgumentException("strength must be in (0, 1], got " + strength);
        if (!Double.isFinite(guidanceScale)) throw new IllegalArgumentException("guidance scale must be a number, got " + guidanceScale);
        if (!(guidanceRescale >= 0 && guidanceRescale <= 1)) throw new IllegalArgumentException("guidance rescale must be in [0, 1], got " + guidanceRescale);
        if (mask != null && initImage == null) throw new IllegalArgumentException("a mask needs an initial image to inpaint");
    }

    /** A builder with diffusers' defaults for {@code prompt}. */
    public static Builder builder(String prompt) {
        return new Builder(prompt);
    }

    /** A builder starting from this request. */
    public Builder toBuilder() {
        Builder b = new Builder(prompt);
        b.negativePrompt = negativePrompt;
        b.width = width;
        b.height = height;
        b.steps = steps;
        b.guidanceScale = guidanceScale;
        b.guidanceRescale = guidanceRescale;
        b.seed = seed;
        b.sampler = sampler;
        b.schedule = schedule;
        b.schedulerConfig = schedulerConfig;
        b.samplerOptions.putAll(samplerOptions);
        b.noiseSource = noiseSource;
        b.initImage = initImage;
        b.strength = strength;
        b.strengthSet = true;
        b.mask = mask;
        b.batchSize = batchSize;
        b.batchCount = batchCount;
        b.clipSkip = clipSkip;
        b.sdxlOriginalSize = sdxlOriginalSize;
        b.sdxlCropTopLeft = sdxlCropTopLeft;
        b.sdxlTargetSize = sdxlTargetSize;
        b.listener = listener;
        return b;
    }

    /** Whether this starts from an image (img2img or inpainting). */
    public boolean isImageToImage() {
        return initImage != null;
    }

    /** Whether this inpaints. */
    public boolean isInpainting() {
        return mask != null;
    }

    /** Builds a {@link GenerationRequest}. */
    public static final class Builder {
        private final String prompt;
        private String negativePrompt;
        private int width;
        private int height;
        private int steps = 50;
        private double guidanceScale = 7.5;
        private double guidanceRescale;
        private long seed;
        private String sampler;
        private String schedule;
        private Config schedulerConfig;
        private final Map<String, Object> samplerOptions = new LinkedHashMap<>();
        private String noiseSource = "cpu";
        private RgbImage initImage;
        private double strength = 0.8;
        private boolean strengthSet;
        private RgbImage mask;
        private int batchSize = 1;
        private int batchCount = 1;
        private int clipSkip;
        private int[] sdxlOriginalSize;
        private int[] sdxlCropTopLeft;
        private int[] sdxlTargetSize;
        private GenerationListener listener;

        private Builder(String prompt) {
            this.prompt = Objects.requireNonNull(prompt, "prompt");
        }

        public Builder negativePrompt(String negativePrompt) {
            this.negativePrompt = negativePrompt;
            return this;
        }

        public Builder size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder steps(int steps) {
            this.steps = steps;
            return this;
        }

        public Builder guidanceScale(double guidanceScale) {
            this.guidanceScale = guidanceScale;
            return this;
        }

        public Builder guidanceRescale(double guidanceRescale) {
            this.guidanceRescale = guidanceRescale;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder sampler(String sampler) {
            this.sampler = sampler;
            return this;
        }

        public Builder schedule(String schedule) {
            this.schedule = schedule;
            return this;
        }

        public Builder schedulerConfig(Config schedulerConfig) {
            this.schedulerConfig = schedulerConfig;
            return this;
        }

        public Builder samplerOption(String key, Object value) {
            samplerOptions.put(key, value);
            return this;
        }

        public Builder noiseSource(String noiseSource) {
            this.noiseSource = noiseSource;
            return this;
        }

        /** Start from {@code image} (img2img). */
        public Builder initImage(RgbImage image) {
            this.initImage = image;
            return this;
        }

        /** img2img/inpainting strength; defaults to 0.8 for img2img and 1.0 for inpainting, as diffusers. */
        public Builder strength(double strength) {
            this.strength = strength;
            this.strengthSet = true;
            return this;
        }

        /** Inpaint where {@code mask} is white (needs an initial image). */
        public Builder mask(RgbImage mask) {
            this.mask = mask;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder batchCount(int batchCount) {
            this.batchCount = batchCount;
            return this;
        }

        public Builder clipSkip(int clipSkip) {
            this.clipSkip = clipSkip;
            return this;
        }

        /** SDXL size and crop conditioning ({width, height}, {top, left}, {width, height}); nulls take the defaults. */
        public Builder sdxlConditioning(int[] originalSize, int[] cropTopLeft, int[] targetSize) {
            this.sdxlOriginalSize = originalSize;
            this.sdxlCropTopLeft = cropTopLeft;
            this.sdxlTargetSize = targetSize;
            return this;
        }

        public Builder listener(GenerationListener listener) {
            this.listener = listener;
            return this;
        }

        public GenerationRequest build() {
            double s = strengthSet ? strength : (mask != null ? 1.0 : 0.8);
            return new GenerationRequest(prompt, negativePrompt, width, height, steps, guidanceScale, guidanceRescale,
                    seed, sampler, schedule, schedulerConfig, samplerOptions, noiseSource, initImage, s, mask,
                    batchSize, batchCount, clipSkip, sdxlOriginalSize, sdxlCropTopLeft, sdxlTargetSize, listener);
        }
    }
}

package jdiffusion.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdiffusion.core.model.Conditioning;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's plumbing as diffusers' pipelines define it, with deterministic stand-in networks
 * ({@link FakeModels}): the order and size of random draws, where img2img starts, how inpainting keeps
 * the known region, the batch layout under guidance, clip skip, SDXL conditioning, the k-diffusion face,
 * and concurrent use of one loaded model.
 */
class PipelineBehaviourTest {

    static final int SIZE = 8;                // pixels; latents are 4x4 with the fake VAE
    static final int LATENT = 4 * 4 * 4;      // one image's latent elements

    static GenerationRequest.Builder request() {
        return GenerationRequest.builder("a cube").steps(10).size(SIZE, SIZE).seed(7);
    }

    /** The draws java.util.Random gives for seed 7, in order, as the fake noise source hands them out. */
    static float[][] draws(long seed, int... sizes) {
        Random r = new Random(seed);
        float[][] out = new float[sizes.length][];
        for (int k = 0; k < sizes.length; k++) {
            out[k] = new float[sizes[k]];
            for (int i = 0; i < sizes[k]; i++) out[k][i] = (float) r.nextGaussian();
        }
        return out;
    }

    @Test
    void img2imgSamplesTheImageLatentThenTheNoiseAndSkipsStepsByStrength() {
        FakeModels f = new FakeModels();
        RgbImage init = FakeModels.gradient(SIZE, SIZE);
        f.pipeline().generate(request().initImage(init).strength(0.5).build());
        assertEquals(List.of("7:" + LATENT, "7:" + LATENT), f.draws, "latent sample first, then the noise");
        assertEquals(List.of(500f, 400f, 300f, 200f, 100f), f.unetTimesteps, "10 steps at strength 0.5 run the last 5");

        // x = 0.5 * (mean + exp(-2) * e1) + e2 * sigma_5, scaled by 1 / sqrt(sigma_5^2 + 1)
        float[][] d = draws(7, LATENT, LATENT);
        var dist = new FakeModels.FakeVae().encode(jdiffusion.core.tensor.Tensor.wrap(init.toModelInput(), 1, 3, SIZE, SIZE));
        float[] mean = dist.mean().toFloatArray();
        float sigma = FakeModels.SIGMAS[5];
        float[] first = f.unetInputs.get(0);
        for (int i = 0; i < LATENT; i++) {
            float z = 0.5f * (mean[i] + (float) Math.exp(0.5f * -4f) * d[0][i]);
            float x = z + d[1][i] * sigma;
            float expected = x / (float) Math.sqrt(sigma * sigma + 1);
            assertEquals(expected, first[i], 1e-6f, "element " + i);
            assertEquals(expected, first[LATENT + i], 1e-6f, "the guidance rows see the same input");
        }
    }

    @Test
    void inpaintingWithAPlainUnetKeepsTheKnownRegionAtTheOriginal() {
        FakeModels f = new FakeModels();
        RgbImage init = FakeModels.gradient(SIZE, SIZE);
        List<float[]> steps = new ArrayList<>();
        StableDiffusion sd = f.pipeline();
        sd.generate(request().initImage(init).mask(FakeModels.leftHalfMask(SIZE, SIZE)).build(), (i, x) -> steps.add(x.clone()));
        assertEquals(List.of("7:" + LATENT, "7:" + LATENT, "7:" + LATENT), f.draws,
                "image latent sample, noise, masked-image latent sample (drawn even when a plain UNet does not use it)");
        assertEquals(10, steps.size(), "strength 1.0 by default for inpainting");
        float[] d0 = draws(7, LATENT)[0];
        var dist = new FakeModels.FakeVae().encode(jdiffusion.core.tensor.Tensor.wrap(init.toModelInput(), 1, 3, SIZE, SIZE));
        float[] mean = dist.mean().toFloatArray();
        float[] last = steps.get(9);
        for (int c = 0; c < 4; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    int i = (c * 4 + y) * 4 + x;
                    float original = 0.5f * (mean[i] + (float) Math.exp(-2f) * d0[i]);
                    if (x >= 2) assertEquals(original, last[i], 1e-6f, "kept pixel " + i);
                    else assertNotEquals(original, last[i], "repainted pixel " + i);
                }
            }
        }
    }

    @Test
    void inpaintingModelsSeeTheMaskAndTheMaskedImageLatents() {
        FakeModels f = new FakeModels();
        f.unetChannels = 9;
        f.pipeline().generate(request().initImage(FakeModels.gradient(SIZE, SIZE)).mask(FakeModels.leftHalfMask(SIZE, SIZE)).build());
        assertEquals(List.of("7:" + LATENT, "7:" + LATENT), f.draws, "at strength 1 only the noise and the masked-image sample");
        float[] in = f.unetInputs.get(0);
        assertEquals(2 * 9 * 16, in.length, "[uncond, cond] x 9 channels x 4x4");
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) assertEquals(x < 2 ? 1f : 0f, in[4 * 16 + y * 4 + x], "mask channel at " + x + "," + y);
        }
        // masked image = image where the mask is black, 0 elsewhere; its latent sample is scaled by 0.5
        float[] e = draws(7, LATENT, LATENT)[1];
        float[] masked = FakeModels.gradient(SIZE, SIZE).toModelInput();
        for (int c = 0; c < 3; c++) for (int y = 0; y < SIZE; y++) for (int x = 0; x < SIZE / 2; x++) masked[(c * SIZE + y) * SIZE + x] = 0f;
        float[] mean = new FakeModels.FakeVae().encode(jdiffusion.core.tensor.Tensor.wrap(masked, 1, 3, SIZE, SIZE)).mean().toFloatArray();
        for (int i = 0; i < LATENT; i++) {
            assertEquals(0.5f * (mean[i] + (float) Math.exp(-2f) * e[i]), in[5 * 16 + i], 1e-6f, "masked image latent " + i);
        }
    }

    @Test
    void batchesShareOneNoiseStreamAndGuidanceRowsAreNegativesFirst() {
        FakeModels f = new FakeModels();
        GenerationResult r = f.pipeline().generate(request().negativePrompt("ugly").batchSize(2).batchCount(2).build());
        assertEquals(List.of("7:" + 2 * LATENT, "9:" + 2 * LATENT), f.draws, "one draw per batch; batch k seeded seed + k * size");
        assertEquals(4, r.images().size());
        assertEquals(List.of(7L, 7L, 9L, 9L), r.images().stream().map(GeneratedImage::seed).toList());
        assertTrue(r.images().get(1).infotext().format().contains("Batch size: 2, Batch pos: 1"), r.images().get(1).infotext().format());
        Conditioning c = f.conditionings.get(0);
        float[] h = c.encoderHiddenStates().toFloatArray();
        int row = FakeModels.TOKENS * 3;
        assertEquals(4, c.encoderHiddenStates().dim(0));
        // token 1 of the negative prompt is 'u' % 50, of the prompt 'a' % 50
        assertEquals(('u' % 50) / 100f, h[3], 1e-6f);
        assertEquals(('u' % 50) / 100f, h[row + 3], 1e-6f);
        assertEquals(('a' % 50) / 100f, h[2 * row + 3], 1e-6f);
        assertEquals(('a' % 50) / 100f, h[3 * row + 3], 1e-6f);
    }

    @Test
    void guidanceOffRunsTheConditionalBranchOnly() {
        FakeModels f = new FakeModels();
        f.pipeline().generate(request().guidanceScale(1.0).build());
        assertEquals(LATENT, f.unetInputs.get(0).length);
        assertEquals(1, f.conditionings.get(0).encoderHiddenStates().dim(0));
    }

    @Test
    void clipSkipNormalisesTheSelectedLayerOfThePromptOnly() {
        FakeModels f = new FakeModels();
        f.pipeline().generate(request().clipSkip(1).build());
        float[] h = f.conditionings.get(0).encoderHiddenStates().toFloatArray();
        int row = FakeModels.TOKENS * 3;
        assertEquals(98 / 100f, h[0], 1e-6f, "the negative prompt keeps the last layer, as diffusers encodes it");
        assertEquals(98 / 100f + 1 + 1000f, h[row], 1e-3f, "final_layer_norm(hidden_states[-2]) for the prompt's start token");
    }

    @Test
    void sdxlConcatenatesBothEncodersAndAddsSizeIds() {
        FakeModels f = new FakeModels();
        f.encoders = 2;
        f.pipeline().generate(request().size(SIZE, 2 * SIZE).build());
        Conditioning c = f.conditionings.get(0);
        assertArrayEquals(new int[]{2, FakeModels.TOKENS, 5}, c.encoderHiddenStates().shape());
        float[] h = c.encoderHiddenStates().toFloatArray();
        for (int i = 0; i < FakeModels.TOKENS * 5; i++) assertEquals(0f, h[i], "no negative prompt: zeros (force_zeros_for_empty_prompt)");
        int row = FakeModels.TOKENS * 5;
        assertEquals(98 / 100f + 1, h[row], 1e-6f, "encoder 1, penultimate layer (hidden_states[-2]), no final norm");
        assertEquals(98 / 100f + 1, h[row + 3], 1e-6f, "encoder 2 follows on the last axis");
        assertArrayEquals(new float[]{16, 8, 0, 0, 16, 8, 16, 8, 0, 0, 16, 8}, c.timeIds().toFloatArray(),
                "[orig_h, orig_w, crop_top, crop_left, target_h, target_w] per row");
        float[] embeds = c.textEmbeds().toFloatArray();
        assertEquals(0f, embeds[0]);
        assertEquals('a' % 50, embeds[5], 1e-6f, "the second encoder's projected pooled embedding");
    }

    @Test
    void namedSamplerFeedsTheNearestTrainingTimestepAndStartsAtFullNoise() {
        FakeModels f = new FakeModels();
        f.pipeline().generate(request().sampler("euler").schedule("fixed").steps(4).build());
        assertEquals(4, f.unetTimesteps.size());
        assertEquals(999f, f.unetTimesteps.get(0), "sigma_max is the last training timestep");
        float[] noise = draws(7, LATENT)[0];
        float[] in = f.unetInputs.get(0);
        for (int i = 0; i < LATENT; i++) assertEquals(noise[i], in[i], 1e-5f, "x = noise * sqrt(1 + sigma^2), scaled back by c_in");
    }

    @Test
    void concurrentRequestsOnOneModelGiveTheSameImagesAsSequentialOnes() throws Exception {
        StableDiffusion sd = new FakeModels().pipeline();
        List<RgbImage> sequential = new ArrayList<>();
        for (int s = 0; s < 8; s++) sequential.add(sd.generate(request().seed(s).build()).images().get(0).image());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<RgbImage>> futures = new ArrayList<>();
            for (int s = 0; s < 8; s++) {
                long seed = s;
                futures.add(pool.submit(() -> sd.generate(request().seed(seed).build()).images().get(0).image()));
            }
            for (int s = 0; s < 8; s++) assertEquals(sequential.get(s), futures.get(s).get(), "seed " + s);
        } finally {
            pool.shutdownNow();
        }
        assertNotEquals(sequential.get(0), sequential.get(1));
    }

    @Test
    void guidanceRescaleMatchesTheConditionalStandardDeviation() {
        Random r = new Random(3);
        int n = 50;
        float[] out = new float[2 * 2 * n];
        for (int i = 0; i < out.length; i++) out[i] = (float) r.nextGaussian() * (i >= 2 * n ? 3 : 1);
        float[] g = Guidance.combine(out, 2, n, 7.5f, 1.0);
        for (int b = 0; b < 2; b++) {
            assertEquals(std(out, 2 * n + b * n, n), std(g, b * n, n), 1e-4, "image " + b);
        }
        float[] plain = Guidance.combine(out, 2, n, 7.5f, 0);
        assertEquals(out[0] + 7.5f * (out[2 * n] - out[0]), plain[0]);
    }

    static double std(float[] a, int off, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) m += a[off + i];
        m /= n;
        double s = 0;
        for (int i = 0; i < n; i++) s += (a[off + i] - m) * (a[off + i] - m);
        return Math.sqrt(s / (n - 1));
    }
}

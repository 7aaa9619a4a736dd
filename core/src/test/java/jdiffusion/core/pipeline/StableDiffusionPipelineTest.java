package jdiffusion.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.sampling.SamplingCancelledException;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's own arithmetic against diffusers' recorded StableDiffusionPipeline run (tiny SD 1.5,
 * 4 Euler steps, guidance 7.5), with the networks replayed from the recording: every UNet input, the
 * latents after every step, the decoder input and the final pixels.
 */
class StableDiffusionPipelineTest {

    static GenerationRequest recordedRequest(GenerationListener listener) {
        return GenerationRequest.builder("a red cube on a table").negativePrompt("").steps(4).guidanceScale(7.5)
                .size(64, 64).seed(4242).listener(listener).build();
    }

    @Test
    void txt2imgFollowsDiffusersRecordedRunStepByStep() throws Exception {
        RecordedPipeline rec = new RecordedPipeline();
        List<float[]> latents = new ArrayList<>();
        GenerationResult result = rec.pipeline().generate(recordedRequest(null), (step, x) -> latents.add(x.clone()));

        assertEquals(List.of("0:[2, 4, 16, 16]", "1:[2, 4, 16, 16]", "2:[2, 4, 16, 16]", "3:[2, 4, 16, 16]"), rec.unetCalls,
                "one UNet call per step on the [uncond, cond] batch");
        assertTrue(rec.maxUnetInputError <= 1e-6f, "UNet inputs: max error " + rec.maxUnetInputError);
        assertEquals(4, latents.size());
        for (int i = 0; i < 4; i++) {
            float err = RecordedPipeline.maxAbsDiff(rec.get("step" + i + ".latents"), latents.get(i));
            assertEquals(0f, err, "latents after step " + i + " (replayed networks: the arithmetic is diffusers' own, bit for bit)");
        }
        assertTrue(rec.maxDecodeInputError <= 1e-4f, "VAE input: max error " + rec.maxDecodeInputError);

        RgbImage image = result.images().get(0).image();
        float[] expected = rec.get("image");
        for (int p = 0; p < 64 * 64; p++) {
            for (int c = 0; c < 3; c++) {
                assertEquals((int) Math.rint(expected[3 * p + c] * 255f), image.channel(p % 64, p / 64, c), "pixel " + p);
            }
        }
        assertEquals(4, result.steps());
    }

    @Test
    void imagesCarryA1111Parameters() throws Exception {
        RecordedPipeline rec = new RecordedPipeline();
        GeneratedImage img = rec.pipeline().generate(recordedRequest(null)).images().get(0);
        String text = img.infotext().format();
        assertTrue(text.startsWith("a red cube on a table\nSteps: 4, Sampler: RecordedEuler, CFG scale: 7.5, Seed: 4242, Size: 64x64, "
                + "Model hash: 0123456789, Model: sd15-tiny-pipeline, RNG: CPU"), text);
        assertEquals(text, PngEncoder.readText(img.toPng()).get("parameters"));
    }

    @Test
    void listenerSeesEveryStepAndCanCancel() throws Exception {
        RecordedPipeline rec = new RecordedPipeline();
        List<String> seen = new ArrayList<>();
        rec.pipeline().generate(recordedRequest(p -> {
            seen.add(p.step() + "/" + p.steps());
            assertEquals(16, p.preview(0).width());
        }));
        assertEquals(List.of("1/4", "2/4", "3/4", "4/4"), seen);

        RecordedPipeline rec2 = new RecordedPipeline();
        assertThrows(SamplingCancelledException.class, () -> rec2.pipeline().generate(recordedRequest(p -> {
            if (p.step() == 2) throw new SamplingCancelledException("stop");
        })));
        assertEquals(2, rec2.unetCalls.size(), "stopped after the second step");
    }

    @Test
    void sizesMustBeMultiplesOfTheVaeFactor() throws Exception {
        RecordedPipeline rec = new RecordedPipeline();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rec.pipeline().generate(recordedRequest(null).toBuilder().size(66, 64).build()));
        assertTrue(e.getMessage().contains("multiples of 4"), e.getMessage());
        assertTrue(e.getMessage().contains("64x64"), e.getMessage());
    }

    @Test
    void unknownSamplerListsWhatExists() throws Exception {
        RecordedPipeline rec = new RecordedPipeline();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rec.pipeline().generate(recordedRequest(null).toBuilder().sampler("nope").build()));
        assertTrue(e.getMessage().contains("unknown sampler \"nope\"") && e.getMessage().contains("RecordedEuler"), e.getMessage());
    }
}

package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.image.ImageCodec;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.model.StableDiffusionModel;
import jdiffusion.core.pipeline.GenerationRequest;
import jdiffusion.core.pipeline.GenerationResult;
import jdiffusion.core.pipeline.ModelInfo;
import jdiffusion.core.pipeline.RgbImage;
import jdiffusion.core.pipeline.StableDiffusion;
import jdiffusion.core.plugin.Plugins;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on the real networks (tokenizer, CLIP, UNet, VAE on the CPU backend, the folder's
 * EulerDiscreteScheduler, torch's CPU generator) against diffusers' recorded StableDiffusionPipeline run
 * of {@code sd15-tiny-pipeline}: the latents after every step within 2e-4 and the image within 1e-4, the
 * tolerances the reference suggests for a float32 port.
 */
class TinyPipelineEndToEndTest {

    static Backend backend;
    static StableDiffusion sd;
    static final List<float[]> decoded = new ArrayList<>();
    static Map<String, float[]> recorded;

    @BeforeAll
    static void load() throws Exception {
        Path dir = TinyPipeline.folder();
        Plugins plugins = Plugins.builtIn();
        backend = plugins.backends().get("cpu").create("", 1);
        StableDiffusionModel model = TinyPipeline.model(backend, vae -> new ImageCodec() {
            @Override public int downsamplingFactor() { return vae.downsamplingFactor(); }
            @Override public int latentChannels() { return vae.latentChannels(); }
            @Override public double scalingFactor() { return vae.scalingFactor(); }
            @Override public double shiftFactor() { return vae.shiftFactor(); }
            @Override public LatentDistribution encode(Tensor image) { return vae.encode(image); }

            @Override
            public Tensor decode(Tensor latents) {
                Tensor out = vae.decode(latents);
                decoded.add(backend.toHost(out).toFloatArray());
                return out;
            }
        });
        sd = StableDiffusion.of(model, backend, ModelInfo.read(dir, "sd1"), plugins);
        recorded = new HashMap<>();
        try (SafetensorsFile io = SafetensorsFile.open(TinyPipeline.RECORDED_RUN)) {
            for (String name : io.names()) recorded.put(name, io.tensor(name).toFloat32().toFloatArray());
        }
    }

    @AfterAll
    static void close() {
        if (backend != null) backend.close();
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void reproducesDiffusersRecordedRunWithinTheReferenceTolerance() {
        List<float[]> latents = new ArrayList<>();
        StringBuilder report = new StringBuilder("sd15-tiny-pipeline vs diffusers:");
        decoded.clear();
        GenerationResult result = sd.txt2img(GenerationRequest.builder("a red cube on a table").negativePrompt("")
                .guidanceScale(7.5).steps(4).size(64, 64).seed(4242)
                .listener(p -> latents.add(p.preview().latents())).build());

        assertEquals(4, latents.size());
        for (int i = 0; i < 4; i++) {
            float err = maxAbsDiff(recorded.get("step" + i + ".latents"), latents.get(i));
            report.append(" step").append(i).append(" latents ").append(err);
            assertTrue(err <= 2e-4f, "latents after step " + i + ": max |diff| " + err);
        }
        assertEquals(1, decoded.size());
        float[] ref = recorded.get("image");   // [1, 64, 64, 3] in [0, 1]
        float[] ours = decoded.get(0);         // [1, 3, 64, 64] in [-1, 1]
        float maxImage = 0;
        for (int p = 0; p < 64 * 64; p++) {
            for (int c = 0; c < 3; c++) {
                float v = Math.max(0f, Math.min(1f, ours[c * 64 * 64 + p] / 2f + 0.5f));
                maxImage = Math.max(maxImage, Math.abs(v - ref[3 * p + c]));
            }
        }
        report.append(", image ").append(maxImage);
        System.out.println(report);
        assertTrue(maxImage <= 1e-4f, "image: max |diff| " + maxImage);
        RgbImage png = result.images().get(0).image();
        int off = 0;
        for (int p = 0; p < 64 * 64; p++) {
            for (int c = 0; c < 3; c++) off = Math.max(off, Math.abs(png.channel(p % 64, p / 64, c) - (int) Math.rint(ref[3 * p + c] * 255f)));
        }
        assertTrue(off <= 1, "8-bit pixels differ from round(image * 255) by at most one level where the float image sits on a rounding edge: " + off);
    }
}

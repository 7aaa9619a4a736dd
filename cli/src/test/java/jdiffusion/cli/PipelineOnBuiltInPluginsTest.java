package jdiffusion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.pipeline.DiscreteModelSampling;
import jdiffusion.core.pipeline.GenerationRequest;
import jdiffusion.core.pipeline.GenerationResult;
import jdiffusion.core.pipeline.ModelInfo;
import jdiffusion.core.pipeline.RgbImage;
import jdiffusion.core.pipeline.StableDiffusion;
import jdiffusion.core.plugin.Plugins;
import jdiffusion.core.schedule.BetaSchedule;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.schedule.Parameterization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pipeline with the built-in samplers, schedules and diffusers schedulers on the tiny networks: each
 * face runs end to end and is reproducible from its seed; the pipeline's own model sampling agrees with
 * the schedulers module's.
 */
class PipelineOnBuiltInPluginsTest {

    static Backend backend;
    static StableDiffusion sd;

    @BeforeAll
    static void load() throws Exception {
        Plugins plugins = Plugins.builtIn();
        backend = plugins.backends().get("cpu").create("", 1);
        sd = StableDiffusion.of(TinyPipeline.model(backend, null), backend, ModelInfo.read(TinyPipeline.folder(), "sd1"), plugins);
        // The CPU backend's first, not yet compiled runs can round a float reduction differently (up to one
        // 8-bit level in the image); warm it so that comparisons of images are about the pipeline.
        for (int i = 0; i < 2; i++) image(small("euler_a").steps(2).seed(1).build());
    }

    @AfterAll
    static void close() {
        if (backend != null) backend.close();
    }

    static GenerationRequest.Builder small(String sampler) {
        return GenerationRequest.builder("a red cube on a table").negativePrompt("blurry").sampler(sampler).steps(3).size(32, 32);
    }

    static RgbImage image(GenerationRequest r) {
        GenerationResult result = sd.generate(r);
        assertEquals(1, result.images().size());
        return result.images().get(0).image();
    }

    @ParameterizedTest
    @ValueSource(strings = {"euler_a", "dpmpp_2m", "dpmpp_2m_sde", "heun", "uni_pc_bh2", "euler_cfg_pp"})
    void namedSamplersRunReproduciblyFromTheSeed(String sampler) {
        RgbImage a = image(small(sampler).schedule("karras").seed(11).build());
        RgbImage b = image(small(sampler).schedule("karras").seed(11).build());
        RgbImage c = image(small(sampler).schedule("karras").seed(12).build());
        assertEquals(a, b, "same seed, same image");
        assertNotEquals(a, c, "another seed, another image");
    }

    /** Every built-in diffusers scheduler class that samples forward (DDIMInverseScheduler runs the other way). */
    static List<String> schedulerClasses() {
        return Plugins.builtIn().schedulers().names().stream().filter(n -> !n.equals("DDIMInverseScheduler")).toList();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("schedulerClasses")
    void diffusersSchedulerClassesRunFromTheFoldersConfig(String cls) {
        List<Integer> steps = new ArrayList<>();
        GenerationResult r = sd.generate(small(cls).seed(5).listener(p -> steps.add(p.step())).build());
        assertTrue(steps.size() >= 3, cls + " evaluated the UNet " + steps.size() + " times");
        String info = r.images().get(0).infotext().format();
        assertTrue(info.contains("Scheduler: " + cls), info);
    }

    @Test
    void img2imgAndInpaintingRunWithTheFoldersScheduler() {
        RgbImage init = image(small(null).seed(3).build());
        RgbImage varied = image(GenerationRequest.builder("a blue cube").initImage(init).strength(0.67).steps(3).seed(4).build());
        assertEquals(32, varied.width());
        byte[] maskBytes = new byte[32 * 32 * 3];
        for (int i = 0; i < 32 * 16 * 3; i++) maskBytes[i] = (byte) 255;   // repaint the top half
        RgbImage painted = image(GenerationRequest.builder("a blue cube").initImage(init)
                .mask(RgbImage.of(32, 32, maskBytes)).steps(3).seed(4).build());
        assertNotEquals(init, painted);
    }

    @Test
    void concurrentRequestsOnTheRealNetworksMatchSequentialOnes() throws Exception {
        List<RgbImage> sequential = new ArrayList<>();
        for (int s = 0; s < 3; s++) sequential.add(image(small("euler_a").steps(2).seed(100 + s).build()));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<RgbImage>> futures = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                long seed = 100 + s;
                futures.add(pool.submit(() -> image(small("euler_a").steps(2).seed(seed).build())));
            }
            for (int s = 0; s < 3; s++) assertEquals(sequential.get(s), futures.get(s).get(), "seed " + (100 + s));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pipelineModelSamplingAgreesWithTheSchedulersModule() {
        float[] betas = Plugins.builtIn().registry(BetaSchedule.class).get("scaled_linear").betas(1000, 0.00085, 0.012);
        DiscreteModelSampling ours = new DiscreteModelSampling(NoiseSchedule.fromBetas(betas), Parameterization.EPSILON);
        var theirs = jdiffusion.schedulers.modelsampling.DiscreteModelSampling.fromBetas(Parameterization.EPSILON, betas);
        assertEquals(theirs.sigmaMin(), ours.sigmaMin());
        assertEquals(theirs.sigmaMax(), ours.sigmaMax());
        for (double s = 0.01; s < 20; s *= 1.013) {
            assertEquals(theirs.timestep(s), ours.timestep(s), 1.0, "timestep for sigma " + s);
        }
        // the schedulers module rounds exp and log as torch's SLEEF kernels; the pipeline's copy rounds correctly
        int maxUlps = 0;
        for (double t = 0; t <= 999; t += 0.37) {
            float a = (float) theirs.sigma(t), b = (float) ours.sigma(t);
            maxUlps = Math.max(maxUlps, Math.abs(Float.floatToIntBits(a) - Float.floatToIntBits(b)));
        }
        assertTrue(maxUlps <= 1, "sigma(t) within 1 ulp, got " + maxUlps);
    }
}

package jdiffusion.backends.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import jdiffusion.core.Config;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.bench.ModelBenchmark;
import jdiffusion.models.bench.RandomWeights;
import jdiffusion.models.nn.Params;
import jdiffusion.models.unet.UNet2DConditionModel;
import jdiffusion.models.unet.UNetConfig;
import jdiffusion.tck.ReferenceOps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuner on a real device: the first product of a class times the variants on it and keeps the fastest
 * (in memory and in the tuning file); and a UNet forward pass, once its weights are on the device, moves only
 * its small inputs and its output between host and device.
 */
class OpenClTuningTest {

    @BeforeEach
    void openClPlatformPresent() {
        OpenClTestSupport.assumeOpenCl();
    }

    private static Tensor random(long seed, int... shape) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() * 2 - 1;
        return Tensor.wrap(v, shape);
    }

    @Test
    void theFirstProductOfAClassIsTunedOnTheDeviceAndTheFastestKept(@TempDir Path dir) throws IOException {
        try (OpenClBackend cl = (OpenClBackend) OpenClTestSupport.backendOrNull()) {
            ClRuntime rt = cl.runtime();
            GemmTuner saved = rt.tuner;
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            rt.tuner = new GemmTuner(new GemmTuner.Settings(true, 0, 60, 120, dir, true), "tuning-test", GemmVariant.ALL,
                    System::nanoTime, new PrintStream(log, true, StandardCharsets.UTF_8));
            try {
                Tensor a = random(1, 2, 96, 64), b = random(2, 64, 80);
                Tensor y = cl.matmul(cl.fromHost(a), cl.fromHost(b), false);
                String note = cl.lastOperationNote();
                assertTrue(note.endsWith("(tuned)"), note);
                String chosen = note.substring(0, note.indexOf(' '));
                Tensor expected = ReferenceOps.matmul(a, b, false);
                float[] e = expected.toFloatArray(), got = cl.toHost(y).toFloatArray();
                for (int i = 0; i < e.length; i++) assertEquals(e[i], got[i], 1e-4f * (1 + Math.abs(e[i])), "element " + i);

                String printed = log.toString(StandardCharsets.UTF_8);
                for (GemmVariant v : GemmVariant.ALL) assertTrue(printed.contains(v.name() + " "), v.name() + " not timed: " + printed);
                assertTrue(printed.contains("-> " + chosen), printed);
                String key = "NN f32/f32 v4/4 96x80x64 b2";
                assertTrue(Files.readString(dir.resolve("tuning-test.txt")).contains(key + " = " + chosen));

                log.reset();
                cl.matmul(cl.fromHost(random(3, 2, 96, 64)), cl.fromHost(b), false);
                assertEquals(chosen + " (tuned)", cl.lastOperationNote());
                assertEquals("", log.toString(StandardCharsets.UTF_8), "the class is not tuned twice");
            } finally {
                rt.tuner = saved;
            }
        }
    }

    @Test
    void aUNetForwardPassMovesOnlyItsInputsAndOutputAcross() {
        try (OpenClBackend cl = (OpenClBackend) OpenClTestSupport.backendOrNull()) {
            ClRuntime rt = cl.runtime();
            Config preset = ModelBenchmark.preset("sd15-tiny-unet");
            UNetConfig config = UNetConfig.from(preset);
            UNet2DConditionModel unet = new UNet2DConditionModel(config,
                    Params.of(new RandomWeights(1, DType.FLOAT32, RandomWeights.unetAbsentKeys()), cl), Parameterization.EPSILON);
            Tensor sample = cl.fromHost(random(4, 2, config.inChannels(), 16, 16));
            Tensor text = cl.fromHost(random(5, 2, 77, config.crossAttentionDim()[0]));
            Conditioning cond = new Conditioning(text, null, null, List.of(), null);
            Tensor first = cl.toHost(unet.predict(sample, new float[]{500f}, cond));
            long up = rt.bytesToDevice(), down = rt.bytesToHost();
            Tensor second = cl.toHost(unet.predict(sample, new float[]{500f}, cond));
            long uploaded = rt.bytesToDevice() - up, downloaded = rt.bytesToHost() - down;
            // The timestep embedding is computed on the host (a few KB); weights and activations stay on the device.
            assertTrue(uploaded <= 16 * 1024, "a second forward pass uploaded " + uploaded + " bytes");
            assertEquals(second.byteSize(), downloaded, "a forward pass downloads its output only");
            assertEquals(java.util.Arrays.toString(first.toFloatArray()), java.util.Arrays.toString(second.toFloatArray()));
        }
    }
}

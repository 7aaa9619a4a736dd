package jdiffusion.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.Config;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.image.ImageCodec;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.model.NoisePredictor;
import jdiffusion.core.model.StableDiffusionModel;
import jdiffusion.core.plugin.Provided;
import jdiffusion.core.plugin.Registry;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.sampling.NoiseSourceFactory;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.scheduler.Scheduler;
import jdiffusion.core.scheduler.SchedulerFactory;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.core.text.TextEncoder;
import jdiffusion.core.text.TextEncoding;
import jdiffusion.core.text.Tokenizer;

/**
 * Stand-ins for the networks that replay diffusers' recorded run of the tiny SD 1.5 pipeline
 * ({@code sd15-tiny-pipeline/io.safetensors}): the tokenizer and text encoder answer with the recorded ids
 * and embeddings, the UNet with the recorded output of each step (after checking it was given the
 * recorded input), the VAE with the recorded decode; a minimal Euler scheduler uses the recorded sigmas.
 * What remains under test is the pipeline itself: batching, guidance, scaling, order, postprocessing.
 */
final class RecordedPipeline {

    final Map<String, float[]> io = new HashMap<>();
    final List<String> unetCalls = new ArrayList<>();
    float maxUnetInputError;
    float maxDecodeInputError;

    RecordedPipeline() throws Exception {
        Path file = Path.of(RecordedPipeline.class.getResource("/pipeline/sd15-tiny-pipeline-io.safetensors").toURI());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) io.put(name, f.tensor(name).toFloat32().toFloatArray());
        }
    }

    float[] get(String name) {
        float[] v = io.get(name);
        if (v == null) throw new IllegalArgumentException("no tensor " + name + " in the recorded run");
        return v;
    }

    StableDiffusionModel model() {
        return new StableDiffusionModel("sd1", List.of(new RecordedTokenizer()), List.of(new RecordedTextEncoder()),
                new RecordedUnet(), new RecordedVae(), Config.of("scheduler_config.json", Map.of("_class_name", "RecordedEuler",
                "prediction_type", "epsilon")));
    }

    Catalog catalog() {
        return new Catalog(
                Registry.of("scheduler", List.of(new Provided<SchedulerFactory>(new RecordedEulerFactory(), "test"))),
                Registry.of("sampler", List.of()), Registry.of("schedule", List.of()),
                Registry.of("noise source", List.of(new Provided<NoiseSourceFactory>(new ReplayNoise(), "test"))),
                Registry.of("beta schedule", List.of()));
    }

    StableDiffusion pipeline() {
        return new StableDiffusion(model(), hostBackend(), false, ModelInfo.of("sd15-tiny-pipeline", 16, false, "0123456789"),
                catalog(), null);
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length, "lengths");
        float m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    // ---- text -------------------------------------------------------------------------------------

    private final class RecordedTokenizer implements Tokenizer {
        @Override
        public int[] encode(String text) {
            if (text.isEmpty()) return new int[0];
            if (text.equals("a red cube on a table")) return new int[]{320, 736, 11353, 525, 320, 2175};
            throw new IllegalArgumentException("no recorded tokens for \"" + text + "\"");
        }

        @Override
        public int startToken() {
            return 49406;
        }

        @Override
        public int endToken() {
            return 49407;
        }

        @Override
        public int padToken() {
            return 49407;
        }

        @Override
        public int maxLength() {
            return 77;
        }

        @Override
        public int[] window(int[] ids) {
            int[] w = new int[77];
            Arrays.fill(w, 49407);
            w[0] = 49406;
            System.arraycopy(ids, 0, w, 1, Math.min(ids.length, 75));
            return w;
        }
    }

    private final class RecordedTextEncoder implements TextEncoder {
        @Override
        public int hiddenSize() {
            return 48;
        }

        @Override
        public int projectionDim() {
            return 0;
        }

        @Override
        public int layers() {
            return 3;
        }

        @Override
        public Tensor finalLayerNorm(Tensor hiddenState) {
            throw new UnsupportedOperationException("the recorded run has no clip skip");
        }

        @Override
        public TextEncoding encode(int[][] windows, int clipSkip) {
            float[] ids = get("input_ids");   // [neg, pos] windows as recorded
            float[] out = new float[windows.length * 77 * 48];
            for (int r = 0; r < windows.length; r++) {
                String which = null;
                for (int k = 0; k < 2 && which == null; k++) {
                    boolean same = true;
                    for (int t = 0; t < 77; t++) same &= windows[r][t] == (int) ids[k * 77 + t];
                    if (same) which = k == 0 ? "negative_prompt_embeds" : "prompt_embeds";
                }
                if (which == null) throw new IllegalArgumentException("window " + r + " was not recorded: " + Arrays.toString(windows[r]));
                System.arraycopy(get(which), 0, out, r * 77 * 48, 77 * 48);
            }
            Tensor t = Tensor.wrap(out, windows.length, 77, 48);
            return new TextEncoding(t, t, null, null, List.of());
        }
    }

    // ---- UNet -------------------------------------------------------------------------------------

    private final class RecordedUnet implements NoisePredictor {
        @Override
        public Tensor predict(Tensor sample, float[] timesteps, Conditioning conditioning) {
            float[] ts = get("timesteps");
            int step = -1;
            for (int i = 0; i < ts.length; i++) if (ts[i] == timesteps[0]) step = i;
            if (step < 0) throw new IllegalArgumentException("timestep " + timesteps[0] + " was not recorded");
            unetCalls.add(step + ":" + Arrays.toString(sample.shape()));
            float[] expectedCond = new float[2 * 77 * 48];
            System.arraycopy(get("negative_prompt_embeds"), 0, expectedCond, 0, 77 * 48);
            System.arraycopy(get("prompt_embeds"), 0, expectedCond, 77 * 48, 77 * 48);
            assertEquals(0f, maxAbsDiff(expectedCond, conditioning.encoderHiddenStates().toFloatArray()),
                    "conditioning rows are [negative, positive]");
            maxUnetInputError = Math.max(maxUnetInputError, maxAbsDiff(get("step" + step + ".unet_in"), sample.toFloatArray()));
            return Tensor.wrap(get("step" + step + ".unet_out").clone(), 2, 4, 16, 16);
        }

        @Override
        public int inChannels() {
            return 4;
        }

        @Override
        public Parameterization parameterization() {
            return Parameterization.EPSILON;
        }
    }

    // ---- VAE --------------------------------------------------------------------------------------

    private final class RecordedVae implements ImageCodec {
        @Override
        public int downsamplingFactor() {
            return 4;
        }

        @Override
        public int latentChannels() {
            return 4;
        }

        @Override
        public double scalingFactor() {
            return 0.18215;
        }

        @Override
        public double shiftFactor() {
            return 0;
        }

        @Override
        public LatentDistribution encode(Tensor image) {
            throw new UnsupportedOperationException("the recorded run has no encode");
        }

        @Override
        public Tensor decode(Tensor latents) {
            float[] expected = get("step3.latents").clone();
            for (int i = 0; i < expected.length; i++) expected[i] /= 0.18215f;
            maxDecodeInputError = Math.max(maxDecodeInputError, maxAbsDiff(expected, latents.toFloatArray()));
            return Tensor.wrap(get("vae_decoded").clone(), 1, 3, 64, 64);
        }
    }

    // ---- scheduler and noise -------------------------------------------------------------------------

    /** diffusers' EulerDiscreteScheduler (epsilon, no churn) over the recorded sigmas; float32 as torch computes it. */
    private final class RecordedEulerFactory implements SchedulerFactory {
        @Override
        public String name() {
            return "RecordedEuler";
        }

        @Override
        public Scheduler create(Config config) {
            return new Scheduler() {
                @Override
                public String className() {
                    return "RecordedEuler";
                }

                @Override
                public Config config() {
                    return config;
                }

                @Override
                public NoiseSchedule trainingSchedule() {
                    return null;
                }

                @Override
                public SchedulerRun start(int steps, Config timestepOptions, Config stepOptions) {
                    float[] sigmas = get("sigmas");
                    float[] ts = get("timesteps");
                    assertEquals(ts.length, steps, "the recorded run has " + ts.length + " steps");
                    return new SchedulerRun() {
                        @Override
                        public double[] timesteps() {
                            double[] d = new double[ts.length];
                            for (int i = 0; i < d.length; i++) d[i] = ts[i];
                            return d;
                        }

                        @Override
                        public DType timestepType() {
                            return DType.FLOAT32;
                        }

                        @Override
                        public int numInferenceSteps() {
                            return steps;
                        }

                        @Override
                        public float[] sigmas() {
                            return sigmas.clone();
                        }

                        @Override
                        public double initNoiseSigma() {
                            float max = sigmas[0];
                            return (float) Math.sqrt(max * max + 1f);
                        }

                        @Override
                        public float[] scaleModelInput(float[] sample, int i) {
                            float s = sigmas[i];
                            float d = (float) Math.sqrt(s * s + 1f);
                            float[] out = new float[sample.length];
                            for (int k = 0; k < out.length; k++) out[k] = sample[k] / d;
                            return out;
                        }

                        @Override
                        public float[] step(float[] eps, int i, float[] x, NoiseSource noise) {
                            float sigma = sigmas[i];
                            float dt = sigmas[i + 1] - sigma;
                            float[] out = new float[x.length];
                            for (int k = 0; k < out.length; k++) {
                                float x0 = x[k] - sigma * eps[k];
                                float derivative = (x[k] - x0) / sigma;
                                out[k] = x[k] + derivative * dt;
                            }
                            return out;
                        }
                    };
                }
            };
        }
    }

    /** Seed 4242 replays the recorded initial latents (the real generator is checked in the samplers module). */
    private final class ReplayNoise implements NoiseSourceFactory {
        @Override
        public String name() {
            return "cpu";
        }

        @Override
        public NoiseSource create(long seed) {
            if (seed != 4242) throw new IllegalArgumentException("only seed 4242 was recorded");
            return n -> {
                assertEquals(4 * 16 * 16, n, "one draw of the latent shape");
                return get("latents_in").clone();
            };
        }
    }

    /** A backend that keeps everything on the host; the pipeline only moves tensors through it. */
    static Backend hostBackend() {
        return (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> "host";
                    case "fromHost", "toHost" -> args[0];
                    case "close" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "host backend";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}

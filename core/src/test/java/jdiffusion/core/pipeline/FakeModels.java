package jdiffusion.core.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jdiffusion.core.Config;
import jdiffusion.core.image.ImageCodec;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.model.NoisePredictor;
import jdiffusion.core.model.StableDiffusionModel;
import jdiffusion.core.plugin.Provided;
import jdiffusion.core.plugin.Registry;
import jdiffusion.core.sampling.Denoiser;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.sampling.NoiseSourceFactory;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.sampling.SamplingContext;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.core.sampling.StepListener;
import jdiffusion.core.schedule.BetaSchedule;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.schedule.SigmaSchedule;
import jdiffusion.core.scheduler.Scheduler;
import jdiffusion.core.scheduler.SchedulerFactory;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.core.text.TextEncoder;
import jdiffusion.core.text.TextEncoding;
import jdiffusion.core.text.Tokenizer;

/**
 * Small deterministic stand-ins for every SPI the pipeline uses, which record how they are called:
 * enough to pin the pipeline's plumbing (order of random draws, batch layout, masks, image conditioning)
 * without real networks. All are pure functions of their inputs, so they are thread-safe apart from the
 * call logs (synchronized lists).
 */
final class FakeModels {

    static final int VAE_FACTOR = 2;
    static final int TOKENS = 6;

    final List<String> draws = Collections.synchronizedList(new ArrayList<>());
    final List<float[]> unetInputs = Collections.synchronizedList(new ArrayList<>());
    final List<Float> unetTimesteps = Collections.synchronizedList(new ArrayList<>());
    final List<float[]> unetConditioning = Collections.synchronizedList(new ArrayList<>());
    final List<Conditioning> conditionings = Collections.synchronizedList(new ArrayList<>());
    int unetChannels = 4;
    int encoders = 1;

    // ---- text: each token id t becomes the row [t, t + 1, ...] / 100 -------------------------------

    final class FakeTokenizer implements Tokenizer {
        @Override
        public int[] encode(String text) {
            return text.chars().map(c -> c % 50).toArray();
        }

        @Override public int startToken() { return 98; }
        @Override public int endToken() { return 99; }
        @Override public int padToken() { return 99; }
        @Override public int maxLength() { return TOKENS; }

        @Override
        public int[] window(int[] ids) {
            int[] w = new int[TOKENS];
            Arrays.fill(w, 99);
            w[0] = 98;
            System.arraycopy(ids, 0, w, 1, Math.min(ids.length, TOKENS - 2));
            return w;
        }
    }

    final class FakeTextEncoder implements TextEncoder {
        private final int dim;
        private final int projection;

        FakeTextEncoder(int dim, int projection) {
            this.dim = dim;
            this.projection = projection;
        }

        @Override public int hiddenSize() { return dim; }
        @Override public int projectionDim() { return projection; }
        @Override public int layers() { return 3; }

        /** "Layer norm" that is easy to recognise: adds 1000. */
        @Override
        public Tensor finalLayerNorm(Tensor h) {
            float[] v = h.toFloatArray();
            for (int i = 0; i < v.length; i++) v[i] += 1000f;
            return Tensor.wrap(v, h.shape());
        }

        @Override
        public TextEncoding encode(int[][] windows, int clipSkip) {
            int n = windows.length;
            float[] selected = new float[n * TOKENS * dim];
            float[] last = new float[n * TOKENS * dim];
            float[] embeds = new float[n * Math.max(1, projection)];
            for (int r = 0; r < n; r++) {
                for (int t = 0; t < TOKENS; t++) {
                    for (int d = 0; d < dim; d++) {
                        float v = (windows[r][t] + d) / 100f;
                        selected[(r * TOKENS + t) * dim + d] = v + clipSkip;   // the layer clip skip selects, marked
                        last[(r * TOKENS + t) * dim + d] = v;
                    }
                }
                for (int p = 0; p < projection; p++) embeds[r * projection + p] = windows[r][1] + p;
            }
            return new TextEncoding(Tensor.wrap(last, n, TOKENS, dim), Tensor.wrap(selected, n, TOKENS, dim), null,
                    projection == 0 ? null : Tensor.wrap(embeds, n, projection), List.of());
        }
    }

    // ---- UNet: a pure function of sample, timestep and the conditioning row ----------------------------

    final class FakeUnet implements NoisePredictor {
        @Override
        public Tensor predict(Tensor sample, float[] timesteps, Conditioning c) {
            int rows = sample.dim(0), inC = sample.dim(1), plane = sample.dim(2) * sample.dim(3);
            float[] x = sample.toFloatArray();
            unetInputs.add(x.clone());
            unetTimesteps.add(timesteps[0]);
            conditionings.add(c);
            float[] cond = c.encoderHiddenStates().toFloatArray();
            int per = cond.length / rows;
            float[] out = new float[rows * 4 * plane];
            for (int r = 0; r < rows; r++) {
                float m = 0;
                for (int i = 0; i < per; i++) m += cond[r * per + i];
                m /= per;
                for (int k = 0; k < 4 * plane; k++) {
                    out[r * 4 * plane + k] = 0.5f * x[r * inC * plane + k] + 0.001f * timesteps[r] + 0.01f * m;
                }
            }
            return Tensor.wrap(out, rows, 4, sample.dim(2), sample.dim(3));
        }

        @Override public int inChannels() { return unetChannels; }
        @Override public Parameterization parameterization() { return Parameterization.EPSILON; }
    }

    // ---- VAE: factor 2; encode averages 2x2 blocks, decode repeats them -------------------------------

    static final class FakeVae implements ImageCodec {
        @Override public int downsamplingFactor() { return VAE_FACTOR; }
        @Override public int latentChannels() { return 4; }
        @Override public double scalingFactor() { return 0.5; }
        @Override public double shiftFactor() { return 0; }

        @Override
        public LatentDistribution encode(Tensor image) {
            int H = image.dim(2), W = image.dim(3), h = H / 2, w = W / 2;
            float[] img = image.toFloatArray();
            float[] mean = new float[4 * h * w];
            float[] logvar = new float[4 * h * w];
            for (int c = 0; c < 4; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int ic = c % 3;
                        float s = 0;
                        for (int dy = 0; dy < 2; dy++) for (int dx = 0; dx < 2; dx++) s += img[(ic * H + 2 * y + dy) * W + 2 * x + dx];
                        mean[(c * h + y) * w + x] = s / 4;
                        logvar[(c * h + y) * w + x] = -4f;
                    }
                }
            }
            return new LatentDistribution(Tensor.wrap(mean, 1, 4, h, w), Tensor.wrap(logvar, 1, 4, h, w));
        }

        @Override
        public Tensor decode(Tensor latents) {
            int h = latents.dim(2), w = latents.dim(3), H = 2 * h, W = 2 * w;
            float[] z = latents.toFloatArray();
            float[] img = new float[3 * H * W];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) img[(c * H + y) * W + x] = Math.max(-1, Math.min(1, z[(c * h + y / 2) * w + x / 2] / 10f));
                }
            }
            return Tensor.wrap(img, 1, 3, H, W);
        }
    }

    // ---- scheduler: Euler over 10 fixed sigmas, with add_noise -------------------------------------

    static final float[] SIGMAS = {14f, 10f, 7f, 5f, 3.5f, 2.4f, 1.6f, 1f, 0.6f, 0.3f, 0f};
    static final double[] TIMESTEPS = {999, 900, 800, 700, 600, 500, 400, 300, 200, 100};

    final class FakeSchedulerFactory implements SchedulerFactory {
        @Override
        public String name() {
            return "FakeEulerScheduler";
        }

        @Override
        public Scheduler create(Config config) {
            return new Scheduler() {
                @Override public String className() { return "FakeEulerScheduler"; }
                @Override public Config config() { return config; }
                @Override public NoiseSchedule trainingSchedule() {
                    float[] betas = new float[1000];
                    for (int i = 0; i < betas.length; i++) betas[i] = 0.0001f + i * (0.02f - 0.0001f) / 999;
                    return NoiseSchedule.fromBetas(betas);
                }

                @Override
                public SchedulerRun start(int steps, Config timestepOptions, Config stepOptions) {
                    if (steps != 10) throw new IllegalArgumentException("the fake scheduler has 10 steps");
                    return new SchedulerRun() {
                        @Override public double[] timesteps() { return TIMESTEPS.clone(); }
                        @Override public DType timestepType() { return DType.FLOAT32; }
                        @Override public float[] sigmas() { return SIGMAS.clone(); }
                        @Override public double initNoiseSigma() { return Math.sqrt(14 * 14 + 1); }
                        @Override public int numInferenceSteps() { return 10; }

                        @Override
                        public float[] scaleModelInput(float[] s, int i) {
                            float d = (float) Math.sqrt(SIGMAS[i] * SIGMAS[i] + 1);
                            float[] o = new float[s.length];
                            for (int k = 0; k < o.length; k++) o[k] = s[k] / d;
                            return o;
                        }

                        @Override
                        public float[] step(float[] eps, int i, float[] x, NoiseSource noise) {
                            float[] o = new float[x.length];
                            for (int k = 0; k < o.length; k++) o[k] = x[k] + eps[k] * (SIGMAS[i + 1] - SIGMAS[i]);
                            return o;
                        }

                        @Override
                        public float[] addNoise(float[] original, float[] noise, double[] timesteps) {
                            float[] o = new float[original.length];
                            int per = original.length / timesteps.length;
                            for (int k = 0; k < o.length; k++) {
                                int idx = Arrays.binarySearch(negated(TIMESTEPS), -timesteps[k / per]);
                                o[k] = original[k] + noise[k] * SIGMAS[idx];
                            }
                            return o;
                        }
                    };
                }
            };
        }
    }

    static double[] negated(double[] a) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) o[i] = -a[i];
        return o;
    }

    // ---- k-diffusion face: Euler (Karras et al. 2022, Algorithm 2 without churn) and a fixed schedule ----

    static final class FakeEulerSampler implements Sampler {
        @Override public String name() { return "euler"; }

        @Override
        public float[] sample(Denoiser d, float[] x, Sigmas sigmas, SamplingContext ctx) {
            float[] cur = x.clone();
            for (int i = 0; i < sigmas.steps(); i++) {
                float s = sigmas.get(i);
                float[] den = d.denoise(cur, s);
                ctx.listener().onStep(new StepListener.Step(i, sigmas.steps(), s, s, cur, den));
                for (int k = 0; k < cur.length; k++) cur[k] = cur[k] + (cur[k] - den[k]) / s * (sigmas.get(i + 1) - s);
            }
            return cur;
        }
    }

    static final class FakeSchedule implements SigmaSchedule {
        @Override public String name() { return "fixed"; }

        @Override
        public Sigmas sigmas(ModelSampling ms, int steps, Config options) {
            float[] s = new float[steps + 1];
            for (int i = 0; i < steps; i++) s[i] = ms.sigmaMax() * (steps - i) / steps;
            return Sigmas.of(s);
        }
    }

    // ---- noise: java.util.Random per seed, logging each draw -------------------------------------------

    final class LoggingNoise implements NoiseSourceFactory {
        @Override public String name() { return "cpu"; }

        @Override
        public NoiseSource create(long seed) {
            Random r = new Random(seed);
            return n -> {
                draws.add(seed + ":" + n);
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
                return v;
            };
        }
    }

    // ---- assembly -------------------------------------------------------------------------------------

    StableDiffusionModel model() {
        List<Tokenizer> toks = encoders == 2 ? List.of(new FakeTokenizer(), new FakeTokenizer()) : List.of(new FakeTokenizer());
        List<TextEncoder> encs = encoders == 2 ? List.of(new FakeTextEncoder(3, 0), new FakeTextEncoder(2, 5))
                : List.of(new FakeTextEncoder(3, 0));
        return new StableDiffusionModel(encoders == 2 ? "sdxl" : "sd1", toks, encs, new FakeUnet(), new FakeVae(),
                Config.of("scheduler_config.json", Map.of("_class_name", "FakeEulerScheduler", "prediction_type", "epsilon")));
    }

    Catalog catalog() {
        return new Catalog(
                Registry.of("scheduler", List.of(new Provided<SchedulerFactory>(new FakeSchedulerFactory(), "test"))),
                Registry.of("sampler", List.of(new Provided<Sampler>(new FakeEulerSampler(), "test"))),
                Registry.of("schedule", List.of(new Provided<SigmaSchedule>(new FakeSchedule(), "test"))),
                Registry.of("noise source", List.of(new Provided<NoiseSourceFactory>(new LoggingNoise(), "test"))),
                Registry.of("beta schedule", List.<Provided<BetaSchedule>>of()));
    }

    StableDiffusion pipeline() {
        return new StableDiffusion(model(), RecordedPipeline.hostBackend(), false,
                ModelInfo.of("fake", 4, true, "abcdef0123"), catalog(), null);
    }

    static RgbImage gradient(int w, int h) {
        byte[] b = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            b[3 * i] = (byte) (i * 7);
            b[3 * i + 1] = (byte) (i * 13);
            b[3 * i + 2] = (byte) (255 - i);
        }
        return RgbImage.of(w, h, b);
    }

    /** White (repaint) on the left half, black (keep) on the right. */
    static RgbImage leftHalfMask(int w, int h) {
        byte[] b = new byte[w * h * 3];
        for (int y = 0; y < h; y++) for (int x = 0; x < w / 2; x++) Arrays.fill(b, 3 * (y * w + x), 3 * (y * w + x) + 3, (byte) 255);
        return RgbImage.of(w, h, b);
    }
}

package jdiffusion.models.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import jdiffusion.core.Config;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.json.Json;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.nn.Params;
import jdiffusion.models.unet.UNet2DConditionModel;
import jdiffusion.models.unet.UNetConfig;
import jdiffusion.models.vae.AutoencoderKL;
import jdiffusion.models.vae.VaeConfig;

/**
 * Times a UNet forward pass or a VAE decode at a real model's config (SD 1.5, SD 2.1, SDXL) with seeded
 * random weights: a warm-up, then timed repetitions; reports the median, the FLOPs one pass performs
 * (counted from the operations actually run), GFLOP/s and the process's peak resident memory.
 */
public final class ModelBenchmark {

    /** The UNet configs benchmarks know, by name. */
    public static final List<String> UNET_PRESETS = List.of("sd15", "sd21", "sdxl", "sd15-tiny");

    /** A benchmark's outcome. */
    public record Result(String benchmark, String config, int batch, int size, String dtype, String backend,
                         double[] seconds, long flops, long convFlops, long linearFlops, long attentionFlops,
                         long peakRssBytes, double setupSeconds, Map<String, Double> opSeconds, double[] cpuSeconds,
                         String loadAverage, Tensor output) {

        public double medianSeconds() {
            double[] s = seconds.clone();
            Arrays.sort(s);
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        public double minSeconds() {
            return Arrays.stream(seconds).min().orElse(Double.NaN);
        }

        public double gflopsPerSecond() {
            return flops / medianSeconds() / 1e9;
        }

        /** The JSON the {@code bench --json} option writes. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", benchmark);
            m.put("config", config);
            m.put("batch", batch);
            m.put("size", size);
            m.put("dtype", dtype);
            m.put("backend", backend);
            m.put("iterations", seconds.length);
            m.put("median_seconds", medianSeconds());
            m.put("min_seconds", minSeconds());
            m.put("seconds", seconds);
            m.put("gflop", flops / 1e9);
            m.put("gflop_conv", convFlops / 1e9);
            m.put("gflop_linear", linearFlops / 1e9);
            m.put("gflop_attention", attentionFlops / 1e9);
            m.put("gflops_per_second", gflopsPerSecond());
            m.put("peak_rss_bytes", peakRssBytes);
            m.put("setup_seconds", setupSeconds);
            if (opSeconds != null) m.put("op_seconds_counting_pass", opSeconds);
            m.put("process_cpu_seconds", cpuSeconds);
            m.put("load_average_before", loadAverage);
            m.put("java", Runtime.version().toString());
            m.put("processors", Runtime.getRuntime().availableProcessors());
            return m;
        }
    }

    private ModelBenchmark() {
    }

    /** A preset config ({@code sd15-unet}, {@code sd21-unet}, {@code sdxl-unet}, {@code sd-vae}). */
    @SuppressWarnings("unchecked")
    public static Config preset(String name) {
        try (InputStream in = ModelBenchmark.class.getResourceAsStream("/jdiffusion/models/presets/" + name + ".json")) {
            if (in == null) throw new IllegalArgumentException("no preset config " + name);
            return Config.of(name + ".json", (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * One UNet forward pass at {@code preset}'s config for a batch of {@code batch} latents of
     * {@code size x size}, 77 text tokens, weights stored as {@code dtype}.
     */
    public static Result unet(String preset, int batch, int size, DType dtype, Backend backend, int warmup, int iterations) {
        if (!UNET_PRESETS.contains(preset)) {
            throw new IllegalArgumentException("unknown UNet config \"" + preset + "\"; available: " + String.join(", ", UNET_PRESETS));
        }
        long t0 = System.nanoTime();
        UNetConfig config = UNetConfig.from(preset(preset + "-unet"));
        RandomWeights weights = new RandomWeights(1234, dtype, RandomWeights.unetAbsentKeys());
        Function<Backend, UNet2DConditionModel> build = be -> new UNet2DConditionModel(config, Params.of(weights, be), Parameterization.EPSILON);
        UNet2DConditionModel unet = build.apply(backend);
        SplittableRandom rnd = new SplittableRandom(42);
        Tensor sample = backend.fromHost(gaussian(rnd, batch, config.inChannels(), size, size));
        Tensor ehs = backend.fromHost(gaussian(rnd, batch, 77, config.crossAttentionDim()[0]));
        Tensor textEmbeds = null;
        Tensor timeIds = null;
        if (config.additionEmbedType() != null) {
            int textDim = config.projectionClassEmbeddingsInputDim() - 6 * config.additionTimeEmbedDim();
            textEmbeds = backend.fromHost(gaussian(rnd, batch, textDim));
            float px = size * 8f;
            float[] ids = new float[batch * 6];
            for (int b = 0; b < batch; b++) System.arraycopy(new float[]{px, px, 0, 0, px, px}, 0, ids, b * 6, 6);
            timeIds = backend.fromHost(Tensor.wrap(ids, batch, 6));
        }
        Conditioning cond = new Conditioning(ehs, textEmbeds, timeIds, List.of(), null);
        float[] t = {500f};
        FlopCounter counter = new FlopCounter();
        OpProfile profile = new OpProfile();
        UNet2DConditionModel counted = build.apply(counter.wrap(profile.wrap(backend)));
        double setup = (System.nanoTime() - t0) / 1e9;
        counted.predict(sample, t, cond);   // the counting pass doubles as the first warm-up
        for (int i = 1; i < warmup; i++) unet.predict(sample, t, cond);
        double[] secs = new double[iterations];
        double[] cpu = new double[iterations];
        String load = loadAverage();
        Tensor output = null;
        for (int i = 0; i < iterations; i++) {
            double c = processCpuSeconds();
            long s = System.nanoTime();
            output = backend.toHost(unet.predict(sample, t, cond));
            secs[i] = (System.nanoTime() - s) / 1e9;
            cpu[i] = processCpuSeconds() - c;
        }
        return new Result("unet", preset, batch, size, dtype.safetensorsName(), backend.name(), secs, counter.totalFlops(),
                counter.convFlops(), counter.linearFlops(), counter.attentionFlops(), peakRssBytes(), setup, profile.seconds(), cpu, load,
                output);
    }

    /** One VAE decode of {@code batch} latents of {@code size x size} at SD's VAE config (tiled when asked). */
    public static Result vaeDecode(int batch, int size, DType dtype, Backend backend, int warmup, int iterations, boolean tiled) {
        long t0 = System.nanoTime();
        VaeConfig config = VaeConfig.from(preset("sd-vae"));
        RandomWeights weights = new RandomWeights(5678, dtype, k -> false);
        Function<Backend, AutoencoderKL> build = be -> new AutoencoderKL(config, Params.of(weights, be));
        AutoencoderKL vae = build.apply(backend);
        Tensor latents = backend.fromHost(gaussian(new SplittableRandom(7), batch, config.latentChannels(), size, size));
        FlopCounter counter = new FlopCounter();
        OpProfile profile = new OpProfile();
        AutoencoderKL counted = build.apply(counter.wrap(profile.wrap(backend)));
        double setup = (System.nanoTime() - t0) / 1e9;
        if (tiled) counted.decodeTiled(latents);
        else counted.decode(latents);
        for (int i = 1; i < warmup; i++) {
            if (tiled) vae.decodeTiled(latents);
            else vae.decode(latents);
        }
        double[] secs = new double[iterations];
        double[] cpu = new double[iterations];
        String load = loadAverage();
        Tensor output = null;
        for (int i = 0; i < iterations; i++) {
            double c = processCpuSeconds();
            long s = System.nanoTime();
            output = backend.toHost(tiled ? vae.decodeTiled(latents) : vae.decode(latents));
            secs[i] = (System.nanoTime() - s) / 1e9;
            cpu[i] = processCpuSeconds() - c;
        }
        return new Result(tiled ? "vae-decode-tiled" : "vae-decode", "sd-vae", batch, size, dtype.safetensorsName(), backend.name(),
                secs, counter.totalFlops(), counter.convFlops(), counter.linearFlops(), counter.attentionFlops(), peakRssBytes(), setup,
                profile.seconds(), cpu, load, output);
    }

    private static Tensor gaussian(SplittableRandom rnd, int... shape) {
        float[] v = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < v.length; i++) {
            // Box-Muller from two uniforms: standard normal inputs like the latents and embeddings SD sees
            double u1 = 1 - rnd.nextDouble();
            double u2 = rnd.nextDouble();
            v[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return Tensor.wrap(v, shape);
    }

    /**
     * CPU seconds this process has used (user + system, from /proc/self/stat at 100 ticks per second), or
     * NaN where unavailable; beside wall time it shows how much of a run other processes took from it.
     */
    public static double processCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The system's load averages (/proc/loadavg), or "" where unavailable. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The process's peak resident set size ({@code VmHWM} in /proc/self/status), or -1 where unavailable. */
    public static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] parts = line.trim().split("\\s+");
                    return Long.parseLong(parts[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}

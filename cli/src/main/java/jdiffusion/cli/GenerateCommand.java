package jdiffusion.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jdiffusion.core.Config;
import jdiffusion.core.json.Json;
import jdiffusion.core.pipeline.GeneratedImage;
import jdiffusion.core.pipeline.GenerationRequest;
import jdiffusion.core.pipeline.GenerationResult;
import jdiffusion.core.pipeline.Infotext;
import jdiffusion.core.pipeline.PngFile;
import jdiffusion.core.pipeline.Progress;
import jdiffusion.core.pipeline.StableDiffusion;
import jdiffusion.core.plugin.Plugins;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jdiffusion generate}: txt2img, img2img and inpainting from the command line, PNGs with A1111 parameters. */
@Command(name = "generate", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Generate images from a prompt (txt2img), an initial image (img2img) or an image and a mask (inpainting).",
                "Without --sampler the model folder's scheduler_config.json drives sampling, as in diffusers; seeds reproduce "
                        + "diffusers run with torch.Generator().manual_seed(seed) on the CPU. Each PNG carries its settings "
                        + "in A1111's \"parameters\" text."})
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR_OR_FILE", description = "A diffusers model folder or a .safetensors checkpoint.")
    Path model;

    @Option(names = {"--prompt", "-p"}, required = true, paramLabel = "TEXT", description = "What to generate.")
    String prompt;

    @Option(names = {"--negative-prompt", "-n"}, paramLabel = "TEXT", description = "What to steer away from (default: none).")
    String negativePrompt;

    @Option(names = "--sampler", paramLabel = "NAME", description = "A sampler (euler, euler_a, dpmpp_2m, ...) or a diffusers scheduler class"
            + " (EulerAncestralDiscreteScheduler, ...); default: the model's scheduler_config.json.")
    String sampler;

    @Option(names = "--schedule", paramLabel = "NAME", description = "The sigma schedule for a named sampler (normal, karras, exponential, ...);"
            + " with a diffusers scheduler: karras, exponential or beta.")
    String schedule;

    @Option(names = "--scheduler-config", paramLabel = "FILE", description = "A scheduler_config.json to use instead of the model's.")
    Path schedulerConfig;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "50", description = "Inference steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--cfg", paramLabel = "SCALE", defaultValue = "7.5", description = "Classifier-free guidance scale (default: ${DEFAULT-VALUE}; 1 turns guidance off).")
    double cfg;

    @Option(names = "--guidance-rescale", paramLabel = "FACTOR", defaultValue = "0", description = "Guidance rescale factor in [0, 1] (default: 0).")
    double guidanceRescale;

    @Option(names = "--seed", paramLabel = "N", description = "Seed (default: random, printed).")
    Long seed;

    @Option(names = "--noise", paramLabel = "NAME", defaultValue = "cpu", description = "Noise source: cpu (torch's CPU generator) or nv (A1111's NV/Philox) (default: ${DEFAULT-VALUE}).")
    String noise;

    @Option(names = "--width", paramLabel = "PX", description = "Width in pixels (default: the UNet's sample size x the VAE's factor, or the initial image's).")
    Integer width;

    @Option(names = "--height", paramLabel = "PX", description = "Height in pixels (default likewise).")
    Integer height;

    @Option(names = "--init-image", paramLabel = "FILE", description = "Start from this image (img2img).")
    Path initImage;

    @Option(names = "--strength", paramLabel = "S", description = "How far to move from the initial image, (0, 1] (default: 0.8; 1.0 when inpainting).")
    Double strength;

    @Option(names = "--mask", paramLabel = "FILE", description = "Inpaint where this image is white (needs --init-image).")
    Path mask;

    @Option(names = "--clip-skip", paramLabel = "N", defaultValue = "0", description = "Text-encoder layers to skip from the end (diffusers' clip_skip; 1 = A1111's \"Clip skip: 2\").")
    int clipSkip;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Images per batch, from one noise stream (default: 1).")
    int batch;

    @Option(names = "--batch-count", paramLabel = "N", defaultValue = "1", description = "Batches; batch k uses seed + k x batch (default: 1).")
    int batchCount;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "A sampler or schedule option (eta, s_noise, rho, ...), repeatable.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "Compute threads (default: all cores).")
    int threads;

    @Option(names = "--backend", paramLabel = "NAME[:OPTIONS]", description = "Backend NAME or NAME:OPTIONS (default: cpu).")
    String backend;

    @Mixin
    PluginOptions pluginOptions;

    @Option(names = {"--output", "-o"}, paramLabel = "FILE_OR_DIR", defaultValue = "outputs", description = "A .png file, or a folder for numbered files"
            + " NNNNN-SEED.png (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--overwrite", description = "Replace existing files instead of failing.")
    boolean overwrite;

    @Option(names = {"--quiet", "-q"}, description = "No progress bar.")
    boolean quiet;

    @Mixin
    AdapterOptions adapterOptions = new AdapterOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Plugins plugins = pluginOptions.discover(err);
        checkSampler(plugins);
        jdiffusion.adapters.lora.LoraPrompt.Parsed tagged = adapterOptions.parsePrompt(prompt);
        GenerationRequest.Builder b = GenerationRequest.builder(tagged.prompt())
                .negativePrompt(negativePrompt).steps(steps).guidanceScale(cfg).guidanceRescale(guidanceRescale)
                .sampler(sampler).schedule(schedule).noiseSource(noise).clipSkip(clipSkip)
                .batchSize(batch).batchCount(batchCount);
        long s = seed != null ? seed : new SecureRandom().nextLong(0, 1L << 32);
        b.seed(s);
        options.forEach((k, v) -> b.samplerOption(k, parseValue(v)));
        if (width != null || height != null) b.size(width == null ? 0 : width, height == null ? 0 : height);
        if (schedulerConfig != null) b.schedulerConfig(readConfig(schedulerConfig));
        if (initImage != null) b.initImage(ImageFiles.read(initImage, "initial image"));
        if (mask != null) {
            if (initImage == null) throw new IllegalArgumentException("--mask needs --init-image (the image to inpaint)");
            b.mask(ImageFiles.read(mask, "mask"));
        }
        if (strength != null) b.strength(strength);
        checkOutput();

        long t0 = System.nanoTime();
        try (StableDiffusion loadedModel = StableDiffusion.builder().model(model).plugins(plugins).backend(backend).threads(threads).build()) {
            StableDiffusion sd = loadedModel;
            if (adapterOptions.any(tagged.tags())) {
                int factor = loadedModel.vaeScaleFactor();
                int[] controlSize = initImage == null && width == null && height == null ? adapterOptions.controlImageSize(factor) : null;
                if (controlSize != null) b.size(controlSize[0], controlSize[1]);
                int w = width != null ? width : controlSize != null ? controlSize[0] : initImage != null ? -1 : loadedModel.defaultSize();
                int h = height != null ? height : controlSize != null ? controlSize[1] : initImage != null ? -1 : loadedModel.defaultSize();
                if (w < 0 || h < 0) {
                    jdiffusion.core.pipeline.RgbImage init = ImageFiles.read(initImage, "initial image");
                    w = w < 0 ? init.width() - init.width() % factor : w;
                    h = h < 0 ? init.height() - init.height() % factor : h;
                }
                sd = adapterOptions.apply(loadedModel, tagged.tags(), tagged.prompt() + " " + (negativePrompt == null ? "" : negativePrompt),
                        w, h, plugins, err);
            }
            long loaded = System.nanoTime();
            ProgressBar bar = new ProgressBar(err, quiet);
            b.listener(bar::update);
            GenerationRequest request = b.build();
            if (!quiet) {
                err.printf("jdiffusion: %s on %s, seed %d, %s%n", sd.info().name(), sd.backend().name(), s,
                        request.sampler() == null ? sd.schedulerConfig().getString("_class_name", "scheduler") : request.sampler());
            }
            GenerationResult result = sd.generate(request);
            bar.finish();
            List<Path> written = write(result);
            for (Path p : written) out.println(p);
            err.printf(Locale.ROOT, "generated %d image%s in %.1f s (model load %.1f s): %d steps, %.3f s/step, peak memory %s%n",
                    result.images().size(), result.images().size() == 1 ? "" : "s", (System.nanoTime() - loaded) / 1e9,
                    (loaded - t0) / 1e9, result.steps(), result.secondsPerStep(), peakMemory());
        }
        return 0;
    }

    /** An unknown sampler is reported before the model loads, with every name that would work. */
    private void checkSampler(Plugins plugins) {
        if (sampler == null || plugins.samplers().find(sampler).isPresent() || plugins.schedulers().find(sampler).isPresent()) return;
        List<String> samplers = plugins.samplers().names();
        List<String> classes = plugins.schedulers().names();
        throw new IllegalArgumentException("unknown sampler \"" + sampler + "\"; samplers: "
                + (samplers.isEmpty() ? "(none installed)" : String.join(", ", samplers))
                + "; diffusers schedulers: " + (classes.isEmpty() ? "(none installed)" : String.join(", ", classes))
                + " (jdiffusion plugins lists them with their origin)");
    }

    private static Object parseValue(String v) {
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) return Boolean.parseBoolean(v);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e2) {
                return v;
            }
        }
    }

    private static Config readConfig(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("scheduler config " + file + " does not exist");
        return Config.of(file.toString(), Json.readObject(file));
    }

    private boolean outputIsFile() {
        return output.getFileName() != null && output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png");
    }

    /** Fails before any work when a single output file exists and may not be replaced. */
    private void checkOutput() throws FileAlreadyExistsException {
        if (outputIsFile() && batch * batchCount == 1 && Files.exists(output) && !overwrite) {
            throw new FileAlreadyExistsException(output.toString(), null, "exists; use --overwrite to replace it or choose another --output");
        }
        if (!outputIsFile() && Files.exists(output) && !Files.isDirectory(output)) {
            throw new IllegalArgumentException("--output " + output + " exists and is not a folder; give a folder or a .png file name");
        }
    }

    private List<Path> write(GenerationResult result) throws IOException {
        List<Path> written = new ArrayList<>();
        List<GeneratedImage> images = result.images();
        for (int i = 0; i < images.size(); i++) {
            GeneratedImage img = images.get(i);
            Map<String, String> text = Map.of(Infotext.PNG_KEY, img.infotext().format());
            if (outputIsFile()) {
                Path target = output;
                if (images.size() > 1) {
                    String name = output.getFileName().toString();
                    target = output.resolveSibling(name.substring(0, name.length() - 4) + "-" + (i + 1) + ".png");
                }
                PngFile.write(target, img.image(), text, overwrite);
                written.add(target);
            } else {
                written.add(writeNumbered(img, text));
            }
        }
        return written;
    }

    private static final Pattern NUMBERED = Pattern.compile("(\\d{5,})-.*");

    /** A1111's naming in a folder: the next free five-digit number, then the seed. */
    private Path writeNumbered(GeneratedImage img, Map<String, String> text) throws IOException {
        Files.createDirectories(output);
        for (int attempt = 0; ; attempt++) {
            int next = 1;
            try (Stream<Path> files = Files.list(output)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Matcher m = NUMBERED.matcher(p.getFileName().toString());
                    if (m.matches()) next = Math.max(next, Integer.parseInt(m.group(1)) + 1);
                }
            }
            Path target = output.resolve(String.format("%05d-%d.png", next, img.seed()));
            try {
                PngFile.write(target, img.image(), text, false);
                return target;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) throw e;   // another writer took the number; try the next one
            }
        }
    }

    /** The process's peak resident memory (Linux VmHWM), else the peak of the Java heap. */
    static String peakMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D+", ""));
                    return bytes(kb * 1024) + " resident";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall back to the heap
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) peak += pool.getPeakUsage().getUsed();
        }
        return bytes(peak) + " heap";
    }

    static String bytes(long b) {
        if (b >= 1L << 30) return String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
        return String.format(Locale.ROOT, "%.0f MiB", b / (double) (1L << 20));
    }

    /** A one-line progress bar on the error stream: steps, seconds per step, ETA. */
    static final class ProgressBar {
        private final PrintWriter err;
        private final boolean quiet;
        private boolean drawn;

        ProgressBar(PrintWriter err, boolean quiet) {
            this.err = err;
            this.quiet = quiet;
        }

        void update(Progress p) {
            if (quiet) return;
            int width = 30;
            int filled = p.steps() == 0 ? width : p.step() * width / p.steps();
            String batch = p.batches() > 1 ? String.format(" batch %d/%d", p.batch() + 1, p.batches()) : "";
            err.printf(Locale.ROOT, "\r[%s%s] %d/%d%s  %.2f s/step  ETA %s ", "#".repeat(filled), ".".repeat(width - filled),
                    p.step(), p.steps(), batch, p.stepNanos() / 1e9, duration(p.remainingNanos()));
            err.flush();
            drawn = true;
        }

        void finish() {
            if (drawn) {
                err.println();
                err.flush();
            }
        }

        static String duration(long nanos) {
            long s = Math.round(nanos / 1e9);
            return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
        }
    }
}

package jdiffusion.core.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import jdiffusion.core.Config;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.BackendProvider;
import jdiffusion.core.json.Json;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.model.ModelLoader;
import jdiffusion.core.model.StableDiffusionModel;
import jdiffusion.core.plugin.Plugins;
import jdiffusion.core.plugin.Registry;
import jdiffusion.core.sampling.NoiseSourceFactory;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.schedule.BetaSchedule;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.schedule.SigmaSchedule;
import jdiffusion.core.scheduler.Scheduler;
import jdiffusion.core.scheduler.SchedulerFactory;

/**
 * A loaded Stable Diffusion model, ready to generate: txt2img, img2img and inpainting with
 * classifier-free guidance, any diffusers scheduler (the model folder's own by default) or any sampler
 * and sigma schedule by name, and seeds that reproduce diffusers with a CPU generator.
 *
 * <pre>{@code
 * try (StableDiffusion sd = StableDiffusion.load(Path.of("models/sd15"))) {
 *     GenerationResult r = sd.txt2img(GenerationRequest.builder("a red cube on a table").seed(42).build());
 *     Files.write(Path.of("cube.png"), r.images().get(0).toPng());
 * }
 * }</pre>
 *
 * Thread-safe: any number of requests may run concurrently on one instance; each keeps its state to itself.
 */
public final class StableDiffusion implements AutoCloseable {

    /** diffusers' Stable Diffusion scheduler settings, for checkpoints that ship no scheduler configuration. */
    static final Map<String, Object> DEFAULT_SCHEDULER = defaultScheduler();

    private final StableDiffusionModel model;
    private final Backend backend;
    private final boolean ownsBackend;
    private final ModelInfo info;
    private final Catalog catalog;
    private final Config schedulerConfig;

    StableDiffusion(StableDiffusionModel model, Backend backend, boolean ownsBackend, ModelInfo info, Catalog catalog,
                    Config schedulerConfig) {
        this.model = model;
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.info = info;
        this.catalog = catalog;
        this.schedulerConfig = schedulerConfig != null ? schedulerConfig
                : model.schedulerConfig() != null ? model.schedulerConfig()
                : Config.of("default scheduler configuration", DEFAULT_SCHEDULER);
    }

    /** Loads a diffusers folder or a single-file checkpoint with the built-in plugins and the default backend. */
    public static StableDiffusion load(Path path) throws IOException {
        return builder().model(path).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Wraps a model an application loaded itself; the backend stays the caller's to close. */
    public static StableDiffusion of(StableDiffusionModel model, Backend backend, ModelInfo info, Plugins plugins) {
        return new StableDiffusion(model, backend, false, info, Catalog.of(plugins), null);
    }

    public StableDiffusionModel model() {
        return model;
    }

    public ModelInfo info() {
        return info;
    }

    public Backend backend() {
        return backend;
    }

    /** The scheduler configuration used when a request names no sampler. */
    public Config schedulerConfig() {
        return schedulerConfig;
    }

    /** The VAE's spatial downsampling factor: image sizes must be multiples of it. */
    public int vaeScaleFactor() {
        return model.vae().downsamplingFactor();
    }

    /** The default image width and height: the UNet's sample size times the VAE's factor. */
    public int defaultSize() {
        return info.sampleSize() * vaeScaleFactor();
    }

    /** Text to image; the request must not carry an initial image. */
    public GenerationResult txt2img(GenerationRequest request) {
        if (request.isImageToImage()) throw new IllegalArgumentException("txt2img takes no initial image; use img2img or generate");
        return generate(request);
    }

    /** Image to image; the request must carry an initial image. */
    public GenerationResult img2img(GenerationRequest request) {
        if (!request.isImageToImage()) throw new IllegalArgumentException("img2img needs an initial image");
        return generate(request);
    }

    /** Inpainting; the request must carry an initial image and a mask. */
    public GenerationResult inpaint(GenerationRequest request) {
        if (!request.isInpainting()) throw new IllegalArgumentException("inpainting needs an initial image and a mask");
        return generate(request);
    }

    /** Generates what {@code request} asks for: txt2img, img2img or inpainting depending on its images. */
    public GenerationResult generate(GenerationRequest request) {
        return generate(request, Generation.LatentTrace.NONE);
    }

    GenerationResult generate(GenerationRequest request, Generation.LatentTrace trace) {
        long t0 = System.nanoTime();
        Plan plan = plan(request);
        List<GeneratedImage> images = new ArrayList<>();
        long samplingNanos = 0;
        int steps = 0;
        for (int k = 0; k < request.batchCount(); k++) {
            long seed = request.seed() + (long) k * request.batchSize();
            Generation g = new Generation(model, backend, plan, seed, k, request.batchCount(), trace);
            long s0 = System.nanoTime();
            float[] latents = g.sample();
            samplingNanos += System.nanoTime() - s0;
            steps += stepsRun(plan);
            RgbImage[] decoded = g.decode(latents);
            for (int i = 0; i < decoded.length; i++) {
                images.add(new GeneratedImage(decoded[i], seed, k, i, infotext(plan, seed, i)));
            }
        }
        return new GenerationResult(images, steps, samplingNanos, System.nanoTime() - t0);
    }

    private static int stepsRun(Plan plan) {
        GenerationRequest r = plan.request();
        return r.isImageToImage() ? r.steps() - Generation.firstStep(r.steps(), r.strength()) : r.steps();
    }

    // ---- resolving a request -------------------------------------------------------------------

    Plan plan(GenerationRequest r) {
        int factor = vaeScaleFactor();
        int width = r.width(), height = r.height();
        if (width == 0 || height == 0) {
            if (r.initImage() != null) {
                // diffusers' get_default_height_width: the image's size rounded down to the factor
                width = width == 0 ? r.initImage().width() - r.initImage().width() % factor : width;
                height = height == 0 ? r.initImage().height() - r.initImage().height() % factor : height;
            } else {
                width = width == 0 ? defaultSize() : width;
                height = height == 0 ? defaultSize() : height;
            }
        }
        checkSize(width, height, factor);
        int channels = model.vae().latentChannels();
        int unetChannels = model.unet().inChannels();
        if (unetChannels != channels && unetChannels != 2 * channels + 1) {
            throw new IllegalStateException("the UNet takes " + unetChannels + " input channels; expected " + channels
                    + " (or " + (2 * channels + 1) + " for inpainting models)");
        }
        if (unetChannels != channels && !r.isInpainting()) {
            throw new IllegalArgumentException("this is an inpainting model (" + unetChannels
                    + "-channel UNet): give it an initial image and a mask");
        }
        boolean guidance = r.guidanceScale() > 1.0;

        Config base = r.schedulerConfig() != null ? r.schedulerConfig() : schedulerConfig;
        Scheduler scheduler = null;
        Config usedConfig = null;
        Sampler sampler = null;
        SigmaSchedule schedule = null;
        String scheduleName = null;
        DiscreteModelSampling modelSampling = null;
        Optional<SchedulerFactory> schedulerClass = r.sampler() == null ? Optional.empty() : catalog.schedulers().find(r.sampler());
        if (r.sampler() == null || schedulerClass.isPresent()) {
            usedConfig = r.sampler() == null ? base : base.with("_class_name", schedulerClass.get().name());
            usedConfig = withSchedule(usedConfig, r.schedule());
            String cls = usedConfig.getString("_class_name", null);
            if (cls == null) throw new IllegalArgumentException(usedConfig.source() + " names no scheduler class (_class_name)");
            scheduler = catalog.schedulers().get(cls).create(usedConfig);
        } else {
            Optional<Sampler> named = catalog.samplers().find(r.sampler());
            if (named.isEmpty()) throw unknownSampler(r.sampler());
            sampler = named.get();
            scheduleName = r.schedule() == null ? "normal" : r.schedule();
            schedule = catalog.schedules().get(scheduleName);
            modelSampling = new DiscreteModelSampling(trainingSchedule(base), parameterization(base));
        }
        NoiseSourceFactory noise = catalog.noiseSources().get(r.noiseSource());

        int[] orig = r.sdxlOriginalSize() != null ? r.sdxlOriginalSize() : new int[]{width, height};
        int[] crop = r.sdxlCropTopLeft() != null ? r.sdxlCropTopLeft() : new int[]{0, 0};
        int[] target = r.sdxlTargetSize() != null ? r.sdxlTargetSize() : new int[]{width, height};
        int[] timeIds = {orig[1], orig[0], crop[0], crop[1], target[1], target[0]};
        Conditioning cond = PromptConditioner.condition(model, backend, r.prompt(), r.negativePrompt(), r.batchSize(),
                guidance, r.clipSkip(), info.forceZerosForEmptyPrompt(), timeIds);

        float[] initImage = r.initImage() == null ? null : r.initImage().resize(width, height).toModelInput();
        float[] mask = r.mask() == null ? null : r.mask().resize(width, height).toMask();
        return new Plan(r, width, height, height / factor, width / factor, channels, scheduler, usedConfig, sampler,
                schedule, scheduleName, modelSampling, noise, cond, guidance, initImage, mask);
    }

    private static void checkSize(int width, int height, int factor) {
        if (width % factor != 0 || height % factor != 0 || width < factor || height < factor) {
            int w = Math.max(factor, width / factor * factor), h = Math.max(factor, height / factor * factor);
            throw new IllegalArgumentException("cannot generate " + width + "x" + height + ": width and height must be positive multiples of "
                    + factor + " (the VAE's downsampling factor for this model); nearest smaller size: " + w + "x" + h);
        }
    }

    /** A schedule name on the diffusers face sets the configuration's sigma option, as diffusers' use_karras_sigmas etc. */
    private static Config withSchedule(Config config, String schedule) {
        if (schedule == null) return config;
        String key = switch (schedule.toLowerCase(Locale.ROOT)) {
            case "karras" -> "use_karras_sigmas";
            case "exponential" -> "use_exponential_sigmas";
            case "beta" -> "use_beta_sigmas";
            case "normal", "default" -> null;
            default -> throw new IllegalArgumentException("schedule \"" + schedule + "\" applies to named samplers; a diffusers scheduler ("
                    + config.getString("_class_name", "?") + ") takes karras, exponential, beta or normal");
        };
        return key == null ? config : config.with(key, Boolean.TRUE);
    }

    private IllegalArgumentException unknownSampler(String name) {
        List<String> samplers = catalog.samplers().names();
        List<String> classes = catalog.schedulers().names();
        return new IllegalArgumentException("unknown sampler \"" + name + "\"; samplers: "
                + (samplers.isEmpty() ? "(none installed)" : String.join(", ", samplers))
                + "; diffusers schedulers: " + (classes.isEmpty() ? "(none installed)" : String.join(", ", classes))
                + ". Add a plugin jar to the plugins folder for others.");
    }

    /** The training noise schedule of the model, from its scheduler configuration. */
    private NoiseSchedule trainingSchedule(Config config) {
        List<?> trained = config.getList("trained_betas");
        if (trained != null) {
            float[] betas = new float[trained.size()];
            for (int i = 0; i < betas.length; i++) betas[i] = ((Number) trained.get(i)).floatValue();
            return NoiseSchedule.fromBetas(betas);
        }
        String cls = config.getString("_class_name", null);
        if (cls != null) {
            Optional<SchedulerFactory> f = catalog.schedulers().find(cls);
            if (f.isPresent()) {
                NoiseSchedule s = f.get().create(config).trainingSchedule();
                if (s != null) return s;
            }
        }
        Registry<BetaSchedule> betas = catalog.betaSchedules();
        String name = config.getString("beta_schedule", "scaled_linear");
        BetaSchedule b = betas.get(name);
        return NoiseSchedule.fromBetas(b.betas(config.getInt("num_train_timesteps", 1000),
                config.getDouble("beta_start", 0.00085), config.getDouble("beta_end", 0.012)));
    }

    private Parameterization parameterization(Config config) {
        String p = config.getString("prediction_type", null);
        if (p == null) return model.unet().parameterization();
        return switch (p) {
            case "epsilon" -> Parameterization.EPSILON;
            case "v_prediction" -> Parameterization.V_PREDICTION;
            case "sample" -> Parameterization.SAMPLE;
            default -> throw new IllegalArgumentException(config.source() + ": prediction_type \"" + p
                    + "\" is not one of epsilon, v_prediction, sample");
        };
    }

    // ---- metadata ------------------------------------------------------------------------------

    private Infotext infotext(Plan plan, long seed, int position) {
        GenerationRequest r = plan.request();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Steps", String.valueOf(r.steps()));
        if (plan.diffusersFace()) {
            p.put("Sampler", SamplerNames.schedulerClass(plan.schedulerConfig()));
            p.put("Schedule type", SamplerNames.scheduleOf(plan.schedulerConfig()));
        } else {
            p.put("Sampler", SamplerNames.sampler(plan.sampler().name()));
            p.put("Schedule type", SamplerNames.schedule(plan.scheduleName()));
        }
        p.put("CFG scale", number(r.guidanceScale()));
        p.put("Seed", String.valueOf(seed));
        p.put("Size", plan.width() + "x" + plan.height());
        String hash = info.hash();
        p.put("Model hash", hash.isEmpty() ? null : hash);
        p.put("Model", info.name());
        if (r.isImageToImage()) p.put("Denoising strength", number(r.strength()));
        if (r.clipSkip() > 0) p.put("Clip skip", String.valueOf(r.clipSkip() + 1));
        p.put("RNG", r.noiseSource().toUpperCase(Locale.ROOT));
        if (r.batchSize() > 1) {
            p.put("Batch size", String.valueOf(r.batchSize()));
            p.put("Batch pos", String.valueOf(position));
        }
        if (r.guidanceRescale() > 0) p.put("Guidance rescale", number(r.guidanceRescale()));
        if (plan.diffusersFace()) p.put("Scheduler", plan.schedulerConfig().getString("_class_name", ""));
        String version = StableDiffusion.class.getPackage().getImplementationVersion();
        p.put("Version", "jdiffusion" + (version == null ? "" : " " + version));
        return new Infotext(r.prompt(), r.negativePrompt() == null ? "" : r.negativePrompt(), p);
    }

    /** A number as A1111 writes it: integers without a fraction, others in shortest form. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.valueOf((long) v);
        String s = Double.toString(v);
        return s.contains("E") ? String.valueOf(v) : s;
    }

    @Override
    public void close() {
        if (ownsBackend) backend.close();
    }

    private static Map<String, Object> defaultScheduler() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("_class_name", "EulerDiscreteScheduler");
        m.put("beta_start", 0.00085);
        m.put("beta_end", 0.012);
        m.put("beta_schedule", "scaled_linear");
        m.put("num_train_timesteps", 1000L);
        m.put("prediction_type", "epsilon");
        m.put("steps_offset", 1L);
        m.put("timestep_spacing", "leading");
        m.put("interpolation_type", "linear");
        m.put("use_karras_sigmas", false);
        return Map.copyOf(m);
    }

    /** Loads a model and the backend it runs on. */
    public static final class Builder {
        private Path path;
        private Plugins plugins;
        private String backendSpec;
        private int threads;
        private String loaderName;
        private Config loaderOptions = Config.empty("model loader options");

        private Builder() {
        }

        /** A diffusers model folder or a single-file checkpoint. */
        public Builder model(Path path) {
            this.path = path;
            return this;
        }

        /** Where samplers, schedulers, backends and loaders come from; {@link Plugins#builtIn()} by default. */
        public Builder plugins(Plugins plugins) {
            this.plugins = plugins;
            return this;
        }

        /** The backend, {@code NAME} or {@code NAME:OPTIONS} ({@code cpu}, {@code opencl:0}); by default {@code cpu}, else the first available. */
        public Builder backend(String spec) {
            this.backendSpec = spec;
            return this;
        }

        /** Threads for the backend; 0 for the machine's default. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** A model loader by name, instead of the first that understands the path. */
        public Builder loader(String name) {
            this.loaderName = name;
            return this;
        }

        public Builder loaderOptions(Config options) {
            this.loaderOptions = options;
            return this;
        }

        public StableDiffusion build() throws IOException {
            if (path == null) throw new IllegalStateException("no model path given");
            ModelInfo.checkLoadable(path);
            Plugins p = plugins != null ? plugins : Plugins.builtIn();
            ModelLoader loader = chooseLoader(p);
            Backend backend = createBackend(p);
            try {
                StableDiffusionModel model = loader.load(path, backend, loaderOptions);
                ModelInfo info = ModelInfo.read(path, model.family());
                return new StableDiffusion(model, backend, true, info, Catalog.of(p), folderSchedulerConfig(model));
            } catch (IOException | RuntimeException | Error e) {
                backend.close();
                throw e;
            }
        }

        private Config folderSchedulerConfig(StableDiffusionModel model) throws IOException {
            if (model.schedulerConfig() != null) return model.schedulerConfig();
            Path file = path.resolve("scheduler/scheduler_config.json");
            if (Files.isDirectory(path) && Files.isRegularFile(file)) return Config.of(file.toString(), Json.readObject(file));
            return null;
        }

        private ModelLoader chooseLoader(Plugins p) {
            Registry<ModelLoader> loaders = p.registry(ModelLoader.class);
            if (loaderName != null) return loaders.get(loaderName);
            for (ModelLoader l : loaders.plugins()) {
                if (l.canLoad(path)) return l;
            }
            throw new IllegalArgumentException("no model loader understands " + path + " (installed loaders: "
                    + (loaders.names().isEmpty() ? "none" : String.join(", ", loaders.names()))
                    + "); expected a diffusers folder or a .safetensors checkpoint");
        }

        private Backend createBackend(Plugins p) {
            Registry<BackendProvider> backends = p.backends();
            String name = backendSpec, options = "";
            if (name != null && name.contains(":")) {
                options = name.substring(name.indexOf(':') + 1);
                name = name.substring(0, name.indexOf(':'));
            }
            BackendProvider provider;
            if (name != null) {
                provider = backends.get(name);
                if (!provider.isAvailable()) {
                    throw new IllegalArgumentException("backend \"" + name + "\" is not available here: " + provider.unavailableReason());
                }
            } else {
                provider = backends.find("cpu").filter(BackendProvider::isAvailable)
                        .or(() -> backends.plugins().stream().filter(BackendProvider::isAvailable).findFirst())
                        .orElseThrow(() -> new IllegalStateException("no backend is available (installed: "
                                + (backends.names().isEmpty() ? "none" : String.join(", ", backends.names())) + ")"));
            }
            return provider.create(options, threads);
        }
    }
}

package jdiffusion.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import jdiffusion.adapters.controlnet.ControlImages;
import jdiffusion.adapters.controlnet.ControlNetModel;
import jdiffusion.adapters.controlnet.ControlNetUnit;
import jdiffusion.adapters.controlnet.ControlNets;
import jdiffusion.adapters.controlnet.ControlPreprocessors;
import jdiffusion.adapters.controlnet.ControlledNoisePredictor;
import jdiffusion.adapters.lora.AdapterFiles;
import jdiffusion.adapters.lora.LoraPrompt;
import jdiffusion.adapters.lora.TextualInversion;
import jdiffusion.core.adapter.AdapterFormat;
import jdiffusion.core.adapter.AdapterStack;
import jdiffusion.core.adapter.AdapterStrength;
import jdiffusion.core.adapter.Adapters;
import jdiffusion.core.adapter.ApplyMode;
import jdiffusion.core.model.StableDiffusionModel;
import jdiffusion.core.pipeline.RgbImage;
import jdiffusion.core.pipeline.StableDiffusion;
import jdiffusion.core.plugin.Plugins;
import picocli.CommandLine.Option;

/**
 * The generate command's adapter options: LoRA-family files ({@code --lora}, A1111's {@code <lora:name:w>}
 * prompt tags with {@code --lora-dir}), textual-inversion embeddings, and ControlNets with their control
 * images, preprocessors, scales and step ranges.
 */
final class AdapterOptions {

    @Option(names = "--lora", paramLabel = "FILE[:WEIGHT]", description = "A LoRA/LoCon/LoHa/LoKr/DoRA file and its strength"
            + " (default 1), repeatable; prompts may also name files in --lora-dir as <lora:name:weight>.")
    List<String> loras = new ArrayList<>();

    @Option(names = "--lora-dir", paramLabel = "DIR", description = "Where <lora:name:...> prompt tags look for name.safetensors.")
    Path loraDir;

    @Option(names = "--lora-mode", defaultValue = "merged", description = "merged (into the weights, fastest steps) or runtime"
            + " (added to layer outputs, base weights untouched) (default: ${DEFAULT-VALUE}).")
    String loraMode;

    @Option(names = "--embedding", paramLabel = "FILE[:TOKEN]", description = "A textual-inversion embedding, written in prompts"
            + " as TOKEN (default: the file name without .safetensors), repeatable.")
    List<String> embeddings = new ArrayList<>();

    @Option(names = "--embedding-dir", paramLabel = "DIR", description = "Embeddings whose file names (without .safetensors) appear in the prompts are loaded.")
    Path embeddingDir;

    @Option(names = "--controlnet", paramLabel = "DIR_OR_FILE", description = "A ControlNet (diffusers folder or .safetensors), repeatable.")
    List<Path> controlnets = new ArrayList<>();

    @Option(names = "--control-image", paramLabel = "FILE", description = "The control image, one per --controlnet or one for all.")
    List<Path> controlImages = new ArrayList<>();

    @Option(names = "--control-preprocessor", paramLabel = "SPEC", description = "none, canny[:low=100,high=200,blur=0]"
            + " or scribble_xdog[:threshold=32]; one per --controlnet or one for all (default: none).")
    List<String> preprocessors = new ArrayList<>();

    @Option(names = "--control-scale", description = "Conditioning scale, one per --controlnet or one for all (default: 1.0).")
    List<Float> controlScales = new ArrayList<>();

    @Option(names = "--control-start", description = "Fraction of the denoising where the ControlNets start acting (default: 0).")
    float controlStart = 0f;

    @Option(names = "--control-end", description = "Fraction of the denoising where they stop (default: 1).")
    float controlEnd = 1f;

    /** The prompts without their LoRA tags, and the tags. */
    LoraPrompt.Parsed parsePrompt(String prompt) {
        return LoraPrompt.parse(prompt);
    }

    boolean any(List<LoraPrompt.Tag> tags) {
        return !loras.isEmpty() || !tags.isEmpty() || !embeddings.isEmpty() || embeddingDir != null || !controlnets.isEmpty();
    }

    /**
     * The model with the adapters and ControlNets applied for one request of {@code width} x {@code height}
     * pixels, or {@code base} itself when there are none.
     */
    StableDiffusion apply(StableDiffusion base, List<LoraPrompt.Tag> tags, String prompts, int width, int height, Plugins plugins,
                          PrintWriter err) throws IOException {
        List<AdapterFormat> formats = plugins.registry(AdapterFormat.class).plugins();
        AdapterStack stack = AdapterStack.empty();
        for (String spec : loras) {
            int colon = spec.lastIndexOf(':');
            float w = 1f;
            String file = spec;
            if (colon > 0 && isNumber(spec.substring(colon + 1))) {
                w = Float.parseFloat(spec.substring(colon + 1));
                file = spec.substring(0, colon);
            }
            stack = stack.with(AdapterFiles.read(Path.of(file), formats), AdapterStrength.of(w));
        }
        for (LoraPrompt.Tag t : tags) {
            stack = stack.with(AdapterFiles.read(AdapterFiles.find(loraDir, t.name()), formats), new AdapterStrength(t.unet(), t.textEncoder()));
        }
        for (String spec : embeddings) {
            int colon = spec.lastIndexOf(':');
            boolean named = colon > 0 && !Files.exists(Path.of(spec));
            Path file = Path.of(named ? spec.substring(0, colon) : spec);
            stack = stack.with(TextualInversion.read(file, named ? spec.substring(colon + 1) : TextualInversion.defaultToken(file)), AdapterStrength.of(1f));
        }
        if (embeddingDir != null) {
            try (Stream<Path> s = Files.walk(embeddingDir)) {
                for (Path p : s.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors")).sorted().toList()) {
                    String token = TextualInversion.defaultToken(p);
                    if (prompts.contains(token)) stack = stack.with(TextualInversion.read(p, token), AdapterStrength.of(1f));
                }
            }
        }
        StableDiffusionModel model = base.model();
        if (!stack.isEmpty()) {
            ApplyMode mode = switch (loraMode.toLowerCase(Locale.ROOT)) {
                case "merged" -> ApplyMode.MERGED;
                case "runtime" -> ApplyMode.RUNTIME;
                default -> throw new IllegalArgumentException("--lora-mode must be merged or runtime, got " + loraMode);
            };
            Adapters.Applied applied = Adapters.apply(model, stack, mode);
            applied.warnings().forEach(w -> err.println("jdiffusion: warning: " + w));
            model = applied.model();
        }
        if (!controlnets.isEmpty()) {
            int n = controlnets.size();
            List<ControlNetUnit> units = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ControlNetModel cn = ControlNets.load(controlnets.get(i), base.backend());
                Path img = pick(controlImages, i, n, "--control-image", null);
                if (img == null) throw new IllegalArgumentException("--controlnet needs --control-image");
                String pre = pick(preprocessors, i, n, "--control-preprocessor", "none");
                float scale = pick(controlScales, i, n, "--control-scale", 1f);
                RgbImage image = ImageFiles.read(img, "control image");
                // the ControlNet sees the latent size times its own downsampling (the image size when both are 8)
                int factor = base.vaeScaleFactor();
                int cw = width / factor * cn.config().downscale();
                int ch = height / factor * cn.config().downscale();
                units.add(new ControlNetUnit(cn, ControlImages.prepare(image, ControlPreprocessors.parse(pre), cw, ch),
                        scale, controlStart, controlEnd, false));
            }
            model = new StableDiffusionModel(model.family(), model.tokenizers(), model.textEncoders(),
                    new ControlledNoisePredictor(model.unet(), base.backend(), units), model.vae(), model.schedulerConfig());
        }
        return model == base.model() ? base : StableDiffusion.of(model, base.backend(), base.info(), plugins);
    }

    /** The size of the first control image rounded down to {@code factor}, or null without ControlNets. */
    int[] controlImageSize(int factor) {
        if (controlnets.isEmpty() || controlImages.isEmpty()) return null;
        RgbImage img = ImageFiles.read(controlImages.getFirst(), "control image");
        return new int[]{img.width() - img.width() % factor, img.height() - img.height() % factor};
    }

    private static <T> T pick(List<T> values, int i, int n, String option, T dflt) {
        if (values.isEmpty()) return dflt;
        if (values.size() == 1) return values.getFirst();
        if (values.size() != n) {
            throw new IllegalArgumentException(option + " is given " + values.size() + " times for " + n + " ControlNets: give it once or once per --controlnet");
        }
        return values.get(i);
    }

    private static boolean isNumber(String s) {
        try {
            Float.parseFloat(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

package jdiffusion.models.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.BackendProvider;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.conformance.ConformanceGroup;
import jdiffusion.core.conformance.ConformanceSuite;
import jdiffusion.core.json.Json;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.models.clip.ClipTextModel;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.models.loader.CheckpointKind;
import jdiffusion.models.loader.Components;
import jdiffusion.models.loader.SingleFileCheckpoint;
import jdiffusion.models.unet.UNet2DConditionModel;
import jdiffusion.models.vae.AutoencoderKL;
import jdiffusion.models.weights.SafetensorsWeights;
import jdiffusion.models.weights.WeightSource;

/**
 * The model reference sets: UNets, VAEs and CLIP text encoders (a folder with {@code case.json},
 * {@code config.json}, weights and {@code io.safetensors}, files possibly gzipped), tokenizer case sets
 * ({@code vocab.json}, {@code merges.txt}, {@code cases.json}) and single-file LDM checkpoints (whose
 * case.json names the folders holding the configs and expected outputs). Pipeline sets are listed as
 * skipped until that capability exists; adapter sets and the ControlNet itself belong to the adapters and
 * controlnet suites, while a ControlNet set's UNet-with-residuals call runs here, since that is the UNet's part.
 *
 * <p>Tolerance: float32 outputs and activations pass when {@code |jdiffusion - reference| <= 1e-4 + 1e-4 |reference|}
 * (the reference data's float32-vs-float64 deviations are ~2e-6 on O(1) values); text-encoder tensors use
 * atol 2e-5 as their README suggests; fp16 weights are compared with their own fp16 reference output.
 */
public final class ModelConformanceSuite implements ConformanceSuite {

    /** Absolute and relative tolerance for float32 network outputs. */
    public static final double ATOL = 1e-4;
    public static final double RTOL = 1e-4;
    /** Absolute tolerance for text-encoder tensors (CLIP-README). */
    public static final double TEXT_ATOL = 2e-5;

    private static final Pattern SIBLING_CONFIG = Pattern.compile("\\.\\./([A-Za-z0-9_.-]+)/config\\.json");

    private Backend backend;

    @Override
    public String name() {
        return "models";
    }

    @Override
    public String description() {
        return "UNet, VAE, CLIP tokenizer and text encoder, single-file checkpoint parity with diffusers/transformers/OpenAI CLIP";
    }

    /** The backend cases run on: the {@code cpu} provider (or the first available one), created on first use. */
    private synchronized Backend backend() {
        if (backend == null) {
            BackendProvider chosen = null;
            for (BackendProvider p : ServiceLoader.load(BackendProvider.class, ModelConformanceSuite.class.getClassLoader())) {
                if (!p.isAvailable()) continue;
                if (chosen == null || p.name().equals("cpu")) chosen = p;
            }
            if (chosen == null) throw new IllegalStateException("no compute backend available to run model cases");
            backend = chosen.create("", 0);
        }
        return backend;
    }

    /** Uses {@code backend} instead of discovering one (tests, embedding applications). */
    public ModelConformanceSuite withBackend(Backend b) {
        this.backend = b;
        return this;
    }

    @Override
    public List<ConformanceGroup> discover(Path root) throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(root)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        List<ConformanceGroup> groups = new ArrayList<>();
        for (Path dir : dirs) {
            ConformanceGroup g = groupFor(dir);
            if (g != null) groups.add(g);
        }
        return groups;
    }

    private ConformanceGroup groupFor(Path dir) throws IOException {
        String name = dir.getFileName().toString();
        boolean caseJson = Files.isRegularFile(dir.resolve("case.json"));
        if (ReferenceFiles.exists(dir, "vocab.json") && ReferenceFiles.exists(dir, "merges.txt")
                && ReferenceFiles.exists(dir, "cases.json")) {
            return new ComparisonCase.Group(name, TokenizerReference.cases(dir));
        }
        if (!caseJson) return null;
        Map<String, Object> cj = Json.readObject(dir.resolve("case.json"));
        if (Files.isRegularFile(dir.resolve("model_index.json"))) {
            return null; // recorded pipeline runs are the pipeline suite's (core)
        }
        Path checkpoint = ldmCheckpoint(dir);
        if (checkpoint != null) return singleFileGroup(name, dir, cj, checkpoint);
        if (cj.containsKey("adapter") || cj.containsKey("base_model") || cj.containsKey("lora_file") || cj.get("file") instanceof String) {
            return null; // adapter sets are the adapters suite's (adapters-lora)
        }
        Object cls = cj.get("class");
        if ("ControlNetModel".equals(cls)) return controlNetGroup(name, dir, cj);
        if ("UNet2DConditionModel".equals(cls)) return unetGroup(name, dir, cj);
        if ("AutoencoderKL".equals(cls)) return vaeGroup(name, dir);
        if (ReferenceFiles.exists(dir, "config.json") && isClipText(dir)) return clipGroup(name, dir);
        return null;
    }

    private static boolean isClipText(Path dir) throws IOException {
        Map<String, Object> c = Json.readObject(ReferenceFiles.resolve(dir, "config.json"));
        return "clip_text_model".equals(c.get("model_type")) || "clip".equals(c.get("model_type"))
                || (c.get("architectures") instanceof List<?> l && l.stream().anyMatch(a -> String.valueOf(a).startsWith("CLIPText")));
    }

    private static WeightSource weightsIn(Path dir, String base) throws IOException {
        return SafetensorsWeights.open(ReferenceFiles.resolve(dir, base));
    }

    @SuppressWarnings("unchecked")
    private static List<String> caseNames(Map<String, Object> cj) {
        List<String> names = new ArrayList<>();
        if (cj.get("cases") instanceof List<?> l) {
            for (Object o : l) names.add((String) ((Map<String, Object>) o).get("name"));
        }
        return names;
    }

    private Memo<UNet2DConditionModel> unetMemo(Path configDir, Memo<WeightSource> weights) {
        return new Memo<>(() -> Components.unet(ReferenceFiles.resolve(configDir, "config.json"), weights.get(), backend(),
                Parameterization.EPSILON));
    }

    private ConformanceGroup unetGroup(String name, Path dir, Map<String, Object> cj) throws IOException {
        Memo<WeightSource> weights = new Memo<>(() -> weightsIn(dir, "weights.safetensors"));
        Memo<UNet2DConditionModel> unet = unetMemo(dir, weights);
        Memo<ReferenceIo> io = new Memo<>(() -> ReferenceIo.open(dir));
        List<ConformanceCase> cases = new ArrayList<>();
        for (String c : caseNames(cj)) {
            cases.add(new ComparisonCase(c, () -> UNetReference.run(unet, backend(), io.get(), c + ".", c + ".out", null, ATOL, RTOL)));
        }
        return new ComparisonCase.Group(name, cases);
    }

    private ConformanceGroup controlNetGroup(String name, Path dir, Map<String, Object> cj) {
        // the ControlNet's own cases are the controlnet suite's (adapters-controlnet); the UNet's part is here
        List<ConformanceCase> cases = new ArrayList<>();
        Path unetDir = null;
        if (cj.get("calls") instanceof Map<?, ?> calls && calls.get("unet_with_residuals") instanceof String call) {
            Matcher m = Pattern.compile("unet = \\.\\./([A-Za-z0-9_.-]+)").matcher(call);
            if (m.find()) unetDir = dir.resolveSibling(m.group(1));
        }
        Path ud = unetDir;
        if (ud != null && Files.isDirectory(ud) && ReferenceFiles.exists(dir, "io.safetensors")) {
            Memo<WeightSource> weights = new Memo<>(() -> weightsIn(ud, "weights.safetensors"));
            Memo<UNet2DConditionModel> unet = unetMemo(ud, weights);
            Memo<ReferenceIo> io = new Memo<>(() -> ReferenceIo.open(dir));
            cases.add(new ComparisonCase("unet_with_residuals",
                    () -> UNetReference.run(unet, backend(), io.get(), "", "unet_with_residuals.out", "out.", ATOL, RTOL)));
            cases.add(new ComparisonCase("unet_without_residuals",
                    () -> UNetReference.run(unet, backend(), io.get(), "", "unet_without_residuals.out", null, ATOL, RTOL)));
        }
        return cases.isEmpty() ? null : new ComparisonCase.Group(name, cases);
    }

    private ConformanceGroup vaeGroup(String name, Path dir) {
        Memo<ReferenceIo> io = new Memo<>(() -> ReferenceIo.open(dir));
        Memo<AutoencoderKL> vae = new Memo<>(() -> Components.vae(ReferenceFiles.resolve(dir, "config.json"),
                weightsIn(dir, "weights.safetensors"), backend()));
        List<ConformanceCase> cases = new ArrayList<>(VaeReference.cases(vae, this::backend, io, ""));
        if (ReferenceFiles.exists(dir, "weights.fp16.safetensors")) {
            Memo<AutoencoderKL> fp16 = new Memo<>(() -> Components.vae(ReferenceFiles.resolve(dir, "config.json"),
                    weightsIn(dir, "weights.fp16.safetensors"), backend()));
            cases.add(new ComparisonCase("decode_fp16_weights", () -> VaeReference.decodeFp16(fp16, backend(), io.get())));
        }
        return new ComparisonCase.Group(name, cases);
    }

    private ConformanceGroup clipGroup(String name, Path dir) {
        Memo<ClipTextModel> model = new Memo<>(() -> Components.textEncoder(ReferenceFiles.resolve(dir, "config.json"),
                weightsIn(dir, "weights.safetensors"), backend()));
        Memo<ReferenceIo> io = new Memo<>(() -> ReferenceIo.open(dir));
        return new ComparisonCase.Group(name, ClipTextReference.cases(model, this::backend, io));
    }

    /** The folder's single-file LDM checkpoint (a safetensors file other than io with UNet keys), or null. */
    private static Path ldmCheckpoint(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> {
                String f = p.getFileName().toString();
                return (f.endsWith(".safetensors") || f.endsWith(".safetensors.gz")) && !f.startsWith("io.");
            }).sorted().toList();
        }
        for (Path f : files) {
            String plain = f.getFileName().toString().replaceFirst("\\.gz$", "");
            try (SafetensorsFile st = SafetensorsFile.open(ReferenceFiles.resolve(dir, plain))) {
                if (st.contains(CheckpointKind.LDM_UNET + "input_blocks.0.0.weight")) return f;
            }
        }
        return null;
    }

    /** A single LDM checkpoint checked against the folders whose configs and outputs its case.json names. */
    private ConformanceGroup singleFileGroup(String name, Path dir, Map<String, Object> cj, Path file) throws IOException {
        String fileName = file.getFileName().toString().replaceFirst("\\.gz$", "");
        Memo<SingleFileCheckpoint> ckpt = new Memo<>(() -> SingleFileCheckpoint.open(ReferenceFiles.resolve(dir, fileName)));
        List<ConformanceCase> cases = new ArrayList<>();
        Matcher m = SIBLING_CONFIG.matcher(Json.write(cj));
        List<String> seen = new ArrayList<>();
        while (m.find()) {
            String sibling = m.group(1);
            if (seen.contains(sibling)) continue;
            seen.add(sibling);
            Path sd = dir.resolveSibling(sibling);
            if (!Files.isRegularFile(sd.resolve("case.json"))) {
                cases.add(new ComparisonCase(sibling, () -> {
                    throw new IOException("the reference folder " + sd + " named by " + dir.resolve("case.json") + " is missing");
                }));
                continue;
            }
            Map<String, Object> scj = Json.readObject(sd.resolve("case.json"));
            Memo<ReferenceIo> io = new Memo<>(() -> ReferenceIo.open(sd));
            Object cls = scj.get("class");
            if ("UNet2DConditionModel".equals(cls)) {
                Memo<UNet2DConditionModel> unet = new Memo<>(() -> ckpt.get().unet(
                        Components.readConfig(ReferenceFiles.resolve(sd, "config.json")), backend(), Parameterization.EPSILON));
                for (String c : caseNames(scj)) {
                    cases.add(new ComparisonCase(sibling + "/" + c,
                            () -> UNetReference.run(unet, backend(), io.get(), c + ".", c + ".out", null, ATOL, RTOL)));
                }
            } else if ("AutoencoderKL".equals(cls)) {
                Memo<AutoencoderKL> vae = new Memo<>(() -> ckpt.get().vae(
                        Components.readConfig(ReferenceFiles.resolve(sd, "config.json")), backend()));
                cases.addAll(VaeReference.cases(vae, this::backend, io, sibling + "/"));
            } else if (isClipText(sd)) {
                Memo<ClipTextModel> te = new Memo<>(() -> {
                    var config = Components.readConfig(ReferenceFiles.resolve(sd, "config.json"));
                    SingleFileCheckpoint c = ckpt.get();
                    // SDXL files hold two encoders: the one whose width the reference config names
                    String second = "conditioner.embedders.1.model.token_embedding.weight";
                    boolean useSecond = c.weights().contains(second)
                            && c.weights().tensor(second).dim(1) == config.getInt("hidden_size", -1);
                    return useSecond ? c.textEncoder2(config, backend()) : c.textEncoder(config, backend());
                });
                for (ConformanceCase c : ClipTextReference.cases(te, this::backend, io)) {
                    cases.add(new ComparisonCase(sibling + "/" + c.id(), ((ComparisonCase) c).compute()));
                }
            }
        }
        if (cases.isEmpty()) return null;
        return new ComparisonCase.Group(name, cases);
    }
}

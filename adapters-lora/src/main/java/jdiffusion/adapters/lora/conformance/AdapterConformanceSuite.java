package jdiffusion.adapters.lora.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Stream;
import jdiffusion.adapters.lora.TextualInversion;
import jdiffusion.adapters.lora.internal.LoraAdapter;
import jdiffusion.adapters.lora.internal.PeftConfig;
import jdiffusion.core.adapter.AddedTokensTokenizer;
import jdiffusion.core.adapter.Adapter;
import jdiffusion.core.adapter.AdapterStack;
import jdiffusion.core.adapter.AdapterStrength;
import jdiffusion.core.adapter.ApplyMode;
import jdiffusion.core.adapter.Networks;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.BackendProvider;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.conformance.ConformanceGroup;
import jdiffusion.core.conformance.ConformanceSuite;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.io.SafetensorsWriter;
import jdiffusion.core.json.Json;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.clip.ClipTextModel;
import jdiffusion.models.clip.ClipTokenizer;
import jdiffusion.models.conformance.Comparison;
import jdiffusion.models.conformance.ReferenceFiles;
import jdiffusion.models.unet.UNet2DConditionModel;

/**
 * The adapter reference sets (diffusers/PEFT/kohya LoRA, LoHa, LoKr, DoRA, text-encoder LoRA, textual
 * inversion): a folder with {@code case.json}, {@code io.safetensors} and adapter files, on the base
 * networks its case.json names. Every adapter file runs merged into the weights and at run time, at
 * each strength the reference has; UNet and text-encoder outputs pass within atol 1e-4 + rtol 1e-4 (the
 * reference's float32-vs-float64 deviation is ~2e-6), weight deltas within 1e-6 of their scale, token ids
 * exactly.
 */
public final class AdapterConformanceSuite implements ConformanceSuite {

    static final double ATOL = 1e-4;
    static final double RTOL = 1e-4;

    private final Function<Path, Function<String, Path>> locator;
    private Backend backend;

    /** Base networks are looked up beside the case folders. */
    public AdapterConformanceSuite() {
        this(caseDir -> name -> {
            Path p = caseDir.resolveSibling(name);
            return Files.isDirectory(p) ? p : null;
        });
    }

    /** @param locator per case folder, how to find a base folder by name (tests point it at the project's copies) */
    public AdapterConformanceSuite(Function<Path, Function<String, Path>> locator) {
        this.locator = locator;
    }

    @Override
    public String name() {
        return "adapters";
    }

    @Override
    public String description() {
        return "LoRA, LoHa, LoKr, DoRA, text-encoder LoRA and textual-inversion parity with diffusers/PEFT";
    }

    /** Uses {@code b} instead of discovering a backend. */
    public AdapterConformanceSuite withBackend(Backend b) {
        this.backend = b;
        return this;
    }

    private synchronized Backend backend() {
        if (backend == null) {
            BackendProvider chosen = null;
            for (BackendProvider p : ServiceLoader.load(BackendProvider.class, AdapterConformanceSuite.class.getClassLoader())) {
                if (!p.isAvailable()) continue;
                if (chosen == null || p.name().equals("cpu")) chosen = p;
            }
            if (chosen == null) throw new IllegalStateException("no compute backend available to run adapter cases");
            backend = chosen.create("", 0);
        }
        return backend;
    }

    @Override
    public List<ConformanceGroup> discover(Path root) throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.walk(root)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        List<ConformanceGroup> groups = new ArrayList<>();
        for (Path dir : dirs) {
            if (!ReferenceFiles.exists(dir, "case.json") || !ReferenceFiles.exists(dir, "io.safetensors")) continue;
            List<ConformanceCase> cases = casesFor(dir);
            if (!cases.isEmpty()) groups.add(new Group("adapters " + dir.getFileName(), cases));
        }
        return groups;
    }

    record Group(String name, List<ConformanceCase> cases) implements ConformanceGroup {
    }

    /** Lazily computed, shared by the cases of one folder. */
    private static final class Lazy<T> {
        private final java.util.concurrent.Callable<T> make;
        private T value;

        Lazy(java.util.concurrent.Callable<T> make) {
            this.make = make;
        }

        synchronized T get() throws Exception {
            if (value == null) value = make.call();
            return value;
        }
    }

    private List<ConformanceCase> casesFor(Path dir) throws IOException {
        Map<String, Object> cj = Json.readObject(ReferenceFiles.resolve(dir, "case.json"));
        Object base = cj.get("base_model");
        if (!(base instanceof String baseText)) return List.of();
        BaseModels models = new BaseModels(dir, baseText, locator.apply(dir));
        Lazy<SafetensorsFile> io = new Lazy<>(() -> SafetensorsFile.open(ReferenceFiles.resolve(dir, "io.safetensors")));
        Lazy<UNet2DConditionModel> unet = new Lazy<>(() -> models.unet(backend()));
        List<ConformanceCase> cases = new ArrayList<>();
        if (cj.containsKey("lora_file") && ReferenceFiles.exists(dir, "lora.safetensors")) {
            float m = ((Number) cj.get("multiplier")).floatValue();
            Lazy<Adapter> lora = new Lazy<>(() -> read(dir, "lora.safetensors", "kohya"));
            for (ApplyMode mode : ApplyMode.values()) cases.add(unetCase(dir.getFileName() + " lora.safetensors", lora, m, mode, unet, io, "out.merged"));
            return cases;
        }
        for (String[] f : List.of(new String[]{"pytorch_lora_weights.safetensors", "diffusers"},
                new String[]{"lora_kohya.safetensors", "kohya"}, new String[]{"dora_kohya_outdim.safetensors", "kohya"},
                new String[]{"loha_lycoris.safetensors", "kohya"}, new String[]{"lokr_lycoris.safetensors", "kohya"},
                new String[]{"adapter_model.safetensors", "peft"})) {
            if (!ReferenceFiles.exists(dir, f[0])) continue;
            Lazy<Adapter> a = new Lazy<>(() -> read(dir, f[0], f[1]));
            boolean peftState = f[1].equals("peft");
            for (float s : peftState ? new float[]{1f} : new float[]{1f, 0.5f}) {
                String key = s == 1f ? "out.scale1" : "out.scale0_5";
                for (ApplyMode mode : ApplyMode.values()) cases.add(unetCase(f[0], a, s, mode, unet, io, key));
            }
            if (f[0].equals("pytorch_lora_weights.safetensors")) {
                Lazy<Adapter> bare = new Lazy<>(() -> withoutMetadata(dir, f[0]));
                for (ApplyMode mode : ApplyMode.values()) cases.add(unetCase(f[0] + " without metadata", bare, 1f, mode, unet, io, "out.no_metadata"));
            }
            if (f[0].endsWith("_lycoris.safetensors")) cases.add(deltaCase(f[0], a, unet, io));
        }
        if (ReferenceFiles.exists(dir, "kohya_converted_by_diffusers.safetensors")) {
            Lazy<Adapter> a = new Lazy<>(() -> read(dir, "kohya_converted_by_diffusers.safetensors", "kohya"));
            for (ApplyMode mode : ApplyMode.values()) {
                cases.add(unetCase("kohya_converted_by_diffusers.safetensors", a, 1f, mode, unet, io, "out.no_metadata"));
            }
        }
        Lazy<ClipTextModel> clip = new Lazy<>(() -> models.textEncoder(backend()));
        if (ReferenceFiles.exists(dir, "lora_te.safetensors") && cj.get("multiplier") instanceof Number m) {
            Lazy<Adapter> a = new Lazy<>(() -> read(dir, "lora_te.safetensors", "kohya"));
            for (ApplyMode mode : ApplyMode.values()) cases.add(textEncoderCase(a, m.floatValue(), mode, clip, io));
        }
        if (cj.get("added_tokens") instanceof Map<?, ?> added && cj.get("calls") instanceof Map<?, ?> calls
                && calls.get("prompt") instanceof String prompt && cj.get("file") instanceof String file) {
            String fileName = file.substring(0, file.indexOf(':')).trim();
            String token = String.valueOf(added.keySet().iterator().next());
            cases.add(new ComputedCase("textual inversion " + fileName + " as " + token, () -> {
                TextualInversion ti = TextualInversion.read(ReferenceFiles.resolve(dir, fileName), token);
                return textualInversion(ti, prompt, clip.get(), models.tokenizer(), io.get());
            }));
        }
        return cases;
    }

    /** An adapter file of the folder; a PEFT state dict takes its scale from the folder's adapter_config.json. */
    private static Adapter read(Path dir, String file, String format) throws IOException {
        PeftConfig cfg = format.equals("peft") && ReferenceFiles.exists(dir, "adapter_config.json")
                ? PeftConfig.of(Json.readObject(ReferenceFiles.resolve(dir, "adapter_config.json"))) : null;
        return LoraAdapter.of(jdiffusion.adapters.lora.internal.SafetensorsFile.open(ReferenceFiles.resolve(dir, file)), format, cfg);
    }

    /** The file with its safetensors metadata removed (diffusers then takes alpha = r). */
    private static Adapter withoutMetadata(Path dir, String file) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(ReferenceFiles.resolve(dir, file));
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (String n : f.names()) t.put(n, f.tensor(n));
        Path tmp = Files.createTempFile("jdiffusion-no-metadata", ".safetensors");
        tmp.toFile().deleteOnExit();
        SafetensorsWriter.write(tmp, t, Map.of());
        return LoraAdapter.read(tmp, "diffusers");
    }

    private ConformanceCase unetCase(String file, Lazy<Adapter> adapter, float strength, ApplyMode mode,
                                     Lazy<UNet2DConditionModel> unet, Lazy<SafetensorsFile> io, String expected) {
        String id = file + " x" + strength + " " + mode.name().toLowerCase();
        return new ComputedCase(id, () -> {
            SafetensorsFile r = io.get();
            UNet2DConditionModel base = unet.get();
            AdapterStack.Bound b = AdapterStack.empty().with(adapter.get(), AdapterStrength.of(strength))
                    .bind(Map.of(Networks.UNET, base.parameters()), mode);
            if (!b.warnings().isEmpty()) throw new IllegalStateException(String.join("; ", b.warnings()));
            Tensor out = base.withPatch(b.patch(Networks.UNET)).predict(r.tensor("in.sample"), r.tensor("in.timestep").toFloatArray(),
                    Conditioning.text(r.tensor("in.encoder_hidden_states")));
            return List.of(Comparison.of(expected, backend().toHost(out), r.tensor(expected), ATOL, RTOL));
        });
    }

    private static ConformanceCase deltaCase(String file, Lazy<Adapter> adapter, Lazy<UNet2DConditionModel> unet, Lazy<SafetensorsFile> io) {
        return new ComputedCase(file + " weight deltas", () -> {
            SafetensorsFile r = io.get();
            var b = adapter.get().bind(Map.of(Networks.UNET, unet.get().parameters()), AdapterStrength.of(1f));
            List<Comparison> out = new ArrayList<>();
            for (String n : r.names()) {
                if (!n.startsWith("delta.")) continue;
                Tensor ref = r.tensor(n);
                var patch = b.layers().getOrDefault(Networks.UNET, Map.of()).get(n.substring("delta.".length()));
                if (patch == null) throw new IllegalStateException("the file changes no layer " + n.substring(6));
                double scale = 0;
                for (float v : ref.toFloatArray()) scale = Math.max(scale, Math.abs(v));
                out.add(Comparison.of(n, patch.weightDelta().reshape(ref.shape()), ref, 1e-6 * scale, 0));
            }
            if (out.isEmpty()) throw new IllegalStateException("io.safetensors has no delta.* tensors");
            return out;
        });
    }

    private ConformanceCase textEncoderCase(Lazy<Adapter> adapter, float multiplier, ApplyMode mode, Lazy<ClipTextModel> clip,
                                            Lazy<SafetensorsFile> io) {
        return new ComputedCase("lora_te.safetensors x" + multiplier + " " + mode.name().toLowerCase(), () -> {
            SafetensorsFile r = io.get();
            String expected = null;
            for (String n : r.names()) if (n.startsWith("out.lora_m")) expected = n;
            if (expected == null) throw new IllegalStateException("io.safetensors has no out.lora_m* tensor");
            ClipTextModel base = clip.get();
            AdapterStack.Bound b = AdapterStack.empty().with(adapter.get(), new AdapterStrength(1f, multiplier))
                    .bind(Map.of(Networks.TEXT_ENCODER, base.parameters()), mode);
            if (!b.warnings().isEmpty()) throw new IllegalStateException(String.join("; ", b.warnings()));
            Tensor ids = r.tensor("in.input_ids");
            Tensor out = base.withPatch(b.patch(Networks.TEXT_ENCODER)).encode(new int[][]{ints(ids)}, 0).lastHiddenState();
            return List.of(Comparison.of(expected, backend().toHost(out), r.tensor(expected), ATOL, RTOL));
        });
    }

    private List<Comparison> textualInversion(TextualInversion ti, String prompt, ClipTextModel clip, ClipTokenizer tokenizer,
                                              SafetensorsFile r) {
        AdapterStack.Bound b = AdapterStack.empty().with(ti, AdapterStrength.of(1f))
                .bind(Map.of(Networks.TEXT_ENCODER, clip.parameters()), ApplyMode.MERGED);
        int vocab = -1;
        for (var e : clip.parameters().entrySet()) if (e.getKey().endsWith("token_embedding.weight")) vocab = e.getValue().dim(0);
        AddedTokensTokenizer tok = new AddedTokensTokenizer(tokenizer, vocab, b.embeddings());
        int[] window = tok.window(tok.encode(prompt));
        Tensor ids = Tensor.wrap(toFloats(window), 1, window.length);
        Tensor refIds = Tensor.wrap(toFloats(ints(r.tensor("input_ids"))), 1, window.length);
        Tensor out = clip.withPatch(b.patch(Networks.TEXT_ENCODER)).encode(new int[][]{window}, 0).lastHiddenState();
        return List.of(Comparison.of("input_ids", ids, refIds, 0, 0),
                Comparison.of("out.prompt_embeds", backend().toHost(out), r.tensor("out.prompt_embeds"), ATOL, RTOL));
    }

    private static int[] ints(Tensor t) {
        int[] out = new int[(int) t.numel()];
        for (int i = 0; i < out.length; i++) out[i] = (int) t.getLong(i);
        return out;
    }

    private static float[] toFloats(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = v[i];
        return f;
    }
}

package jdiffusion.adapters.lora.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.adapter.Adapter;
import jdiffusion.core.adapter.AdapterBinding;
import jdiffusion.core.adapter.AdapterMismatchException;
import jdiffusion.core.adapter.AdapterStrength;
import jdiffusion.core.adapter.LayerPatch;
import jdiffusion.core.json.Json;
import jdiffusion.core.tensor.Tensor;

/**
 * A LoRA-family adapter file read into per-module changes: LoRA/LoCon (with Tucker cores), LoHa, LoKr,
 * full differences, each optionally with a DoRA magnitude, in kohya/LyCORIS, diffusers or PEFT naming
 * (several may mix in one file). The tensors stay memory-mapped until the adapter is bound.
 */
public final class LoraAdapter implements Adapter {

    /** One module of the file: its name as written, how it is named, its keys, its change and DoRA magnitude. */
    public record Module(String name, Naming.Split naming, List<String> keys, ModuleChange change, Dora dora) {
    }

    private final String source;
    private final String format;
    private final List<Module> modules;
    private final List<String> unknownKeys;

    private LoraAdapter(String source, String format, List<Module> modules, List<String> unknownKeys) {
        this.source = source;
        this.format = format;
        this.modules = List.copyOf(modules);
        this.unknownKeys = List.copyOf(unknownKeys);
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public String format() {
        return format;
    }

    /** The modules in file order. */
    public List<Module> modules() {
        return modules;
    }

    /** Keys whose suffix is no adapter part this reader knows. */
    public List<String> unknownKeys() {
        return unknownKeys;
    }

    /**
     * Reads a safetensors adapter file. Scales follow the naming: kohya/LyCORIS take alpha from each
     * module's {@code .alpha} (missing or 0 means alpha = r; a LoKr with neither factor decomposed has scale
     * 1); diffusers files take it from the {@code lora_adapter_metadata} in the header (without it, alpha = r,
     * as diffusers does); PEFT state dicts from the {@code adapter_config.json} beside the file.
     */
    public static LoraAdapter read(Path file, String format) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(file);
        return of(f, format, peftConfigBeside(file));
    }

    /** The adapter in an opened file; {@code peftConfig} (may be null) is the adapter_config.json for PEFT naming. */
    public static LoraAdapter of(SafetensorsFile f, String format, PeftConfig peftConfig) {
        String source = f.path().toString();
        Map<String, PeftConfig> metadataConfigs = Map.of();
        String meta = f.metadata().get("lora_adapter_metadata");
        if (meta != null) metadataConfigs = PeftConfig.fromDiffusersMetadata(meta, source);

        Map<String, Map<Part, String>> groups = new LinkedHashMap<>();
        Map<String, String> firstName = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String key : f.tensors().keySet()) {
            Part.Key k = Part.parse(key);
            if (k == null) {
                unknown.add(key);
                continue;
            }
            String group = ModuleIndex.flat(k.module());
            firstName.putIfAbsent(group, k.module());
            String old = groups.computeIfAbsent(group, g -> new EnumMap<>(Part.class)).put(k.part(), key);
            if (old != null) {
                throw new IllegalArgumentException(source + ": keys " + old + " and " + key + " hold the same part of one module");
            }
        }
        List<Module> modules = new ArrayList<>();
        for (var g : groups.entrySet()) {
            Map<Part, String> parts = g.getValue();
            String name = firstName.get(g.getKey());
            Naming.Split split = Naming.split(name);
            PeftConfig cfg = switch (split.naming()) {
                case DIFFUSERS -> metadataConfigs.get(networkPrefix(name));
                case PEFT -> peftConfig;
                case KOHYA -> null;
            };
            ModuleChange change = change(f, source, name, parts, split, cfg);
            if (change == null) {
                unknown.addAll(parts.values());
                continue;
            }
            Dora dora = null;
            if (parts.containsKey(Part.MAGNITUDE)) dora = new Dora(parts.get(Part.MAGNITUDE), f.get(parts.get(Part.MAGNITUDE)), true);
            else if (parts.containsKey(Part.DORA_SCALE)) dora = new Dora(parts.get(Part.DORA_SCALE), f.get(parts.get(Part.DORA_SCALE)), false);
            modules.add(new Module(name, split, List.copyOf(parts.values()), change, dora));
        }
        return new LoraAdapter(source, format, modules, unknown);
    }

    private static String networkPrefix(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    private static ModuleChange change(SafetensorsFile f, String source, String name, Map<Part, String> parts,
                                       Naming.Split split, PeftConfig cfg) {
        Float alpha = parts.containsKey(Part.ALPHA) ? f.get(parts.get(Part.ALPHA)).getFloat(0) : null;
        if (parts.containsKey(Part.LORA_UP) || parts.containsKey(Part.LORA_DOWN)) {
            Tensor up = need(f, source, name, parts, Part.LORA_UP);
            Tensor down = need(f, source, name, parts, Part.LORA_DOWN);
            Tensor mid = opt(f, parts, Part.LORA_MID);
            Tensor bias = opt(f, parts, Part.LORA_UP_BIAS);
            int rank = down.dim(0);
            return new ModuleChange.LowRank(parts, up, down, mid, bias, scale(split, cfg, alpha, rank));
        }
        if (parts.containsKey(Part.HADA_W1_A) || parts.containsKey(Part.HADA_W1_B)) {
            Tensor w1a = need(f, source, name, parts, Part.HADA_W1_A);
            Tensor w1b = need(f, source, name, parts, Part.HADA_W1_B);
            Tensor w2a = need(f, source, name, parts, Part.HADA_W2_A);
            Tensor w2b = need(f, source, name, parts, Part.HADA_W2_B);
            Tensor t1 = opt(f, parts, Part.HADA_T1);
            Tensor t2 = opt(f, parts, Part.HADA_T2);
            int rank = w1b.dim(0);
            return new ModuleChange.Hadamard(parts, w1a, w1b, w2a, w2b, t1, t2, scale(split, cfg, alpha, rank));
        }
        if (parts.containsKey(Part.LOKR_W1) || parts.containsKey(Part.LOKR_W1_A) || parts.containsKey(Part.LOKR_W2)
                || parts.containsKey(Part.LOKR_W2_A)) {
            Tensor w1 = opt(f, parts, Part.LOKR_W1);
            Tensor w1a = w1 == null ? need(f, source, name, parts, Part.LOKR_W1_A) : null;
            Tensor w1b = w1 == null ? need(f, source, name, parts, Part.LOKR_W1_B) : null;
            Tensor w2 = opt(f, parts, Part.LOKR_W2);
            Tensor w2a = w2 == null ? need(f, source, name, parts, Part.LOKR_W2_A) : null;
            Tensor w2b = w2 == null ? need(f, source, name, parts, Part.LOKR_W2_B) : null;
            Tensor t2 = w2 == null ? opt(f, parts, Part.LOKR_T2) : null;
            // r of the decomposed factor (w2 first, as LyCORIS); -1: neither is decomposed
            int rank = w2b != null ? w2b.dim(0) : w1b != null ? w1b.dim(0) : -1;
            return new ModuleChange.Kronecker(parts, w1, w1a, w1b, w2, w2a, w2b, t2, scale(split, cfg, alpha, rank));
        }
        if (parts.containsKey(Part.DIFF) || parts.containsKey(Part.DIFF_B)) {
            return new ModuleChange.FullDiff(parts, opt(f, parts, Part.DIFF), opt(f, parts, Part.DIFF_B));
        }
        return null;
    }

    /**
     * A module's scale. kohya/LyCORIS (and diffusers files without metadata): alpha / r with alpha from the
     * module's {@code .alpha} (missing or 0: alpha = r), and 1 for a LoKr with neither factor decomposed
     * ({@code rank} -1), where LyCORIS ignores alpha. With a PEFT config: alpha from the config (its
     * alpha_pattern, else alpha = r), r from the shapes for diffusers files and from the config for PEFT
     * state dicts, whose LoKr scales by alpha / r even when undecomposed.
     */
    static double scale(Naming.Split split, PeftConfig cfg, Float alphaTensor, int rank) {
        if (split.naming() == Naming.KOHYA || cfg == null) {
            if (rank <= 0) return 1.0;
            double a = alphaTensor == null || alphaTensor == 0 ? rank : alphaTensor;
            return a / rank;
        }
        int r = rank;
        Integer configured = cfg.rankFor(split.local());
        if ((split.naming() == Naming.PEFT || r <= 0) && configured != null) r = configured;
        if (r <= 0) return 1.0;
        Double fromConfig = cfg.alphaFor(split.local());
        double a = alphaTensor != null ? alphaTensor : fromConfig != null ? fromConfig : r;
        return cfg.scale(a, r);
    }

    private static Tensor need(SafetensorsFile f, String source, String module, Map<Part, String> parts, Part p) {
        String key = parts.get(p);
        if (key == null) {
            throw new IllegalArgumentException(source + ": module " + module + " has " + parts.values()
                    + " but no " + p.name().toLowerCase() + " tensor; the file is incomplete");
        }
        return f.get(key);
    }

    private static Tensor opt(SafetensorsFile f, Map<Part, String> parts, Part p) {
        String key = parts.get(p);
        return key == null ? null : f.get(key);
    }

    /** The PEFT {@code adapter_config.json} next to {@code file}, or null. */
    static PeftConfig peftConfigBeside(Path file) throws IOException {
        Path cfg = file.resolveSibling("adapter_config.json");
        return Files.isRegularFile(cfg) ? PeftConfig.of(Json.readObject(cfg)) : null;
    }

    @Override
    public AdapterBinding bind(Map<String, Map<String, Tensor>> networks, AdapterStrength strength) {
        return bind(new ModuleIndex(networks), strength);
    }

    /** {@link #bind(Map, AdapterStrength)} against an index built once for several adapters. */
    public AdapterBinding bind(ModuleIndex index, AdapterStrength strength) {
        Map<String, Map<String, LayerPatch>> layers = new LinkedHashMap<>();
        List<String> unmatched = new ArrayList<>(unknownKeys);
        int matched = 0;
        for (Module m : modules) {
            ModuleIndex.Layer layer = resolve(index, m);
            if (layer == null) {
                unmatched.addAll(m.keys());
                continue;
            }
            Tensor weight = index.weight(layer);
            int[] w = weight.shape();
            try {
                m.change().check(w);
                if (m.dora() != null) m.dora().axis(w);
            } catch (ModuleChange.ShapeMismatch e) {
                throw new AdapterMismatchException(source, e.key(), e.getMessage() + "; that is " + layer.network() + " layer "
                        + layer.module() + ", so this adapter was made for another model (an SDXL adapter on an SD1 model, say)");
            }
            matched++;
            float s = strength.forNetwork(layer.network());
            if (s == 0) continue;
            LayerPatch p = Patches.of(m.change(), m.dora(), weight, index.bias(layer), s);
            layers.computeIfAbsent(layer.network(), k -> new LinkedHashMap<>()).merge(layer.module(), p, SumPatch::new);
        }
        if (matched == 0) {
            String first = modules.isEmpty() ? (unknownKeys.isEmpty() ? null : unknownKeys.getFirst()) : modules.getFirst().keys().getFirst();
            throw new AdapterMismatchException(source, first, modules.isEmpty()
                    ? "no key is a LoRA/LoHa/LoKr/DoRA part (first: " + first + ")"
                    : "none of its " + modules.size() + " modules matches a layer of this model (first: " + first
                    + "); it was made for another model");
        }
        return new AdapterBinding(source, layers, List.of(), unmatched);
    }

    private static ModuleIndex.Layer resolve(ModuleIndex index, Module m) {
        Naming.Split s = m.naming();
        if (s.network() != null) return index.find(s.network(), s.local());
        for (String network : index.networks()) {
            ModuleIndex.Layer l = index.find(network, s.local());
            if (l != null) return l;
        }
        return null;
    }

    @Override
    public String toString() {
        return format + " adapter " + source + " (" + modules.size() + " modules)";
    }
}

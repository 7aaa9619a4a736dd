package jdiffusion.adapters.lora.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import jdiffusion.core.json.Json;

/**
 * The parts of a PEFT adapter config that decide a module's scale: alpha ({@code lora_alpha} for LoRA,
 * {@code alpha} for LoHa/LoKr), the rank r, their per-module overrides ({@code alpha_pattern},
 * {@code rank_pattern}, matched as PEFT does: the pattern must match a whole trailing part of the module
 * path) and rsLoRA (scale alpha / sqrt(r)). Comes from a PEFT {@code adapter_config.json}, or from
 * diffusers' {@code lora_adapter_metadata} (one config per network, keys prefixed {@code unet.} ...).
 */
public record PeftConfig(Double alpha, Integer r, Map<String, Object> alphaPattern, Map<String, Object> rankPattern,
                         boolean rslora) {

    /** The config in a PEFT-style map (keys {@code r}, {@code lora_alpha} or {@code alpha}, ...). */
    public static PeftConfig of(Map<String, Object> m) {
        Object a = m.get("lora_alpha");
        if (a == null) a = m.get("alpha");
        return new PeftConfig(a instanceof Number n ? n.doubleValue() : null,
                m.get("r") instanceof Number n ? n.intValue() : null,
                map(m.get("alpha_pattern")), map(m.get("rank_pattern")),
                Boolean.TRUE.equals(m.get("use_rslora")));
    }

    /** One config per network from diffusers' {@code lora_adapter_metadata} JSON ({@code {"unet.r": 4, ...}}). */
    public static Map<String, PeftConfig> fromDiffusersMetadata(String json, String source) {
        Object parsed = Json.parse(json, source + " lora_adapter_metadata");
        Map<String, Map<String, Object>> byNetwork = new LinkedHashMap<>();
        if (parsed instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                String key = String.valueOf(k);
                int dot = key.indexOf('.');
                if (dot > 0) byNetwork.computeIfAbsent(key.substring(0, dot), x -> new LinkedHashMap<>()).put(key.substring(dot + 1), v);
            });
        }
        Map<String, PeftConfig> out = new LinkedHashMap<>();
        byNetwork.forEach((network, cfg) -> out.put(network, of(cfg)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** alpha for {@code module}: its alpha_pattern entry, else the config's alpha (null if neither). */
    public Double alphaFor(String module) {
        Object v = patternValue(alphaPattern, module);
        return v instanceof Number n ? n.doubleValue() : alpha;
    }

    /** r for {@code module}: its rank_pattern entry, else the config's r (null if neither). */
    public Integer rankFor(String module) {
        Object v = patternValue(rankPattern, module);
        return v instanceof Number n ? n.intValue() : r;
    }

    /** The scale for a module of rank {@code rank} and alpha {@code alpha}. */
    public double scale(double alpha, int rank) {
        return rslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    private static Object patternValue(Map<String, Object> patterns, String module) {
        for (var e : patterns.entrySet()) {
            // PEFT's get_pattern_key: re.match(rf"(.*\.)?({key})$", module)
            if (Pattern.compile("(.*\\.)?(" + e.getKey() + ")$").matcher(module).matches()) return e.getValue();
        }
        return null;
    }
}

package jdiffusion.adapters.lora.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.adapter.Networks;
import jdiffusion.core.tensor.Tensor;

/**
 * Finds the layer an adapter's module name means. Every naming in use is reduced to the diffusers module
 * path with {@code '.'} and {@code '_'} made equal, which is how kohya writes names
 * ({@code lora_unet_down_blocks_0_attentions_0_proj_in}); the index holds that spelling of every Linear and
 * Conv2d layer of each network, plus, for the UNet, the LDM names kohya's SDXL files use, and, for text
 * encoders, the names with and without transformers' {@code text_model.} level.
 */
public final class ModuleIndex {

    /** A layer: its network and diffusers module path. */
    public record Layer(String network, String module) {
    }

    private static final Layer AMBIGUOUS = new Layer("", "");

    private final Map<String, Map<String, Layer>> byNetwork = new LinkedHashMap<>();
    private final Map<String, Map<String, Tensor>> networks;

    public ModuleIndex(Map<String, Map<String, Tensor>> networks) {
        this.networks = networks;
        networks.forEach((network, params) -> {
            Map<String, Layer> idx = new HashMap<>();
            List<String> modules = new ArrayList<>();
            params.forEach((name, t) -> {
                if (name.endsWith(".weight") && (t.rank() == 2 || t.rank() == 4)) {
                    modules.add(name.substring(0, name.length() - ".weight".length()));
                }
            });
            for (String m : modules) {
                Layer l = new Layer(network, m);
                put(idx, flat(m), l);
                if (!network.equals(Networks.UNET)) {
                    if (m.startsWith("text_model.")) put(idx, flat(m.substring("text_model.".length())), l);
                    else put(idx, "text_model_" + flat(m), l);
                }
            }
            if (network.equals(Networks.UNET)) {
                LdmUnetNames.ldmToDiffusers(modules).forEach((ldm, m) -> put(idx, flat(ldm), new Layer(network, m)));
            }
            byNetwork.put(network, idx);
        });
    }

    private static void put(Map<String, Layer> idx, String key, Layer l) {
        Layer old = idx.putIfAbsent(key, l);
        if (old != null && !old.equals(l)) idx.put(key, AMBIGUOUS);
    }

    /** {@code name} with every {@code '.'} made {@code '_'}. */
    public static String flat(String name) {
        return name.replace('.', '_');
    }

    /** The networks of the model, in the order given. */
    public Iterable<String> networks() {
        return byNetwork.keySet();
    }

    /** The base weight and bias of a layer (bias may be null). */
    public Tensor weight(Layer l) {
        return networks.get(l.network()).get(l.module() + ".weight");
    }

    public Tensor bias(Layer l) {
        return networks.get(l.network()).get(l.module() + ".bias");
    }

    /**
     * The layer of {@code network} named {@code name} (any spelling: dots or underscores, LDM or
     * diffusers, with diffusers' old {@code .processor.} level), or null.
     *
     * @throws IllegalArgumentException when the name fits two different layers
     */
    public Layer find(String network, String name) {
        Map<String, Layer> idx = byNetwork.get(network);
        if (idx == null) return null;
        String f = flat(name);
        Layer l = idx.get(f);
        if (l == null && f.contains("_processor_")) {
            // diffusers' attention-processor LoRAs: attn1.processor.to_q_lora -> attn1.to_q, to_out_lora -> to_out.0
            String g = f.replace("_processor_", "_");
            l = idx.get(g);
            if (l == null) l = idx.get(g + "_0");
        }
        if (l == AMBIGUOUS) throw new IllegalArgumentException(name + " fits more than one layer of " + network);
        return l;
    }
}

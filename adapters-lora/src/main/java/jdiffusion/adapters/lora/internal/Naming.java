package jdiffusion.adapters.lora.internal;

import java.util.List;
import jdiffusion.core.adapter.Networks;

/**
 * The key prefixes that say which network a module belongs to, and the convention (kohya, diffusers or
 * PEFT) that decides how its scale is found.
 */
public enum Naming {
    /** kohya / A1111 / LyCORIS: {@code lora_unet_}, {@code lora_te_}, {@code lora_te1_}, {@code lora_te2_}, {@code lycoris_}. */
    KOHYA,
    /** diffusers: {@code unet.}, {@code text_encoder.}, {@code text_encoder_2.}. */
    DIFFUSERS,
    /** PEFT's own state dict: module paths without a network prefix (or with {@code base_model.model.}). */
    PEFT;

    /** A module name split into its naming, network (null: any) and the name within the network. */
    public record Split(Naming naming, String network, String local) {
    }

    private static final List<String[]> KOHYA_PREFIXES = List.of(
            new String[]{"lora_unet_", Networks.UNET},
            new String[]{"lycoris_", Networks.UNET},
            new String[]{"lora_te1_", Networks.TEXT_ENCODER},
            new String[]{"lora_te2_", Networks.TEXT_ENCODER_2},
            new String[]{"lora_te_", Networks.TEXT_ENCODER});

    private static final List<String[]> DIFFUSERS_PREFIXES = List.of(
            new String[]{"unet.", Networks.UNET},
            new String[]{"text_encoder_2.", Networks.TEXT_ENCODER_2},
            new String[]{"text_encoder.", Networks.TEXT_ENCODER});

    public static Split split(String module) {
        for (String[] p : KOHYA_PREFIXES) {
            if (module.startsWith(p[0])) return new Split(KOHYA, p[1], module.substring(p[0].length()));
        }
        for (String[] p : DIFFUSERS_PREFIXES) {
            if (module.startsWith(p[0])) return new Split(DIFFUSERS, p[1], stripPeftLevel(module.substring(p[0].length())));
        }
        return new Split(PEFT, null, stripPeftLevel(module));
    }

    private static String stripPeftLevel(String s) {
        return s.startsWith("base_model.model.") ? s.substring("base_model.model.".length()) : s;
    }
}

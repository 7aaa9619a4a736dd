package jdiffusion.adapters.lora;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A1111's extra-network prompt syntax for LoRAs: {@code <lora:name>}, {@code <lora:name:0.8>} (both
 * strengths), {@code <lora:name:te:unet>} (text encoder, then UNet), or named {@code te=}/{@code unet=}
 * items; {@code <lyco:...>} is read the same way. The tags are removed from the prompt, as A1111 does.
 */
public final class LoraPrompt {

    private static final Pattern TAG = Pattern.compile("<(lora|lyco):([^:>]+)((?::[^:>]*)*)>");

    /** One tag: the adapter's name and its text-encoder and UNet strengths. */
    public record Tag(String name, float textEncoder, float unet) {
    }

    /** The prompt without its tags, and the tags in order. */
    public record Parsed(String prompt, List<Tag> tags) {
    }

    private LoraPrompt() {
    }

    public static Parsed parse(String prompt) {
        List<Tag> tags = new ArrayList<>();
        Matcher m = TAG.matcher(prompt);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(2).trim();
            Float te = null;
            Float unet = null;
            List<Float> positional = new ArrayList<>();
            for (String item : m.group(3).isEmpty() ? new String[0] : m.group(3).substring(1).split(":")) {
                String it = item.trim();
                int eq = it.indexOf('=');
                try {
                    if (eq > 0) {
                        String k = it.substring(0, eq).trim();
                        float v = Float.parseFloat(it.substring(eq + 1).trim());
                        switch (k) {
                            case "te" -> te = v;
                            case "unet" -> unet = v;
                            case "dyn" -> { /* DyLoRA rank limit: not applicable to saved ranks */ }
                            default -> throw new IllegalArgumentException("in " + m.group() + ": unknown item " + k + " (te=, unet= are known)");
                        }
                    } else if (!it.isEmpty()) {
                        positional.add(Float.parseFloat(it));
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("in " + m.group() + ": \"" + it + "\" is not a number");
                }
            }
            if (te == null && !positional.isEmpty()) te = positional.get(0);
            if (unet == null && positional.size() > 1) unet = positional.get(1);
            float t = te == null ? 1f : te;
            tags.add(new Tag(name, t, unet == null ? t : unet));
            m.appendReplacement(out, "");
        }
        m.appendTail(out);
        return new Parsed(out.toString(), tags);
    }
}

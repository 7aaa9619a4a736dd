package jdiffusion.core.adapter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.model.NoisePredictor;
import jdiffusion.core.model.StableDiffusionModel;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.core.text.TextEncoder;
import jdiffusion.core.text.Tokenizer;

/**
 * Applies a stack of adapters to a loaded model: the UNet and text encoders are copied with their
 * patches (sharing the base weights, which stay untouched), and textual-inversion tokens are added to the
 * tokenizers and text encoders. The text encoders are {@code text_encoder} and, for SDXL,
 * {@code text_encoder_2}, in the model's order.
 *
 * <pre>{@code
 * AdapterStack stack = AdapterStack.empty().with(lora, AdapterStrength.of(0.8f));
 * Adapters.Applied a = Adapters.apply(model, stack, ApplyMode.MERGED);
 * a.warnings().forEach(System.err::println);   // keys that matched nothing
 * StableDiffusionModel patched = a.model();
 * }</pre>
 */
public final class Adapters {

    /** The patched model, the warnings about keys that matched nothing, and the bound stack. */
    public record Applied(StableDiffusionModel model, List<String> warnings, AdapterStack.Bound bound) {
    }

    private Adapters() {
    }

    /** The network name of the model's {@code i}-th text encoder. */
    public static String textEncoderName(int i) {
        return i == 0 ? Networks.TEXT_ENCODER : i == 1 ? Networks.TEXT_ENCODER_2 : "text_encoder_" + (i + 1);
    }

    public static Applied apply(StableDiffusionModel model, AdapterStack stack, ApplyMode mode) {
        if (stack.isEmpty()) return new Applied(model, List.of(), stack.bind(Map.of(), mode));
        Map<String, Map<String, Tensor>> networks = new LinkedHashMap<>();
        if (model.unet() instanceof PatchableNetwork<?> p) networks.put(Networks.UNET, p.parameters());
        List<TextEncoder> encoders = model.textEncoders();
        for (int i = 0; i < encoders.size(); i++) {
            if (encoders.get(i) instanceof PatchableNetwork<?> p) networks.put(textEncoderName(i), p.parameters());
        }
        AdapterStack.Bound bound = stack.bind(networks, mode);
        NoisePredictor unet = patched(model.unet(), bound.patch(Networks.UNET), "UNet");
        List<TextEncoder> newEncoders = new ArrayList<>();
        for (int i = 0; i < encoders.size(); i++) {
            newEncoders.add(patched(encoders.get(i), bound.patch(textEncoderName(i)), textEncoderName(i)));
        }
        List<Tokenizer> tokenizers = model.tokenizers();
        if (!bound.embeddings().isEmpty()) {
            List<Tokenizer> wrapped = new ArrayList<>();
            for (int i = 0; i < tokenizers.size(); i++) {
                int enc = Math.min(i, encoders.size() - 1);
                wrapped.add(new AddedTokensTokenizer(tokenizers.get(i), vocabularySize(networks.get(textEncoderName(enc))), bound.embeddings()));
            }
            tokenizers = wrapped;
        }
        StableDiffusionModel m = new StableDiffusionModel(model.family(), tokenizers, newEncoders, unet, model.vae(), model.schedulerConfig());
        return new Applied(m, bound.warnings(), bound);
    }

    @SuppressWarnings("unchecked")
    private static <T> T patched(T network, NetworkPatch patch, String what) {
        if (patch.isEmpty()) return network;
        if (!(network instanceof PatchableNetwork<?> p)) {
            throw new IllegalArgumentException("this model's " + what + " (" + network.getClass().getSimpleName()
                    + ") cannot take adapters: it does not implement PatchableNetwork");
        }
        return (T) p.withPatch(patch);
    }

    private static int vocabularySize(Map<String, Tensor> params) {
        if (params != null) {
            for (var e : params.entrySet()) {
                if (e.getKey().endsWith("token_embedding.weight")) return e.getValue().dim(0);
            }
        }
        throw new IllegalArgumentException("the text encoder has no token_embedding.weight, so embeddings cannot be added to it");
    }
}

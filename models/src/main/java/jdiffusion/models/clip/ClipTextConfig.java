package jdiffusion.models.clip;

import java.util.List;
import java.util.Map;
import jdiffusion.core.Config;

/**
 * A transformers {@code CLIPTextConfig} (a text encoder's config.json): widths, depth, heads, positions,
 * vocabulary, activation ({@code quick_gelu} for OpenAI's CLIP, {@code gelu} for OpenCLIP), layer-norm
 * epsilon, whether the pooled output is projected, and {@code eos_token_id}, which picks the pooling rule
 * (2, the legacy value in SD checkpoints, means "position of the largest id").
 */
public record ClipTextConfig(int hiddenSize, int intermediateSize, int heads, int layers, int maxPositions, int vocabSize,
                             String hiddenAct, double layerNormEps, int eosTokenId, boolean withProjection,
                             int projectionDim) {

    public static final List<String> ACTIVATIONS = List.of("quick_gelu", "gelu", "gelu_new", "gelu_pytorch_tanh");

    @SuppressWarnings("unchecked")
    public static ClipTextConfig from(Config c) {
        if (c.raw("text_config") instanceof Map<?, ?> nested) {
            // A full CLIPModel config: the text tower's settings are nested.
            Config t = Config.of(c.source() + " text_config", (Map<String, ?>) nested);
            return from(t, c.raw("architectures"), c.getInt("projection_dim", 0));
        }
        return from(c, c.raw("architectures"), -1);
    }

    private static ClipTextConfig from(Config c, Object architectures, int outerProjection) {
        String act = c.getString("hidden_act", "quick_gelu");
        if (!ACTIVATIONS.contains(act)) throw c.invalid("hidden_act", act, "one of " + ACTIVATIONS);
        boolean proj = architectures instanceof List<?> l && l.contains("CLIPTextModelWithProjection");
        int hidden = c.getInt("hidden_size", 512);
        int heads = c.getInt("num_attention_heads", 8);
        if (hidden % heads != 0) throw c.invalid("num_attention_heads", heads, "a divisor of hidden_size " + hidden);
        int projection = outerProjection > 0 ? outerProjection : c.getInt("projection_dim", 512);
        return new ClipTextConfig(hidden, c.getInt("intermediate_size", 2048), heads,
                c.getInt("num_hidden_layers", 12), c.getInt("max_position_embeddings", 77), c.getInt("vocab_size", 49408),
                act, c.getDouble("layer_norm_eps", 1e-5), c.getInt("eos_token_id", 2), proj, projection);
    }

    /** The same config, with or without the projection (decided by the weights when the config does not say). */
    public ClipTextConfig withProjection(boolean projection) {
        return new ClipTextConfig(hiddenSize, intermediateSize, heads, layers, maxPositions, vocabSize, hiddenAct,
                layerNormEps, eosTokenId, projection, projectionDim);
    }
}

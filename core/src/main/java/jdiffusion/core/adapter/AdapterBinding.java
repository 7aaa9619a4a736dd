package jdiffusion.core.adapter;

import java.util.List;
import java.util.Map;

/**
 * An {@link Adapter} tied to a model: its patch for each changed layer ({@code layers}: network name ->
 * module path -> patch), its textual-inversion embeddings, and the file's keys that matched nothing in
 * the model, which callers report rather than ignore.
 */
public record AdapterBinding(String source, Map<String, Map<String, LayerPatch>> layers,
                             List<TokenEmbedding> embeddings, List<String> unmatchedKeys) {

    public AdapterBinding {
        layers = Map.copyOf(layers);
        embeddings = List.copyOf(embeddings);
        unmatchedKeys = List.copyOf(unmatchedKeys);
    }

    /** How many layers it changes, over all networks. */
    public int layerCount() {
        return layers.values().stream().mapToInt(Map::size).sum();
    }

    /** One line for logs: {@code "12 keys matched nothing in this model, e.g. a, b, c"}, or empty when all matched. */
    public String unmatchedSummary() {
        if (unmatchedKeys.isEmpty()) return "";
        List<String> examples = unmatchedKeys.subList(0, Math.min(3, unmatchedKeys.size()));
        return unmatchedKeys.size() + (unmatchedKeys.size() == 1 ? " key" : " keys")
                + " of " + source + " matched nothing in this model, e.g. " + String.join(", ", examples);
    }
}

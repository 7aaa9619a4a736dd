package jdiffusion.core.adapter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdiffusion.core.tensor.Tensor;

/**
 * Several adapters applied together, each with its own UNet and text-encoder strength. Binding them
 * to a model gives one {@link NetworkPatch} per network; on a layer several adapters change, their
 * changes add up (each computed against the base weights).
 */
public final class AdapterStack {

    /** One adapter of the stack and its strength. */
    public record Entry(Adapter adapter, AdapterStrength strength) {
    }

    /**
     * The stack tied to a model: the patch of each network it changes, each adapter's binding (with the
     * keys that matched nothing, for reporting), and the embeddings in the order their tokens get ids.
     */
    public record Bound(Map<String, NetworkPatch> patches, List<AdapterBinding> bindings, List<TokenEmbedding> embeddings) {

        public Bound {
            patches = Map.copyOf(patches);
            bindings = List.copyOf(bindings);
            embeddings = List.copyOf(embeddings);
        }

        /** The patch of {@code network}; one that changes nothing when the stack does not touch it. */
        public NetworkPatch patch(String network) {
            NetworkPatch p = patches.get(network);
            return p == null ? NetworkPatch.none(network) : p;
        }

        /** One line per adapter with keys that matched nothing. */
        public List<String> warnings() {
            List<String> w = new ArrayList<>();
            for (AdapterBinding b : bindings) {
                if (!b.unmatchedKeys().isEmpty()) w.add(b.unmatchedSummary());
            }
            return w;
        }
    }

    private final List<Entry> entries;

    private AdapterStack(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static AdapterStack empty() {
        return new AdapterStack(List.of());
    }

    public static AdapterStack of(List<Entry> entries) {
        return new AdapterStack(entries);
    }

    /** A stack with one more adapter on top. */
    public AdapterStack with(Adapter adapter, AdapterStrength strength) {
        List<Entry> e = new ArrayList<>(entries);
        e.add(new Entry(adapter, strength));
        return new AdapterStack(e);
    }

    public List<Entry> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * Binds every adapter to the model's networks (base parameters by network name and diffusers name).
     *
     * @throws AdapterMismatchException from the first adapter that does not fit, or when two embeddings
     *                                  claim the same token
     */
    public Bound bind(Map<String, Map<String, Tensor>> networks, ApplyMode mode) {
        Map<String, Map<String, List<LayerPatch>>> layers = new LinkedHashMap<>();
        List<AdapterBinding> bindings = new ArrayList<>();
        List<TokenEmbedding> embeddings = new ArrayList<>();
        Set<String> tokens = new HashSet<>();
        for (Entry e : entries) {
            AdapterBinding b = e.adapter().bind(networks, e.strength());
            bindings.add(b);
            b.layers().forEach((network, patches) -> patches.forEach((module, patch) ->
                    layers.computeIfAbsent(network, k -> new LinkedHashMap<>())
                            .computeIfAbsent(module, k -> new ArrayList<>()).add(patch)));
            for (TokenEmbedding t : b.embeddings()) {
                for (String tok : t.tokens()) {
                    if (!tokens.add(tok)) {
                        throw new AdapterMismatchException(b.source(), t.token(),
                                "the token " + tok + " is already added by another embedding; give one of them another token");
                    }
                }
                embeddings.add(t);
            }
        }
        Map<String, NetworkPatch> patches = new LinkedHashMap<>();
        Set<String> names = new HashSet<>(layers.keySet());
        for (TokenEmbedding t : embeddings) names.addAll(t.vectors().keySet());
        for (String network : names) {
            patches.put(network, new NetworkPatch(network, mode, layers.getOrDefault(network, Map.of()),
                    addedTokens(network, embeddings)));
        }
        return new Bound(patches, bindings, embeddings);
    }

    /** The embeddings' vectors for one text encoder stacked in token order, or null when none has any. */
    private static Tensor addedTokens(String network, List<TokenEmbedding> embeddings) {
        List<Tensor> parts = new ArrayList<>();
        int rows = 0;
        int hidden = -1;
        for (TokenEmbedding t : embeddings) {
            Tensor v = t.vectors().get(network);
            if (v == null) {
                throw new AdapterMismatchException(t.token(), null, "the embedding " + t.token() + " has no vectors for "
                        + network + " but another embedding does; all embeddings must cover the same text encoders");
            }
            if (hidden >= 0 && v.dim(1) != hidden) {
                throw new AdapterMismatchException(t.token(), null, "the embedding " + t.token() + " has width " + v.dim(1)
                        + " for " + network + ", other embeddings have " + hidden);
            }
            hidden = v.dim(1);
            parts.add(v);
            rows += v.dim(0);
        }
        if (parts.isEmpty()) return null;
        float[] all = new float[rows * hidden];
        int at = 0;
        for (Tensor p : parts) {
            float[] v = p.toFloatArray();
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
        }
        return Tensor.wrap(all, rows, hidden);
    }
}

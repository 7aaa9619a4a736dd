package jdiffusion.adapters.lora;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.adapters.lora.internal.SafetensorsFile;
import jdiffusion.core.adapter.Adapter;
import jdiffusion.core.adapter.AdapterBinding;
import jdiffusion.core.adapter.AdapterMismatchException;
import jdiffusion.core.adapter.AdapterStrength;
import jdiffusion.core.adapter.Networks;
import jdiffusion.core.adapter.TokenEmbedding;
import jdiffusion.core.tensor.Tensor;

/**
 * A textual-inversion embedding file read for one token. Binding checks the vectors' width against each
 * text encoder's token embedding and yields a {@link TokenEmbedding}; the tokens get their ids when the
 * embeddings are stacked ({@link jdiffusion.core.adapter.AdapterStack}).
 */
public final class TextualInversion implements Adapter {

    private final String source;
    private final String token;
    private final Map<String, Tensor> vectors;   // by file key: emb_params, clip_l, clip_g, ...

    private TextualInversion(String source, String token, Map<String, Tensor> vectors) {
        this.source = source;
        this.token = token;
        this.vectors = vectors;
    }

    /** The token A1111 uses for a file: its name without the extension. */
    public static String defaultToken(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Reads {@code file}, to be written {@code token} in prompts. */
    public static TextualInversion read(Path file, String token) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, Tensor> v = new LinkedHashMap<>();
        for (var e : f.tensors().entrySet()) {
            Tensor t = e.getValue();
            if (t.rank() == 1) t = t.reshape(1, t.dim(0));
            if (t.rank() != 2) {
                throw new IllegalArgumentException(file + ": " + e.getKey() + " has shape " + java.util.Arrays.toString(t.shape())
                        + "; an embedding is [vectors, hidden]");
            }
            v.put(e.getKey(), t);
        }
        if (v.isEmpty()) throw new IllegalArgumentException(file + " holds no tensors, so it is no embedding");
        if (v.size() > 1 && !Map.of("clip_l", 1, "clip_g", 1).keySet().containsAll(v.keySet())) {
            throw new IllegalArgumentException(file + " holds " + v.keySet()
                    + "; an embedding file holds one tensor (emb_params) or clip_l and clip_g");
        }
        return new TextualInversion(file.toString(), token, v);
    }

    public String token() {
        return token;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public String format() {
        return "textual_inversion";
    }

    @Override
    public AdapterBinding bind(Map<String, Map<String, Tensor>> networks, AdapterStrength strength) {
        Map<String, Tensor> byNetwork = new LinkedHashMap<>();
        for (String network : List.of(Networks.TEXT_ENCODER, Networks.TEXT_ENCODER_2)) {
            Map<String, Tensor> params = networks.get(network);
            if (params == null) continue;
            int hidden = tokenEmbeddingWidth(params, network);
            Tensor v = pick(network, hidden);
            if (v == null) {
                throw new AdapterMismatchException(source, null, "has no vectors " + hidden + " wide for " + network
                        + " (it holds " + shapes() + "); it was made for another model");
            }
            byNetwork.put(network, v);
        }
        if (byNetwork.isEmpty()) {
            throw new AdapterMismatchException(source, null, "this model has no text encoder to add the embedding to");
        }
        return new AdapterBinding(source, Map.of(), List.of(new TokenEmbedding(token, byNetwork)), List.of());
    }

    private Tensor pick(String network, int hidden) {
        String preferred = network.equals(Networks.TEXT_ENCODER) ? "clip_l" : "clip_g";
        Tensor t = vectors.get(preferred);
        if (t != null) return t.dim(1) == hidden ? t : null;
        if (vectors.size() == 1) {
            Tensor only = vectors.values().iterator().next();
            if (only.dim(1) == hidden && !vectors.containsKey("clip_l") && !vectors.containsKey("clip_g")) return only;
        }
        return null;
    }

    private String shapes() {
        StringBuilder b = new StringBuilder();
        vectors.forEach((k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append(' ').append(java.util.Arrays.toString(v.shape())));
        return b.toString();
    }

    private int tokenEmbeddingWidth(Map<String, Tensor> params, String network) {
        for (var e : params.entrySet()) {
            if (e.getKey().endsWith("token_embedding.weight")) return e.getValue().dim(1);
        }
        throw new AdapterMismatchException(source, null, network + " has no token_embedding.weight to extend");
    }
}

package jdiffusion.core.adapter;

import java.util.List;
import java.util.Map;
import jdiffusion.core.tensor.Tensor;

/**
 * A textual-inversion embedding: a new word {@code token} whose meaning is one or more learned input
 * vectors per text encoder ({@code vectors} [n, hidden] by network name). As diffusers'
 * {@code load_textual_inversion} does, an n-vector embedding is written in prompts as {@code token} and
 * expands to the n tokens {@code token token_1 ... token_(n-1)}.
 */
public record TokenEmbedding(String token, Map<String, Tensor> vectors) {

    public TokenEmbedding {
        vectors = Map.copyOf(vectors);
        int n = -1;
        for (var e : vectors.entrySet()) {
            Tensor v = e.getValue();
            if (v.rank() != 2) {
                throw new IllegalArgumentException("embedding " + token + " for " + e.getKey()
                        + " must be [vectors, hidden], got " + v);
            }
            if (n >= 0 && v.dim(0) != n) {
                throw new IllegalArgumentException("embedding " + token + " has " + n + " vectors for one text encoder and "
                        + v.dim(0) + " for " + e.getKey());
            }
            n = v.dim(0);
        }
    }

    /** How many vectors (and so prompt tokens) the embedding has. */
    public int vectorCount() {
        return vectors.values().iterator().next().dim(0);
    }

    /** The token strings the embedding adds: {@code token}, then {@code token_1}, {@code token_2}, ... */
    public List<String> tokens() {
        String[] t = new String[vectorCount()];
        for (int i = 0; i < t.length; i++) t[i] = i == 0 ? token : token + "_" + i;
        return List.of(t);
    }
}

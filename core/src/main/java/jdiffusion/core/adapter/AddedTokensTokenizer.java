package jdiffusion.core.adapter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.text.Tokenizer;

/**
 * A tokenizer that also knows the tokens textual-inversion embeddings add, as diffusers'
 * {@code load_textual_inversion} sets them up: each embedding vector is one added token
 * ({@code <tok>}, {@code <tok>_1}, ...) with the ids following the vocabulary, in order; added tokens are
 * matched whole, case-sensitively, before the BPE sees the text (the longest one where several start at
 * the same place), and a multi-vector embedding's name expands to all its tokens, as
 * {@code maybe_convert_prompt} rewrites {@code <tok>} to {@code <tok> <tok>_1 ...}.
 */
public final class AddedTokensTokenizer implements Tokenizer {

    private final Tokenizer base;
    private final Map<String, int[]> idsByText = new LinkedHashMap<>();
    private final List<String> byLength;

    /**
     * @param base       the model's tokenizer
     * @param firstId    the id of the first added token: the vocabulary size (49408 for CLIP)
     * @param embeddings the embeddings, in the order their vectors follow the vocabulary
     */
    public AddedTokensTokenizer(Tokenizer base, int firstId, List<TokenEmbedding> embeddings) {
        this.base = base;
        int id = firstId;
        for (TokenEmbedding e : embeddings) {
            List<String> tokens = e.tokens();
            int[] all = new int[tokens.size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = id++;
                if (i > 0) idsByText.putIfAbsent(tokens.get(i), new int[]{all[i]});
            }
            idsByText.put(e.token(), all);
        }
        byLength = new ArrayList<>(idsByText.keySet());
        byLength.sort(Comparator.comparingInt(String::length).reversed());
    }

    /** The ids an added token's text stands for (several for a multi-vector embedding's name), or null. */
    public int[] addedIds(String tokenText) {
        int[] ids = idsByText.get(tokenText);
        return ids == null ? null : ids.clone();
    }

    @Override
    public int[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        int from = 0;
        int pos = 0;
        while (pos < text.length()) {
            String match = null;
            for (String t : byLength) {
                if (text.startsWith(t, pos)) {
                    match = t;
                    break;
                }
            }
            if (match == null) {
                pos++;
                continue;
            }
            if (pos > from) appendAll(out, base.encode(text.substring(from, pos)));
            appendAll(out, idsByText.get(match));
            pos += match.length();
            from = pos;
        }
        if (from < text.length()) appendAll(out, base.encode(text.substring(from)));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void appendAll(List<Integer> out, int[] ids) {
        for (int id : ids) out.add(id);
    }

    @Override
    public int startToken() {
        return base.startToken();
    }

    @Override
    public int endToken() {
        return base.endToken();
    }

    @Override
    public int padToken() {
        return base.padToken();
    }

    @Override
    public int maxLength() {
        return base.maxLength();
    }

    @Override
    public int[] window(int[] ids) {
        return base.window(ids);
    }
}

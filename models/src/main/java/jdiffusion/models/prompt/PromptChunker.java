package jdiffusion.models.prompt;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.text.Tokenizer;

/**
 * Splits a weighted prompt into 75-token chunks as A1111 does ({@code sd_hijack_clip.py, tokenize_line}):
 * each chunk is framed by start and end tokens and filled to 77 with end tokens; {@code BREAK} starts a new
 * chunk; when a chunk fills up and a comma lies within the last {@code commaBacktrack} tokens, the tokens
 * after that comma move to the next chunk (A1111's "comma padding backtrack", 20 by default).
 *
 * <p>With an OpenCLIP-style tokenizer (pad differs from end) the filler after the first end token is
 * replaced by the pad token, as A1111's {@code process_tokens} does.
 */
public final class PromptChunker {

    /** Prompt tokens per chunk. */
    public static final int CHUNK_LENGTH = 75;

    private final Tokenizer tokenizer;
    private final int commaToken;
    private final int commaBacktrack;

    /**
     * @param commaToken     the id of {@code ",</w>"} (-1 when the vocabulary has none)
     * @param commaBacktrack how many tokens back a comma may lie to move the rest of a chunk (0: never)
     */
    public PromptChunker(Tokenizer tokenizer, int commaToken, int commaBacktrack) {
        if (tokenizer.maxLength() != CHUNK_LENGTH + 2) {
            throw new IllegalArgumentException("chunking needs 77-token windows; the tokenizer has " + tokenizer.maxLength());
        }
        this.tokenizer = tokenizer;
        this.commaToken = commaToken;
        this.commaBacktrack = commaBacktrack;
    }

    /** A1111's chunks for {@code prompt} (at least one). */
    public List<PromptChunk> chunks(List<WeightedText> prompt) {
        Builder b = new Builder();
        for (WeightedText part : prompt) {
            if (part.isBreak()) {
                b.nextChunk();
                continue;
            }
            int[] tokens = tokenizer.encode(part.text());
            float weight = (float) part.weight();
            for (int token : tokens) {
                if (token == commaToken) {
                    b.lastComma = b.tokens.size();
                } else if (commaBacktrack != 0 && b.tokens.size() == CHUNK_LENGTH && b.lastComma != -1
                        && b.tokens.size() - b.lastComma <= commaBacktrack) {
                    int breakAt = b.lastComma + 1;
                    List<Integer> relocTokens = new ArrayList<>(b.tokens.subList(breakAt, b.tokens.size()));
                    List<Float> relocMults = new ArrayList<>(b.multipliers.subList(breakAt, b.multipliers.size()));
                    b.tokens.subList(breakAt, b.tokens.size()).clear();
                    b.multipliers.subList(breakAt, b.multipliers.size()).clear();
                    b.nextChunk();
                    b.tokens.addAll(relocTokens);
                    b.multipliers.addAll(relocMults);
                }
                if (b.tokens.size() == CHUNK_LENGTH) b.nextChunk();
                b.tokens.add(token);
                b.multipliers.add(weight);
            }
        }
        if (!b.tokens.isEmpty() || b.chunks.isEmpty()) b.nextChunk();
        return b.chunks;
    }

    /** Chunks of an unweighted prompt (the whole text at weight 1). */
    public List<PromptChunk> chunks(String prompt) {
        return chunks(List.of(new WeightedText(prompt, 1.0)));
    }

    /** A chunk holding no prompt tokens (A1111's {@code empty_chunk}), to even out batch members. */
    public PromptChunk emptyChunk() {
        return frame(new ArrayList<>(), new ArrayList<>());
    }

    private PromptChunk frame(List<Integer> tokens, List<Float> multipliers) {
        int[] t = new int[CHUNK_LENGTH + 2];
        float[] m = new float[CHUNK_LENGTH + 2];
        t[0] = tokenizer.startToken();
        m[0] = 1f;
        for (int i = 0; i < CHUNK_LENGTH; i++) {
            t[i + 1] = i < tokens.size() ? tokens.get(i) : tokenizer.endToken();
            m[i + 1] = i < multipliers.size() ? multipliers.get(i) : 1f;
        }
        t[CHUNK_LENGTH + 1] = tokenizer.endToken();
        m[CHUNK_LENGTH + 1] = 1f;
        if (tokenizer.padToken() != tokenizer.endToken()) {
            int firstEnd = -1;
            for (int i = 0; i < t.length && firstEnd < 0; i++) {
                if (t[i] == tokenizer.endToken()) firstEnd = i;
            }
            for (int i = firstEnd + 1; i < t.length; i++) t[i] = tokenizer.padToken();
        }
        return new PromptChunk(t, m);
    }

    private final class Builder {
        final List<PromptChunk> chunks = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        List<Float> multipliers = new ArrayList<>();
        int lastComma = -1;

        void nextChunk() {
            chunks.add(frame(tokens, multipliers));
            tokens = new ArrayList<>();
            multipliers = new ArrayList<>();
            lastComma = -1;
        }
    }
}

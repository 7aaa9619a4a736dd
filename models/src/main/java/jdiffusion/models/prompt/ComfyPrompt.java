package jdiffusion.models.prompt;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.text.Tokenizer;

/**
 * ComfyUI's prompt syntax and chunking ({@code comfy/sd1_clip.py}): {@code (text)} multiplies the weight
 * by 1.1, {@code (text:1.3)} sets it to 1.3 (square brackets are plain text), {@code \(} and {@code \)}
 * are literal. Each weighted segment is tokenized as a whole; a segment that does not fit in the current
 * 77-token window moves to the next one unless it is 8 tokens or longer, which is split. Windows are
 * start, tokens, end, then padding with the tokenizer's pad token.
 */
public final class ComfyPrompt {

    private static final int MAX_LENGTH = 77;
    private static final int MAX_WORD_LENGTH = 8;

    private ComfyPrompt() {
    }

    /** {@code token_weights(escape_important(text), 1.0)}, unescaped: the weighted segments of a prompt. */
    public static List<WeightedText> parse(String prompt) {
        List<WeightedText> out = new ArrayList<>();
        for (WeightedText w : tokenWeights(escape(prompt), 1.0)) out.add(new WeightedText(unescape(w.text()), w.weight()));
        return out;
    }

    private static String escape(String text) {
        return text.replace("\\)", "\0\1").replace("\\(", "\0\2");
    }

    private static String unescape(String text) {
        return text.replace("\0\1", ")").replace("\0\2", "(");
    }

    /** ComfyUI's {@code parse_parentheses}: top-level parenthesised groups and the text between them. */
    private static List<String> parseParentheses(String s) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int nesting = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                if (nesting == 0) {
                    if (!current.isEmpty()) result.add(current.toString());
                    current = new StringBuilder("(");
                } else {
                    current.append(c);
                }
                nesting++;
            } else if (c == ')') {
                nesting--;
                if (nesting == 0) {
                    result.add(current + ")");
                    current = new StringBuilder();
                } else {
                    current.append(c);
                }
            } else {
                current.append(c);
            }
        }
        if (!current.isEmpty()) result.add(current.toString());
        return result;
    }

    /** ComfyUI's {@code token_weights}. */
    private static List<WeightedText> tokenWeights(String s, double current) {
        List<WeightedText> out = new ArrayList<>();
        for (String x : parseParentheses(s)) {
            if (x.length() >= 2 && x.charAt(0) == '(' && x.charAt(x.length() - 1) == ')') {
                String inner = x.substring(1, x.length() - 1);
                int colon = inner.lastIndexOf(':');
                double weight = current * 1.1;
                if (colon > 0) {
                    try {
                        weight = Double.parseDouble(inner.substring(colon + 1).strip());
                        inner = inner.substring(0, colon);
                    } catch (NumberFormatException e) {
                        // not a weight: the colon is text, as in ComfyUI
                    }
                }
                out.addAll(tokenWeights(inner, weight));
            } else {
                out.add(new WeightedText(x, current));
            }
        }
        return out;
    }

    /** ComfyUI's {@code tokenize_with_weights}: the prompt's 77-token windows with per-token weights. */
    public static List<PromptChunk> chunks(Tokenizer tokenizer, List<WeightedText> segments) {
        List<int[]> groupsTokens = new ArrayList<>();
        List<Float> groupsWeight = new ArrayList<>();
        for (WeightedText w : segments) {
            if (w.text().isEmpty()) continue;
            int[] ids = tokenizer.encode(w.text());
            if (ids.length == 0) continue;
            groupsTokens.add(ids);
            groupsWeight.add((float) w.weight());
        }
        List<PromptChunk> chunks = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        List<Float> weights = new ArrayList<>();
        tokens.add(tokenizer.startToken());
        weights.add(1f);
        for (int g = 0; g < groupsTokens.size(); g++) {
            int[] group = groupsTokens.get(g);
            float weight = groupsWeight.get(g);
            boolean large = group.length >= MAX_WORD_LENGTH;
            int from = 0;
            while (from < group.length) {
                int left = group.length - from;
                if (left + tokens.size() > MAX_LENGTH - 1) {
                    int remaining = MAX_LENGTH - tokens.size() - 1;
                    if (large) {
                        for (int i = 0; i < remaining; i++) {
                            tokens.add(group[from + i]);
                            weights.add(weight);
                        }
                        from += remaining;
                        tokens.add(tokenizer.endToken());
                        weights.add(1f);
                    } else {
                        tokens.add(tokenizer.endToken());
                        weights.add(1f);
                        for (int i = 0; i < remaining; i++) {
                            tokens.add(tokenizer.padToken());
                            weights.add(1f);
                        }
                    }
                    chunks.add(chunk(tokens, weights));
                    tokens = new ArrayList<>();
                    weights = new ArrayList<>();
                    tokens.add(tokenizer.startToken());
                    weights.add(1f);
                } else {
                    for (int i = from; i < group.length; i++) {
                        tokens.add(group[i]);
                        weights.add(weight);
                    }
                    from = group.length;
                }
            }
        }
        tokens.add(tokenizer.endToken());
        weights.add(1f);
        while (tokens.size() < MAX_LENGTH) {
            tokens.add(tokenizer.padToken());
            weights.add(1f);
        }
        chunks.add(chunk(tokens, weights));
        return chunks;
    }

    /** ComfyUI's {@code gen_empty_tokens}: start, end, then padding. */
    public static PromptChunk empty(Tokenizer tokenizer) {
        List<Integer> t = new ArrayList<>(List.of(tokenizer.startToken(), tokenizer.endToken()));
        List<Float> w = new ArrayList<>();
        while (t.size() < MAX_LENGTH) t.add(tokenizer.padToken());
        while (w.size() < MAX_LENGTH) w.add(1f);
        return chunk(t, w);
    }

    private static PromptChunk chunk(List<Integer> tokens, List<Float> weights) {
        int[] t = tokens.stream().mapToInt(Integer::intValue).toArray();
        float[] w = new float[weights.size()];
        for (int i = 0; i < w.length; i++) w[i] = weights.get(i);
        return new PromptChunk(t, w);
    }
}

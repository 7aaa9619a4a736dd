package jdiffusion.models.prompt;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A1111's prompt emphasis syntax ({@code modules/prompt_parser.py, parse_prompt_attention}):
 * {@code (text)} multiplies the attention of its tokens by 1.1, {@code [text]} divides it by 1.1,
 * {@code (text:1.3)} multiplies it by 1.3; brackets nest (multipliers multiply), unclosed ones apply to
 * the rest of the prompt, {@code \( \) \[ \] \\} are literal characters, and {@code BREAK} (upper case,
 * as a word) starts a new chunk. Adjacent runs of equal weight are merged.
 */
public final class PromptAttention {

    private static final Pattern ATTENTION = Pattern.compile(
            "\\\\\\(|\\\\\\)|\\\\\\[|\\\\]|\\\\\\\\|\\\\|\\(|\\[|:([+-]?[.\\p{Nd}]+)\\)|\\)|]|[^\\\\()\\[\\]:]+|:");
    private static final Pattern BREAK = Pattern.compile("\\s*\\bBREAK\\b\\s*", Pattern.DOTALL | Pattern.UNICODE_CHARACTER_CLASS);

    private static final double ROUND = 1.1;
    private static final double SQUARE = 1 / 1.1;

    private PromptAttention() {
    }

    /** The prompt as runs of text with their attention multipliers (never empty). */
    public static List<WeightedText> parse(String prompt) {
        List<String> texts = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        Deque<Integer> round = new ArrayDeque<>();
        Deque<Integer> square = new ArrayDeque<>();
        Matcher m = ATTENTION.matcher(prompt);
        while (m.find()) {
            String text = m.group();
            String weight = m.group(1);
            if (text.startsWith("\\")) {
                texts.add(text.substring(1));
                weights.add(1.0);
            } else if (text.equals("(")) {
                round.push(texts.size());
            } else if (text.equals("[")) {
                square.push(texts.size());
            } else if (weight != null && !round.isEmpty()) {
                multiply(weights, round.pop(), parseWeight(weight, prompt));
            } else if (text.equals(")") && !round.isEmpty()) {
                multiply(weights, round.pop(), ROUND);
            } else if (text.equals("]") && !square.isEmpty()) {
                multiply(weights, square.pop(), SQUARE);
            } else {
                String[] parts = BREAK.split(text, -1);
                for (int i = 0; i < parts.length; i++) {
                    if (i > 0) {
                        texts.add(WeightedText.BREAK.text());
                        weights.add(WeightedText.BREAK.weight());
                    }
                    texts.add(parts[i]);
                    weights.add(1.0);
                }
            }
        }
        // Unclosed brackets apply to everything after them, innermost first as A1111 iterates its lists.
        for (int pos : round.reversed()) multiply(weights, pos, ROUND);
        for (int pos : square.reversed()) multiply(weights, pos, SQUARE);
        if (texts.isEmpty()) {
            texts.add("");
            weights.add(1.0);
        }
        List<WeightedText> res = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) res.add(new WeightedText(texts.get(i), weights.get(i)));
        int i = 0;
        while (i + 1 < res.size()) {
            if (res.get(i).weight() == res.get(i + 1).weight()) {
                res.set(i, new WeightedText(res.get(i).text() + res.get(i + 1).text(), res.get(i).weight()));
                res.remove(i + 1);
            } else {
                i++;
            }
        }
        return res;
    }

    private static void multiply(List<Double> weights, int from, double multiplier) {
        for (int p = from; p < weights.size(); p++) weights.set(p, weights.get(p) * multiplier);
    }

    private static double parseWeight(String w, String prompt) {
        try {
            return Double.parseDouble(w);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("prompt weight \"" + w + "\" is not a number in: " + prompt);
        }
    }
}

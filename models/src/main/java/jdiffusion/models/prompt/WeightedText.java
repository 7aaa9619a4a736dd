package jdiffusion.models.prompt;

/**
 * A run of prompt text and the attention multiplier its tokens get; {@link #isBreak()} marks A1111's
 * {@code BREAK} keyword, which ends the current 75-token chunk.
 */
public record WeightedText(String text, double weight) {

    /** The marker A1111 uses for BREAK (text "BREAK", weight -1). */
    public static final WeightedText BREAK = new WeightedText("BREAK", -1);

    public boolean isBreak() {
        return weight == -1 && "BREAK".equals(text);
    }
}

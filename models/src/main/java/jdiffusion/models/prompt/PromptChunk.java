package jdiffusion.models.prompt;

/**
 * One 77-token window of a prompt: start token, 75 prompt tokens (or end tokens as filler), end token,
 * and each token's attention multiplier.
 */
public record PromptChunk(int[] tokens, float[] multipliers) {

    public PromptChunk {
        if (tokens.length != multipliers.length) {
            throw new IllegalArgumentException("tokens and multipliers differ in length: " + tokens.length + " vs " + multipliers.length);
        }
        tokens = tokens.clone();
        multipliers = multipliers.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public float[] multipliers() {
        return multipliers.clone();
    }

    /** Whether every multiplier is 1 (emphasis then changes nothing). */
    public boolean unweighted() {
        for (float m : multipliers) {
            if (m != 1f) return false;
        }
        return true;
    }
}

package jdiffusion.core.text;

/**
 * Turns prompt text into token ids, literally (no weighting syntax: that is a prompt layer above).
 * CLIP's byte-level BPE tokenizer is the one Stable Diffusion uses.
 */
public interface Tokenizer {

    /** The token ids of {@code text}, without start/end tokens and without truncation. */
    int[] encode(String text);

    int startToken();

    int endToken();

    /** The id used to pad a window to {@link #maxLength()} (49407 for SD1's CLIP, 0 for OpenCLIP). */
    int padToken();

    /** The window length the text encoder takes, start and end tokens included (77 for CLIP). */
    int maxLength();

    /**
     * The model's input window for {@code ids}: start token, up to {@code maxLength() - 2} ids, end token,
     * then padding, as the reference tokenizers lay it out.
     */
    int[] window(int[] ids);
}

package jdiffusion.core.text;

import jdiffusion.core.tensor.Tensor;

/**
 * A text encoder (CLIP's text transformer, Radford et al. 2021) turning token windows into the embeddings
 * the UNet attends to. Thread-safe.
 */
public interface TextEncoder {

    /** Width of each token's embedding. */
    int hiddenSize();

    /** Width of the projected pooled embedding ({@code text_embeds}), or 0 when the encoder has no projection. */
    int projectionDim();

    /** Number of transformer layers (hidden states are this plus one, the embeddings). */
    int layers();

    /**
     * Encodes a batch of token windows [batch][length] (no attention mask: padding is attended causally,
     * as Stable Diffusion runs CLIP); {@code clipSkip} selects {@link TextEncoding#selectedHiddenState()}:
     * 0 the last layer's output, 1 the penultimate, and so on.
     */
    TextEncoding encode(int[][] tokenWindows, int clipSkip);

    /** The encoder's final layer norm applied to any hidden state [.., hidden] (for clip skip with normalisation). */
    Tensor finalLayerNorm(Tensor hiddenState);
}

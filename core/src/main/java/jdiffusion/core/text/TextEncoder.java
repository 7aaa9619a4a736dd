package jdiffusion.core.text;

import jdiffusion.core.tensor.Tensor;

/** A text encoder (CLIP's text transformer) turning token windows into the embeddings the UNet attends to. */
public interface TextEncoder {

    /** Width of each token's embedding. */
    int hiddenSize();

    /**
     * Encodes a batch of token windows [batch][maxLength]; {@code clipSkip} 0 gives the last layer, 1 the
     * penultimate, and so on.
     */
    TextEncoding encode(int[][] tokenWindows, int clipSkip);
}

package jdiffusion.core.text;

import jdiffusion.core.tensor.Tensor;

/**
 * What a text encoder returns: the per-token states [batch, tokens, hidden] after the final layer norm,
 * the per-token states of the layer selected by clip skip before it (SDXL's input), and the pooled
 * (optionally projected) embedding [batch, dim], null where the encoder has none.
 */
public record TextEncoding(Tensor lastHiddenState, Tensor selectedHiddenState, Tensor pooled) {
}

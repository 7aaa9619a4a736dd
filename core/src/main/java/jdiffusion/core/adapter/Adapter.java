package jdiffusion.core.adapter;

import java.util.Set;
import jdiffusion.core.tensor.Tensor;

/**
 * A fine-tuning adapter read from a file: a set of weight changes keyed by the target model's parameter
 * names (diffusers names: {@code unet.down_blocks.0...weight}, {@code text_encoder...}). Applied merged
 * (W' = W + strength * delta) or at run time without touching the base weights.
 */
public interface Adapter {

    /** Where it came from, for messages. */
    String source();

    /** The parameter names it changes. */
    Set<String> targets();

    /** The change to {@code base} (the target's current weight) at strength 1, shaped as the base. */
    Tensor delta(String target, Tensor base);
}

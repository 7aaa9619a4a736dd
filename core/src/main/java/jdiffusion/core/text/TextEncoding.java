package jdiffusion.core.text;

import java.util.List;
import jdiffusion.core.tensor.Tensor;

/**
 * What a text encoder returns for a batch of token windows:
 * <ul>
 * <li>{@code lastHiddenState} [batch, tokens, hidden]: the last layer's output after the final layer norm
 * (what SD 1.x conditions on);</li>
 * <li>{@code selectedHiddenState} [batch, tokens, hidden]: the output of the layer clip skip selected,
 * without the final layer norm (SDXL conditions on the penultimate one);</li>
 * <li>{@code pooled} [batch, hidden]: the last hidden state at the end-of-text position;</li>
 * <li>{@code textEmbeds} [batch, projection]: the pooled output projected, or null without projection;</li>
 * <li>{@code hiddenStates}: the embeddings and every layer's output, before the final layer norm.</li>
 * </ul>
 */
public record TextEncoding(Tensor lastHiddenState, Tensor selectedHiddenState, Tensor pooled, Tensor textEmbeds,
                           List<Tensor> hiddenStates) {

    public TextEncoding {
        hiddenStates = hiddenStates == null ? List.of() : List.copyOf(hiddenStates);
    }

    /** {@code hidden_states[-k]} in Python's indexing: 1 is the last layer's output (before the final norm). */
    public Tensor hiddenStateFromEnd(int k) {
        return hiddenStates.get(hiddenStates.size() - k);
    }
}

package jdiffusion.core.model;

import java.util.List;
import jdiffusion.core.tensor.Tensor;

/**
 * Everything a denoising UNet is conditioned on besides the noisy sample and the timestep: the text
 * embeddings it cross-attends to [batch, tokens, dim], SDXL's pooled text embedding and size/crop ids
 * (null otherwise), and ControlNet residuals (empty when none).
 */
public record Conditioning(Tensor encoderHiddenStates, Tensor textEmbeds, Tensor timeIds,
                           List<Tensor> downBlockResiduals, Tensor midBlockResidual) {

    public Conditioning {
        downBlockResiduals = downBlockResiduals == null ? List.of() : List.copyOf(downBlockResiduals);
    }

    /** Text conditioning only. */
    public static Conditioning text(Tensor encoderHiddenStates) {
        return new Conditioning(encoderHiddenStates, null, null, List.of(), null);
    }
}

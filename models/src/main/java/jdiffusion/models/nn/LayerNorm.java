package jdiffusion.models.nn;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;

/** Layer normalisation (Ba et al. 2016) over the last dimension (torch.nn.LayerNorm). */
public final class LayerNorm {

    private final float eps;
    private final Tensor gamma;
    private final Tensor beta;

    public LayerNorm(Params p, int dim, float eps) {
        this.eps = eps;
        this.gamma = p.get("weight", dim);
        this.beta = p.get("bias", dim);
    }

    public Tensor forward(Backend be, Tensor x) {
        return be.layerNorm(x, gamma, beta, eps);
    }
}

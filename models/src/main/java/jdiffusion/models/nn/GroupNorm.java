package jdiffusion.models.nn;

import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;

/** Group normalisation (Wu and He 2018) with per-channel scale and shift (torch.nn.GroupNorm). */
public final class GroupNorm {

    private final int groups;
    private final float eps;
    private final Tensor gamma;
    private final Tensor beta;

    public GroupNorm(Params p, int groups, int channels, float eps) {
        if (groups <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException(p.key("") + ": " + channels + " channels cannot form " + groups
                    + " groups (norm_num_groups must divide every block's channels)");
        }
        this.groups = groups;
        this.eps = eps;
        this.gamma = p.get("weight", channels);
        this.beta = p.get("bias", channels);
    }

    public Tensor forward(Backend be, Tensor x) {
        return be.groupNorm(x, groups, gamma, beta, eps);
    }
}

package jdiffusion.core.model;

import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.tensor.Tensor;

/**
 * The denoising network itself (a UNet2DConditionModel): it maps a noisy latent [N, C, h, w], one
 * timestep per batch item and the conditioning to its prediction, of the kind {@link #parameterization()}
 * names. Thread-safe.
 */
public interface NoisePredictor {

    Tensor predict(Tensor sample, float[] timesteps, Conditioning conditioning);

    /** Channels the network takes (4, or 9 for inpainting models). */
    int inChannels();

    Parameterization parameterization();
}

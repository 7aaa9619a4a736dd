package jdiffusion.adapters.controlnet;

import java.util.List;
import jdiffusion.core.tensor.Tensor;

/**
 * What a ControlNet gives the UNet: one residual per skip connection of the down path ({@code down}, in
 * the UNet's order: conv_in's output, then every resnet/attention layer and downsampler) and one for the
 * mid block's output, already multiplied by the conditioning scale.
 */
public record ControlNetOutput(List<Tensor> down, Tensor mid) {

    public ControlNetOutput {
        down = List.copyOf(down);
    }
}

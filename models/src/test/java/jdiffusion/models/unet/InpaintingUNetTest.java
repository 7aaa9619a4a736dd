package jdiffusion.models.unet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Set;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.bench.RandomWeights;
import jdiffusion.models.conformance.ReferenceFiles;
import jdiffusion.models.loader.Components;
import jdiffusion.models.nn.Params;
import jdiffusion.models.testing.RefModels;
import org.junit.jupiter.api.Test;

class InpaintingUNetTest {

    /** in_channels 9 (latent, mask, masked-image latent) in, the latent's 4 channels out. */
    @Test
    void nineChannelUNetTakesMaskAndMaskedImageLatents() throws IOException {
        UNetConfig c = UNetConfig.from(Components.readConfig(ReferenceFiles.resolve(RefModels.dir("unet-sd15-tiny"), "config.json"))
                .with("in_channels", 9L));
        RandomWeights w = new RandomWeights(9, DType.FLOAT32, RandomWeights.unetAbsentKeys());
        UNet2DConditionModel unet = new UNet2DConditionModel(c, Params.of(w, RefModels.backend()), Parameterization.EPSILON);
        assertArrayEquals(new int[]{32, 9, 3, 3}, w.tensor("conv_in.weight").shape());
        Tensor out = unet.predict(Tensor.zeros(1, 9, 10, 14), new float[]{500}, Conditioning.text(Tensor.zeros(1, 7, 48)));
        assertArrayEquals(new int[]{1, 4, 10, 14}, out.shape());
        var e = assertThrows(IllegalArgumentException.class,
                () -> unet.predict(Tensor.zeros(1, 4, 10, 14), new float[]{500}, Conditioning.text(Tensor.zeros(1, 7, 48))));
        assertTrue(e.getMessage().contains("[N, 9, h, w]"), e.getMessage());
        assertTrue(w.names().containsAll(Set.of("conv_in.weight", "conv_out.weight")));
    }
}

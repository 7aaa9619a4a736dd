package jdiffusion.models.unet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.ConfigException;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.models.conformance.ReferenceFiles;
import jdiffusion.models.loader.Components;
import jdiffusion.models.nn.Params;
import jdiffusion.models.testing.RefModels;
import jdiffusion.models.weights.SafetensorsWeights;
import jdiffusion.models.weights.WeightException;
import org.junit.jupiter.api.Test;

class UNetConfigTest {

    private static Config sd15() throws IOException {
        return Components.readConfig(ReferenceFiles.resolve(RefModels.dir("unet-sd15-tiny"), "config.json"));
    }

    private static void rejected(Config c, String key, String value) {
        var e = assertThrows(ConfigException.class, () -> UNetConfig.from(c));
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void unsupportedOptionsAreRejectedNamingKeyAndValue() throws IOException {
        Config c = sd15();
        rejected(c.with("class_embed_type", "timestep"), "class_embed_type", "timestep");
        rejected(c.with("addition_embed_type", "text"), "addition_embed_type", "text");
        rejected(c.with("down_block_types", List.of("SimpleCrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D")),
                "down_block_types", "SimpleCrossAttnDownBlock2D");
        rejected(c.with("resnet_time_scale_shift", "scale_shift"), "resnet_time_scale_shift", "scale_shift");
        rejected(c.with("time_cond_proj_dim", 256L), "time_cond_proj_dim", "256");
        rejected(c.with("attention_head_dim", List.of(8L, 8L)), "attention_head_dim", "[8, 8]");
        rejected(c.with("num_attention_heads", 8L), "num_attention_heads", "8");
        rejected(c.with("act_fn", "gelu"), "act_fn", "gelu");
        rejected(c.with("mid_block_type", "UNetMidBlock2DSimpleCrossAttn"), "mid_block_type", "UNetMidBlock2DSimpleCrossAttn");
    }

    @Test
    void perBlockListsAreReversedForTheUpPath() throws IOException {
        UNetConfig c = UNetConfig.from(Components.readConfig(ReferenceFiles.resolve(RefModels.dir("unet-sdxl-tiny"), "config.json")));
        assertArrayEquals(new int[]{2, 4, 4}, c.attentionHeads());
        assertArrayEquals(new int[]{1, 1}, c.transformerLayers()[0]);
        assertArrayEquals(new int[]{2, 2}, c.transformerLayers()[2]);
        assertArrayEquals(new int[]{2, 2, 2}, c.upTransformerLayers()[0], "the deepest up block mirrors the last down block");
        assertArrayEquals(new int[]{1, 1, 1}, c.upTransformerLayers()[2]);
        assertEquals(64, c.timeEmbedDim());
    }

    @Test
    void weightsThatDoNotFitTheConfigFailNamingTheTensor() throws IOException {
        var weights = SafetensorsWeights.open(ReferenceFiles.resolve(RefModels.dir("unet-sd15-tiny"), "weights.safetensors"));
        UNetConfig wrongContext = UNetConfig.from(sd15().with("cross_attention_dim", 64L));
        var e = assertThrows(WeightException.class,
                () -> new UNet2DConditionModel(wrongContext, Params.of(weights, RefModels.backend()), Parameterization.EPSILON));
        assertTrue(e.getMessage().contains("attn2.to_k.weight") && e.getMessage().contains("[32, 48]") && e.getMessage().contains("[32, 64]"),
                e.getMessage());
        UNetConfig deeper = UNetConfig.from(sd15().with("layers_per_block", 3L));
        var e2 = assertThrows(WeightException.class,
                () -> new UNet2DConditionModel(deeper, Params.of(weights, RefModels.backend()), Parameterization.EPSILON));
        assertTrue(e2.getMessage().contains("missing tensor") && e2.getMessage().contains("down_blocks.0.resnets.2"), e2.getMessage());
        UNetConfig inpaint = UNetConfig.from(sd15().with("in_channels", 9L));
        var e3 = assertThrows(WeightException.class,
                () -> new UNet2DConditionModel(inpaint, Params.of(weights, RefModels.backend()), Parameterization.EPSILON));
        assertTrue(e3.getMessage().contains("conv_in.weight") && e3.getMessage().contains("[32, 9, 3, 3]"), e3.getMessage());
    }
}

package jdiffusion.adapters.controlnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.io.SafetensorsWriter;
import jdiffusion.core.json.Json;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.conformance.ReferenceFiles;
import jdiffusion.models.weights.SafetensorsWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SDXL-layout ControlNet (text_time embedding, linear projections, two transformer layers in the last
 * block) made as {@code ControlNetModel.from_unet} makes one, from unet-sdxl-tiny's encoder, with a
 * conditioning embedding whose output is zero and identity 1x1 "zero" convolutions: its residuals are then
 * the UNet's own skip connections and mid-block output, which the reference recorded
 * ({@code case1.act.conv_in}, {@code down_blocks.i.res.j}, {@code mid_block}).
 */
class SdxlControlNetTest {

    @TempDir
    Path tmp;

    @Test
    void controlNetCopiedFromTheSdxlUnetGivesItsSkipConnections() throws Exception {
        Path unetDir = Fixtures.modelFolder("unet-sdxl-tiny");
        SafetensorsFile unet = SafetensorsFile.open(ReferenceFiles.resolve(unetDir, "weights.safetensors"));
        Map<String, Object> config = new LinkedHashMap<>(Json.readObject(ReferenceFiles.resolve(unetDir, "config.json")));
        config.put("_class_name", "ControlNetModel");
        config.put("conditioning_embedding_out_channels", List.of(4L, 8L));
        for (String k : List.of("up_block_types", "out_channels", "center_input_sample", "sample_size")) config.remove(k);
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (String k : unet.names()) {
            if (k.startsWith("up_blocks.") || k.startsWith("conv_norm_out.") || k.startsWith("conv_out.")) continue;
            w.put(k, unet.tensor(k));
        }
        int c0 = unet.tensor("conv_in.weight").dim(0);
        w.put("controlnet_cond_embedding.conv_in.weight", Tensor.zeros(4, 3, 3, 3));
        w.put("controlnet_cond_embedding.conv_in.bias", Tensor.zeros(4));
        w.put("controlnet_cond_embedding.blocks.0.weight", Tensor.zeros(4, 4, 3, 3));
        w.put("controlnet_cond_embedding.blocks.0.bias", Tensor.zeros(4));
        w.put("controlnet_cond_embedding.blocks.1.weight", Tensor.zeros(8, 4, 3, 3));
        w.put("controlnet_cond_embedding.blocks.1.bias", Tensor.zeros(8));
        w.put("controlnet_cond_embedding.conv_out.weight", Tensor.zeros(c0, 8, 3, 3));
        w.put("controlnet_cond_embedding.conv_out.bias", Tensor.zeros(c0));
        List<Integer> skipChannels = new ArrayList<>();
        skipChannels.add(c0);
        @SuppressWarnings("unchecked")
        List<Long> channels = (List<Long>) config.get("block_out_channels");
        int layers = ((Long) config.get("layers_per_block")).intValue();
        for (int i = 0; i < channels.size(); i++) {
            for (int j = 0; j < layers + (i < channels.size() - 1 ? 1 : 0); j++) skipChannels.add(channels.get(i).intValue());
        }
        for (int i = 0; i < skipChannels.size(); i++) {
            w.put("controlnet_down_blocks." + i + ".weight", identity(skipChannels.get(i)));
            w.put("controlnet_down_blocks." + i + ".bias", Tensor.zeros(skipChannels.get(i)));
        }
        int cm = channels.getLast().intValue();
        w.put("controlnet_mid_block.weight", identity(cm));
        w.put("controlnet_mid_block.bias", Tensor.zeros(cm));
        Path file = tmp.resolve("sdxl_controlnet.safetensors");
        SafetensorsWriter.write(file, w, Map.of());
        ControlNetModel cn = ControlNets.load(config, "unet-sdxl-tiny as a ControlNet", SafetensorsWeights.open(file), Fixtures.BACKEND);

        SafetensorsFile io = SafetensorsFile.open(ReferenceFiles.resolve(unetDir, "io.safetensors"));
        Tensor sample = io.tensor("case1.in.sample");
        Conditioning cond = new Conditioning(io.tensor("case1.in.encoder_hidden_states"), io.tensor("case1.in.added_cond_kwargs.text_embeds"),
                io.tensor("case1.in.added_cond_kwargs.time_ids"), List.of(), null);
        Tensor image = Tensor.zeros(sample.dim(0), 3, sample.dim(2) * 2, sample.dim(3) * 2);
        ControlNetOutput out = cn.forward(sample, io.tensor("case1.in.timestep").toFloatArray(), cond, image, 1f, false);
        List<String> expected = new ArrayList<>();
        expected.add("case1.act.conv_in");
        for (int i = 0; i < channels.size(); i++) {
            for (int j = 0; io.names().contains("case1.act.down_blocks." + i + ".res." + j); j++) expected.add("case1.act.down_blocks." + i + ".res." + j);
        }
        assertEquals(expected.size(), out.down().size());
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            worst = Math.max(worst, ControlNetParityTest.close(expected.get(i), io.tensor(expected.get(i)), out.down().get(i)));
        }
        worst = Math.max(worst, ControlNetParityTest.close("mid", io.tensor("case1.act.mid_block"), out.mid()));
        System.out.printf("SDXL ControlNet from unet-sdxl-tiny: max abs error %.2e over %d residuals%n", worst, expected.size() + 1);
    }

    private static Tensor identity(int c) {
        float[] v = new float[c * c];
        for (int i = 0; i < c; i++) v[i * c + i] = 1f;
        return Tensor.wrap(v, c, c, 1, 1);
    }
}

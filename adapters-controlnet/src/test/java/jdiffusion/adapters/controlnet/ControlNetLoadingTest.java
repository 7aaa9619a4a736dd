package jdiffusion.adapters.controlnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.io.SafetensorsWriter;
import jdiffusion.core.json.Json;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single-file ControlNets in the original layout ({@code control_model.input_blocks...}): renamed as
 * diffusers' convert_controlnet_checkpoint does, they give the diffusers folder's residuals; without a
 * config beside them, the config is read off the shapes.
 */
class ControlNetLoadingTest {

    @TempDir
    Path tmp;

    @Test
    void originalLayoutSingleFileGivesTheSameResiduals() throws Exception {
        Path file = writeOriginalLayout(tmp.resolve("control_tiny.safetensors"));
        Files.copy(Fixtures.controlnetFile("config.json"), tmp.resolve("config.json"));
        ControlNetModel single = ControlNets.load(file, Fixtures.BACKEND);
        SafetensorsFile io = Fixtures.io();
        ControlNetOutput out = single.forward(io.tensor("in.sample"), io.tensor("in.timestep").toFloatArray(),
                Conditioning.text(io.tensor("in.encoder_hidden_states")), io.tensor("in.controlnet_cond"), 0.7f, false);
        for (int i = 0; i < out.down().size(); i++) {
            ControlNetParityTest.close("down " + i, io.tensor("out.down_block_res_samples." + i), out.down().get(i));
        }
        ControlNetParityTest.close("mid", io.tensor("out.mid_block_res_sample"), out.mid());
    }

    @Test
    void configOfASingleFileIsReadOffItsShapes() throws Exception {
        Path file = writeOriginalLayout(tmp.resolve("control_tiny.safetensors"));
        Map<String, Object> inferred = ControlNetConfigInference.infer(LdmControlNetNames.toDiffusers(
                jdiffusion.models.weights.SafetensorsWeights.open(file)));
        Map<String, Object> real = Json.readObject(Fixtures.controlnetFile("config.json"));
        for (String k : List.of("block_out_channels", "down_block_types", "layers_per_block", "cross_attention_dim",
                "use_linear_projection", "conditioning_embedding_out_channels", "conditioning_channels", "in_channels")) {
            assertEquals(real.get(k), inferred.get(k), k);
        }
    }

    @Test
    void aPickleIsRefusedWithTheReason() throws Exception {
        Path ckpt = tmp.resolve("control.pth");
        Files.write(ckpt, new byte[]{1, 2, 3});
        Exception e = assertThrows(java.io.IOException.class, () -> ControlNets.load(ckpt, Fixtures.BACKEND));
        assertTrue(e.getMessage().contains("safetensors"), e.getMessage());
    }

    /** The tiny ControlNet's weights under the original (LDM) names, with the control_model. prefix. */
    static Path writeOriginalLayout(Path file) throws Exception {
        SafetensorsFile w = SafetensorsFile.open(Fixtures.controlnetFile("weights.safetensors"));
        Map<String, Object> cfg = Json.readObject(Fixtures.controlnetFile("config.json"));
        int lpb = ((Long) cfg.get("layers_per_block")).intValue();
        int hintBlocks = 2 * (((List<?>) cfg.get("conditioning_embedding_out_channels")).size() - 1);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String k : w.names()) out.put("control_model." + ldmName(k, lpb, hintBlocks), w.tensor(k));
        SafetensorsWriter.write(file, out, Map.of());
        return file;
    }

    private static final String[][] RESNET = {{"norm1", "in_layers.0"}, {"conv1", "in_layers.2"}, {"time_emb_proj", "emb_layers.1"},
            {"norm2", "out_layers.0"}, {"conv2", "out_layers.3"}, {"conv_shortcut", "skip_connection"}};

    private static String ldmName(String k, int lpb, int hintBlocks) {
        Matcher m;
        if ((m = Pattern.compile("^down_blocks\\.(\\d+)\\.resnets\\.(\\d+)\\.([a-z_0-9]+)\\.(.+)$").matcher(k)).matches()) {
            int idx = 1 + Integer.parseInt(m.group(1)) * (lpb + 1) + Integer.parseInt(m.group(2));
            return "input_blocks." + idx + ".0." + resnet(m.group(3)) + "." + m.group(4);
        }
        if ((m = Pattern.compile("^down_blocks\\.(\\d+)\\.attentions\\.(\\d+)\\.(.+)$").matcher(k)).matches()) {
            int idx = 1 + Integer.parseInt(m.group(1)) * (lpb + 1) + Integer.parseInt(m.group(2));
            return "input_blocks." + idx + ".1." + m.group(3);
        }
        if ((m = Pattern.compile("^down_blocks\\.(\\d+)\\.downsamplers\\.0\\.conv\\.(.+)$").matcher(k)).matches()) {
            return "input_blocks." + (1 + Integer.parseInt(m.group(1)) * (lpb + 1) + lpb) + ".0.op." + m.group(2);
        }
        if ((m = Pattern.compile("^mid_block\\.resnets\\.(\\d+)\\.([a-z_0-9]+)\\.(.+)$").matcher(k)).matches()) {
            return "middle_block." + 2 * Integer.parseInt(m.group(1)) + "." + resnet(m.group(2)) + "." + m.group(3);
        }
        if ((m = Pattern.compile("^mid_block\\.attentions\\.0\\.(.+)$").matcher(k)).matches()) return "middle_block.1." + m.group(1);
        if ((m = Pattern.compile("^controlnet_down_blocks\\.(\\d+)\\.(.+)$").matcher(k)).matches()) return "zero_convs." + m.group(1) + ".0." + m.group(2);
        if ((m = Pattern.compile("^controlnet_cond_embedding\\.blocks\\.(\\d+)\\.(.+)$").matcher(k)).matches()) {
            return "input_hint_block." + 2 * (Integer.parseInt(m.group(1)) + 1) + "." + m.group(2);
        }
        if (k.startsWith("controlnet_cond_embedding.conv_in.")) return "input_hint_block.0." + k.substring(34);
        if (k.startsWith("controlnet_cond_embedding.conv_out.")) return "input_hint_block." + 2 * (hintBlocks + 1) + "." + k.substring(35);
        if (k.startsWith("controlnet_mid_block.")) return "middle_block_out.0." + k.substring(21);
        if (k.startsWith("conv_in.")) return "input_blocks.0.0." + k.substring(8);
        if (k.startsWith("time_embedding.linear_1.")) return "time_embed.0." + k.substring(24);
        if (k.startsWith("time_embedding.linear_2.")) return "time_embed.2." + k.substring(24);
        throw new IllegalStateException("no original name for " + k);
    }

    private static String resnet(String part) {
        for (String[] p : RESNET) if (p[0].equals(part)) return p[1];
        return part;
    }
}

package jdiffusion.adapters.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jdiffusion.adapters.lora.internal.LdmUnetNames;
import jdiffusion.adapters.lora.internal.LoraAdapter;
import jdiffusion.adapters.lora.internal.SafetensorsFile;
import jdiffusion.core.adapter.AdapterBinding;
import jdiffusion.core.adapter.AdapterMismatchException;
import jdiffusion.core.adapter.AdapterStrength;
import jdiffusion.core.adapter.Networks;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adapters that do not fit the model are refused naming the file and the first key; stray keys are reported. */
class BadAdapterTest {

    @TempDir
    Path tmp;

    /**
     * A kohya LoRA for the SDXL-shaped UNet (LDM names, as kohya writes SDXL LoRAs) on the SD1 UNet: the
     * first module whose name exists in SD1 has other channel counts.
     */
    @Test
    void sdxlLoraOnSd1ModelNamesTheFileAndTheFirstMismatchedKey() throws Exception {
        Map<String, Tensor> sdxl = Refdata.weights("unet-sdxl-tiny");
        List<String> modules = new ArrayList<>();
        sdxl.forEach((k, t) -> {
            if (k.endsWith(".weight")) modules.add(k.substring(0, k.length() - 7));
        });
        Map<String, String> ldm = LdmUnetNames.ldmToDiffusers(modules);
        Map<String, Tensor> lora = new LinkedHashMap<>();
        Random rnd = new Random(1);
        ldm.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .filter(e -> e.getValue().contains(".attn") && sdxl.get(e.getValue() + ".weight").rank() == 2).forEach(e -> {
            int[] w = sdxl.get(e.getValue() + ".weight").shape();
            String name = "lora_unet_" + e.getKey().replace('.', '_');
            lora.put(name + ".lora_down.weight", random(rnd, 4, w[1]));
            lora.put(name + ".lora_up.weight", random(rnd, w[0], 4));
            lora.put(name + ".alpha", Tensor.wrap(new float[]{2f}, 1));
        });
        Path file = tmp.resolve("sdxl_style.safetensors");
        jdiffusion.core.io.SafetensorsWriter.write(file, lora, Map.of());
        Map<String, Tensor> sd1 = Refdata.weights("unet-sd15-tiny");
        AdapterMismatchException e = assertThrows(AdapterMismatchException.class,
                () -> LoraAdapter.read(file, "kohya").bind(Map.of(Networks.UNET, sd1), AdapterStrength.of(1f)));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(lora.containsKey(e.key()), "names a key of the file: " + e.key());
        assertTrue(e.getMessage().contains(e.key()) && e.getMessage().contains("another model"), e.getMessage());
        // the key is the first (in file order) whose module exists in SD1 with other shapes
        String firstBad = null;
        for (String k : lora.keySet()) {
            if (!k.endsWith(".lora_down.weight")) continue;
            String mod = k.substring("lora_unet_".length(), k.length() - ".lora_down.weight".length());
            String sd1Module = sdxlNameInSd1(sd1, mod);
            if (sd1Module == null) continue;
            int[] w = sd1.get(sd1Module + ".weight").shape();
            Tensor down = lora.get(k);
            Tensor up = lora.get(k.replace("lora_down", "lora_up"));
            if (down.dim(1) != w[1] || up.dim(0) != w[0]) {
                firstBad = k.substring(0, k.length() - ".lora_down.weight".length());
                break;
            }
        }
        assertEquals(firstBad + ".lora_up.weight", e.key(), "the up projection is the first tensor that does not fit");
    }

    private static String sdxlNameInSd1(Map<String, Tensor> sd1, String flatLdm) {
        List<String> modules = new ArrayList<>();
        sd1.keySet().forEach(k -> {
            if (k.endsWith(".weight")) modules.add(k.substring(0, k.length() - 7));
        });
        for (var e : LdmUnetNames.ldmToDiffusers(modules).entrySet()) {
            if (e.getKey().replace('.', '_').equals(flatLdm)) return e.getValue();
        }
        return null;
    }

    @Test
    void keysThatMatchNothingAreReportedWithCountAndExamples() throws Exception {
        SafetensorsFile f = SafetensorsFile.open(Refdata.file("lora-kohya-tiny", "lora.safetensors"));
        Map<String, Tensor> tensors = new LinkedHashMap<>(f.tensors());
        tensors.put("lora_unet_no_such_layer.lora_down.weight", Tensor.wrap(new float[8], 4, 2));
        tensors.put("lora_unet_no_such_layer.lora_up.weight", Tensor.wrap(new float[8], 2, 4));
        tensors.put("lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_down.weight", Tensor.wrap(new float[8], 4, 2));
        tensors.put("lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_up.weight", Tensor.wrap(new float[8], 2, 4));
        tensors.put("bundle_emb.style.string_to_param", Tensor.wrap(new float[4], 1, 4));
        Path file = tmp.resolve("with_strays.safetensors");
        jdiffusion.core.io.SafetensorsWriter.write(file, tensors, Map.of());
        AdapterBinding b = LoraAdapter.read(file, "kohya")
                .bind(Map.of(Networks.UNET, Refdata.weights("unet-sd15-tiny")), AdapterStrength.of(1f));
        assertEquals(16, b.layerCount(), "the real modules still apply");
        assertEquals(5, b.unmatchedKeys().size(), b.unmatchedKeys().toString());
        assertTrue(b.unmatchedKeys().contains("bundle_emb.style.string_to_param"));
        assertTrue(b.unmatchedKeys().contains("lora_unet_no_such_layer.lora_up.weight"));
        assertTrue(b.unmatchedSummary().startsWith("5 keys of " + file), b.unmatchedSummary());
    }

    @Test
    void aFileMatchingNoLayerIsRefused() throws Exception {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("lora_unet_input_blocks_99_1_proj_in.lora_down.weight", Tensor.wrap(new float[8], 4, 2));
        tensors.put("lora_unet_input_blocks_99_1_proj_in.lora_up.weight", Tensor.wrap(new float[8], 2, 4));
        Path file = tmp.resolve("other_model.safetensors");
        jdiffusion.core.io.SafetensorsWriter.write(file, tensors, Map.of());
        AdapterMismatchException e = assertThrows(AdapterMismatchException.class, () -> LoraAdapter.read(file, "kohya")
                .bind(Map.of(Networks.UNET, Refdata.weights("unet-sd15-tiny")), AdapterStrength.of(1f)));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("matches a layer"), e.getMessage());
    }

    @Test
    void anIncompleteModuleIsRefusedNamingTheFileAndModule() throws Exception {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("lora_unet_mid_block_resnets_0_conv1.lora_up.weight", Tensor.wrap(new float[8], 2, 4));
        Path file = tmp.resolve("incomplete.safetensors");
        jdiffusion.core.io.SafetensorsWriter.write(file, tensors, Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoraAdapter.read(file, "kohya"));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("lora_unet_mid_block_resnets_0_conv1"), e.getMessage());
    }

    private static Tensor random(Random rnd, int... shape) {
        float[] v = new float[(int) Tensor.count(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
        return Tensor.wrap(v, shape);
    }
}

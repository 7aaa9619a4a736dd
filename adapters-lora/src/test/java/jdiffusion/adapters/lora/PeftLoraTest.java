package jdiffusion.adapters.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.adapters.lora.internal.LoraAdapter;
import jdiffusion.adapters.lora.internal.SafetensorsFile;
import jdiffusion.core.adapter.AdapterBinding;
import jdiffusion.core.adapter.AdapterStrength;
import jdiffusion.core.adapter.Networks;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * diffusers/PEFT LoRA files: alpha comes from the {@code lora_adapter_metadata} header entry (lora-peft-tiny:
 * lora_alpha 8, r 4, so scale 2), and without it alpha = r (scale 1), as diffusers loads them; the kohya
 * copy with a float alpha carries the same scale, diffusers' own converter output (int64 alpha = r) scale 1.
 */
class PeftLoraTest {

    @TempDir
    Path tmp;

    private static final String FOLDER = "lora-peft-tiny";

    @Test
    void alphaFromTheMetadataGivesDiffusersScale() throws Exception {
        Map<String, Object> checks = checks();
        double expectedScale = ((Number) checks.get("loaded_lora_alpha_from_metadata")).doubleValue()
                / ((Number) checks.get("loaded_r")).doubleValue();
        Path file = Refdata.file(FOLDER, "pytorch_lora_weights.safetensors");
        assertScale(file, "diffusers", expectedScale, 1f);
        assertScale(file, "diffusers", expectedScale, 0.5f);
    }

    @Test
    void withoutMetadataAlphaIsTheRank() throws Exception {
        SafetensorsFile f = SafetensorsFile.open(Refdata.file(FOLDER, "pytorch_lora_weights.safetensors"));
        Path bare = tmp.resolve("no_metadata.safetensors");
        jdiffusion.core.io.SafetensorsWriter.write(bare, f.tensors(), Map.of());
        @SuppressWarnings("unchecked")
        var noMeta = (java.util.List<Object>) checks().get("no_metadata_lora_alpha_use_dora");
        double alpha = ((Number) noMeta.get(0)).doubleValue();
        assertScale(bare, "diffusers", alpha / ((Number) checks().get("loaded_r")).doubleValue(), 1f);
    }

    @Test
    void kohyaCopiesCarryTheirAlphaTensorsIncludingTheInt64Quirk() throws Exception {
        double scale = ((Number) checks().get("loaded_lora_alpha_from_metadata")).doubleValue() / ((Number) checks().get("loaded_r")).doubleValue();
        assertScale(Refdata.file(FOLDER, "lora_kohya.safetensors"), "kohya", scale, 1f);
        // convert_state_dict_to_kohya writes alpha = r as int64: scale 1
        assertScale(Refdata.file(FOLDER, "kohya_converted_by_diffusers.safetensors"), "kohya", 1.0, 1f);
    }

    /** Every layer's delta is strength * scale * up @ down, computed here from the raw factors. */
    private static void assertScale(Path file, String format, double scale, float strength) throws Exception {
        LoraAdapter lora = LoraAdapter.read(file, format);
        Map<String, Tensor> unet = Refdata.weights("unet-sd15-tiny");
        AdapterBinding b = lora.bind(Map.of(Networks.UNET, unet), AdapterStrength.of(strength));
        assertTrue(b.unmatchedKeys().isEmpty(), () -> "unmatched " + b.unmatchedKeys());
        assertEquals(18, b.layerCount());
        SafetensorsFile f = SafetensorsFile.open(file);
        Map<String, Tensor[]> factors = new LinkedHashMap<>();
        for (var e : f.tensors().entrySet()) {
            String k = e.getKey();
            boolean down = k.endsWith(".lora_A.weight") || k.endsWith(".lora_down.weight");
            boolean up = k.endsWith(".lora_B.weight") || k.endsWith(".lora_up.weight");
            if (!down && !up) continue;
            String module = k.substring(0, k.lastIndexOf('.', k.length() - 8)).replace("unet.", "").replace("lora_unet_", "");
            factors.computeIfAbsent(module.replace('.', '_'), x -> new Tensor[2])[down ? 0 : 1] = e.getValue();
        }
        for (var layer : b.layers().get(Networks.UNET).entrySet()) {
            Tensor[] ud = factors.get(layer.getKey().replace('.', '_'));
            int r = ud[0].dim(0);
            int out = ud[1].dim(0);
            int in = (int) (ud[0].numel() / r);
            float[] a = ud[0].toFloatArray();
            float[] bb = ud[1].toFloatArray();
            float[] expected = new float[out * in];
            for (int i = 0; i < out; i++) {
                for (int j = 0; j < in; j++) {
                    double s = 0;
                    for (int k = 0; k < r; k++) s += (double) bb[i * r + k] * a[k * in + j];
                    expected[i * in + j] = (float) (strength * scale * s);
                }
            }
            Close.assertClose(layer.getKey(), expected, layer.getValue().weightDelta().toFloatArray(), 1e-6, 1e-5);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> checks() throws Exception {
        return (Map<String, Object>) Refdata.caseJson(FOLDER).get("checks");
    }
}

package jdiffusion.adapters.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import jdiffusion.adapters.lora.internal.LoraAdapter;
import jdiffusion.adapters.lora.internal.SafetensorsFile;
import jdiffusion.core.adapter.AdapterBinding;
import jdiffusion.core.adapter.AdapterStrength;
import jdiffusion.core.adapter.LayerPatch;
import jdiffusion.core.adapter.Networks;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LoHa and LoKr weight deltas rebuilt from the LyCORIS-keyed files and from PEFT's own state dicts
 * equal PEFT's get_delta_weight for every target (io {@code delta.<module>}).
 */
class LycorisDeltaTest {

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
            "loha-tiny, loha_lycoris.safetensors, kohya",
            "loha-tiny, adapter_model.safetensors, peft",
            "lokr-tiny, lokr_lycoris.safetensors, kohya",
            "lokr-tiny, adapter_model.safetensors, peft"})
    void deltaWeightsMatchPeftGetDeltaWeight(String folder, String file, String format) throws Exception {
        Refdata.file(folder, "adapter_config.json"); // PEFT state dicts take alpha from the config beside them
        Path path = Refdata.file(folder, file);
        LoraAdapter adapter = LoraAdapter.read(path, format);
        Map<String, Map<String, Tensor>> networks = Map.of(Networks.UNET, Refdata.weights("unet-sd15-tiny"));
        AdapterBinding b = adapter.bind(networks, AdapterStrength.of(1f));
        assertTrue(b.unmatchedKeys().isEmpty(), () -> "unmatched " + b.unmatchedKeys());
        SafetensorsFile io = Refdata.io(folder);
        int checked = 0;
        double worst = 0;
        for (var e : io.tensors().entrySet()) {
            if (!e.getKey().startsWith("delta.")) continue;
            String module = e.getKey().substring("delta.".length());
            LayerPatch p = b.layers().get(Networks.UNET).get(module);
            float[] expected = e.getValue().toFloatArray();
            // the README's bound: relative 2e-7 of the delta's scale; 1e-6 leaves room for summation order
            double scale = Close.absMax(expected);
            worst = Math.max(worst, Close.assertClose(module, expected, p.weightDelta().toFloatArray(), 1e-6 * scale, 0) / scale);
            checked++;
        }
        assertEquals(18, checked, "all 18 targets have a delta");
        assertEquals(18, b.layerCount());
        System.out.printf("%s/%s: max relative delta error %.2e%n", folder, file, worst);
    }
}

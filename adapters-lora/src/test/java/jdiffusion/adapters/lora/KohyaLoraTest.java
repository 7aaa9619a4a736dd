package jdiffusion.adapters.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import jdiffusion.adapters.lora.internal.LoraAdapter;
import jdiffusion.adapters.lora.internal.SafetensorsFile;
import jdiffusion.core.adapter.AdapterBinding;
import jdiffusion.core.adapter.AdapterStack;
import jdiffusion.core.adapter.AdapterStrength;
import jdiffusion.core.adapter.ApplyMode;
import jdiffusion.core.adapter.NetworkPatch;
import jdiffusion.core.adapter.Networks;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

class KohyaLoraTest {

    /** lora-kohya-tiny: 16 targets (linear, 1x1 and 3x3 convs, conv_shortcut) merged at multiplier 0.8. */
    @Test
    void mergedWeightsMatchDiffusersAtMultiplier08() throws Exception {
        Map<String, Tensor> unet = Refdata.weights("unet-sd15-tiny");
        LoraAdapter lora = LoraAdapter.read(Refdata.file("lora-kohya-tiny", "lora.safetensors"), "kohya");
        AdapterStack.Bound bound = AdapterStack.empty().with(lora, AdapterStrength.of(0.8f))
                .bind(Map.of(Networks.UNET, unet), ApplyMode.MERGED);
        assertTrue(bound.warnings().isEmpty(), () -> String.join("; ", bound.warnings()));
        NetworkPatch patch = bound.patch(Networks.UNET);
        SafetensorsFile io = Refdata.io("lora-kohya-tiny");
        int n = 0;
        double worst = 0;
        for (var e : io.tensors().entrySet()) {
            if (!e.getKey().startsWith("merged_weight.")) continue;
            String param = e.getKey().substring("merged_weight.".length());
            String module = param.substring(0, param.length() - ".weight".length());
            Tensor merged = patch.weight(module, unet.get(param));
            worst = Math.max(worst, Close.assertClose(param, e.getValue().toFloatArray(), merged.toFloatArray(), 1e-6, 1e-6));
            n++;
        }
        assertEquals(16, n);
        assertEquals(16, patch.layers().size());
        System.out.printf("lora-kohya-tiny merged weights: max abs error %.2e%n", worst);
    }

    /** Every kohya name resolves to the diffusers module case.json's key_mapping gives, in every folder. */
    @Test
    void kohyaNamesResolveToTheModulesTheReferenceMapsThemTo() throws Exception {
        Map<String, Map<String, Tensor>> networks = Map.of(Networks.UNET, Refdata.weights("unet-sd15-tiny"),
                Networks.TEXT_ENCODER, Refdata.weights("clip-text-sd15-tiny"));
        check(networks, "lora-kohya-tiny", "lora.safetensors", Refdata.keyMapping("lora-kohya-tiny", "key_mapping"));
        check(networks, "lora-peft-tiny", "lora_kohya.safetensors", Refdata.keyMapping("lora-peft-tiny", "kohya", "key_mapping"));
        check(networks, "dora-tiny", "dora_kohya_outdim.safetensors", Refdata.keyMapping("dora-tiny", "kohya", "key_mapping"));
        Map<String, String> te = new HashMap<>();
        Refdata.keyMapping("lora-te-kohya-tiny", "key_mapping").forEach((k, v) -> te.put(k, v.split(" ")[0]));
        check(networks, "lora-te-kohya-tiny", "lora_te.safetensors", te);
    }

    private static void check(Map<String, Map<String, Tensor>> networks, String folder, String file, Map<String, String> mapping) throws Exception {
        LoraAdapter lora = LoraAdapter.read(Refdata.file(folder, file), "kohya");
        AdapterBinding b = lora.bind(networks, AdapterStrength.of(1f));
        assertTrue(b.unmatchedKeys().isEmpty(), () -> folder + " unmatched " + b.unmatchedKeys());
        assertEquals(mapping.size(), b.layerCount(), folder);
        for (var e : mapping.entrySet()) {
            String network = e.getKey().startsWith("lora_te") ? Networks.TEXT_ENCODER : Networks.UNET;
            assertTrue(b.layers().get(network).containsKey(e.getValue()), folder + ": " + e.getKey() + " -> " + e.getValue());
        }
    }
}

package jdiffusion.adapters.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdiffusion.adapters.lora.internal.LdmUnetNames;
import jdiffusion.adapters.lora.internal.RefdataFiles;
import jdiffusion.adapters.lora.internal.SafetensorsFile;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LdmUnetNamesTest {

    /**
     * The single-file checkpoint holds the UNet of unet-sd15-tiny under its LDM names; every diffusers layer
     * must find its own tensor there (same shape, same values).
     */
    @Test
    void ldmNamesOfEveryUnetLayerFindTheSameTensorInTheSingleFileCheckpoint() throws Exception {
        Map<String, Tensor> diffusers = Refdata.weights("unet-sd15-tiny");
        SafetensorsFile single = SafetensorsFile.open(RefdataFiles.resolve(Refdata.modelFolder("single-file-sd15-tiny"), "model.safetensors"));
        List<String> modules = new ArrayList<>();
        for (String k : diffusers.keySet()) {
            if (k.endsWith(".weight")) modules.add(k.substring(0, k.length() - 7));
        }
        Map<String, String> ldmToDiffusers = LdmUnetNames.ldmToDiffusers(modules);
        assertEquals(modules.size(), ldmToDiffusers.size(), "every module has an LDM name");
        for (var e : ldmToDiffusers.entrySet()) {
            Tensor ldm = single.tensors().get("model.diffusion_model." + e.getKey() + ".weight");
            assertNotNull(ldm, "LDM name " + e.getKey() + " (for " + e.getValue() + ") is in the checkpoint");
            Tensor d = diffusers.get(e.getValue() + ".weight");
            assertArrayEquals(d.toFloatArray(), ldm.toFloatArray(), e.getKey() + " holds " + e.getValue());
        }
    }
}

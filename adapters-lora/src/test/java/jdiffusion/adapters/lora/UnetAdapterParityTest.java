package jdiffusion.adapters.lora;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jdiffusion.adapters.lora.internal.LoraAdapter;
import jdiffusion.adapters.lora.internal.SafetensorsFile;
import jdiffusion.core.adapter.AdapterStack;
import jdiffusion.core.adapter.AdapterStrength;
import jdiffusion.core.adapter.ApplyMode;
import jdiffusion.core.adapter.Networks;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.unet.UNet2DConditionModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every LoRA-family file of the reference data on the tiny SD1.5 UNet, merged into the weights and
 * applied at run time: the UNet output matches diffusers/PEFT within atol 1e-4 + rtol 1e-4, the two
 * modes agree within float32 rounding, and the adapter visibly changes the output.
 */
class UnetAdapterParityTest {

    private static UNet2DConditionModel unet;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void load() throws Exception {
        unet = TinyModels.unet("unet-sd15-tiny");
    }

    @ParameterizedTest(name = "{0}/{1} {2} x{3} -> {4}")
    @CsvSource({
            "lora-peft-tiny, pytorch_lora_weights.safetensors, diffusers, 1.0, out.scale1",
            "lora-peft-tiny, pytorch_lora_weights.safetensors, diffusers, 0.5, out.scale0_5",
            "lora-peft-tiny, pytorch_lora_weights.safetensors, no-metadata, 1.0, out.no_metadata",
            "lora-peft-tiny, lora_kohya.safetensors, kohya, 1.0, out.scale1",
            "lora-peft-tiny, lora_kohya.safetensors, kohya, 0.5, out.scale0_5",
            "lora-peft-tiny, kohya_converted_by_diffusers.safetensors, kohya, 1.0, out.no_metadata",
            "loha-tiny, loha_lycoris.safetensors, kohya, 1.0, out.scale1",
            "loha-tiny, loha_lycoris.safetensors, kohya, 0.5, out.scale0_5",
            "loha-tiny, adapter_model.safetensors, peft, 1.0, out.scale1",
            "lokr-tiny, lokr_lycoris.safetensors, kohya, 1.0, out.scale1",
            "lokr-tiny, lokr_lycoris.safetensors, kohya, 0.5, out.scale0_5",
            "lokr-tiny, adapter_model.safetensors, peft, 1.0, out.scale1",
            "dora-tiny, pytorch_lora_weights.safetensors, diffusers, 1.0, out.scale1",
            "dora-tiny, pytorch_lora_weights.safetensors, diffusers, 0.5, out.scale0_5",
            "dora-tiny, pytorch_lora_weights.safetensors, no-metadata, 1.0, out.no_metadata",
            "dora-tiny, dora_kohya_outdim.safetensors, kohya, 1.0, out.scale1",
            "dora-tiny, dora_kohya_outdim.safetensors, kohya, 0.5, out.scale0_5",
            "dora-tiny, kohya_converted_by_diffusers.safetensors, kohya, 1.0, out.no_metadata",
            "lora-kohya-tiny, lora.safetensors, kohya, 0.8, out.merged"})
    void unetOutputMatchesTheReference(String folder, String file, String format, float strength, String expectedKey) throws Exception {
        if (Files.exists(Refdata.ROOT.resolve(folder).resolve("adapter_config.json.gz"))) Refdata.file(folder, "adapter_config.json");
        Path path = Refdata.file(folder, file);
        if (format.equals("no-metadata")) {
            Path bare = tmp.resolve(folder + "-no-metadata.safetensors");
            jdiffusion.core.io.SafetensorsWriter.write(bare, SafetensorsFile.open(path).tensors(), Map.of());
            path = bare;
            format = "diffusers";
        }
        LoraAdapter adapter = LoraAdapter.read(path, format);
        SafetensorsFile io = Refdata.io(folder);
        Tensor sample = io.get("in.sample");
        float[] t = io.get("in.timestep").toFloatArray();
        Conditioning cond = Conditioning.text(io.get("in.encoder_hidden_states"));
        float[] expected = io.get(expectedKey).toFloatArray();
        String baseKey = io.tensors().containsKey("out.base") ? "out.base" : "out.base_without_lora";
        float[] base = io.get(baseKey).toFloatArray();

        float[][] outs = new float[2][];
        for (ApplyMode mode : ApplyMode.values()) {
            AdapterStack.Bound bound = AdapterStack.empty().with(adapter, AdapterStrength.of(strength))
                    .bind(Map.of(Networks.UNET, unet.parameters()), mode);
            assertTrue(bound.warnings().isEmpty(), () -> String.join("; ", bound.warnings()));
            UNet2DConditionModel patched = unet.withPatch(bound.patch(Networks.UNET));
            float[] out = TinyModels.BACKEND.toHost(patched.predict(sample, t, cond)).toFloatArray();
            double err = Close.assertClose(folder + "/" + file + " " + mode, expected, out);
            System.out.printf("%s/%s x%.1f %s: max abs error %.2e (adapter effect %.2f)%n", folder, file, strength, mode, err,
                    Close.maxAbs(expected, base));
            outs[mode.ordinal()] = out;
        }
        double modes = Close.maxAbs(outs[0], outs[1]);
        assertTrue(modes < 1e-5, "merged and run-time application agree: " + modes);
        assertTrue(Close.maxAbs(expected, base) > 0.1, "the adapter changes the output");
    }
}

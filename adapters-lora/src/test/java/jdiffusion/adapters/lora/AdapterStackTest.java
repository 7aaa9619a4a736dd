package jdiffusion.adapters.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import jdiffusion.adapters.lora.internal.LoraAdapter;
import jdiffusion.core.adapter.AdapterStack;
import jdiffusion.core.adapter.AdapterStrength;
import jdiffusion.core.adapter.ApplyMode;
import jdiffusion.core.adapter.NetworkPatch;
import jdiffusion.core.adapter.Networks;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Stacking: adapters on one layer add up; the UNet and the text encoder take their own strengths; merging
 * into float16 weights gives float16 weights and leaves the base untouched; at run time the base weights
 * are the layer's own.
 */
class AdapterStackTest {

    @Test
    void stackedAdaptersAddUpAndEachNetworkTakesItsOwnStrength() throws Exception {
        Map<String, Tensor> unet = Refdata.weights("unet-sd15-tiny");
        Map<String, Tensor> te = Refdata.weights("clip-text-sd15-tiny");
        var lora = LoraAdapter.read(Refdata.file("lora-kohya-tiny", "lora.safetensors"), "kohya");
        var teLora = LoraAdapter.read(Refdata.file("lora-te-kohya-tiny", "lora_te.safetensors"), "kohya");
        Map<String, Map<String, Tensor>> nets = Map.of(Networks.UNET, unet, Networks.TEXT_ENCODER, te);
        AdapterStack.Bound two = AdapterStack.empty().with(lora, new AdapterStrength(0.3f, 9f)).with(lora, new AdapterStrength(0.2f, 9f))
                .with(teLora, new AdapterStrength(7f, 0.8f)).bind(nets, ApplyMode.MERGED);
        AdapterStack.Bound one = AdapterStack.empty().with(lora, AdapterStrength.of(0.5f)).with(teLora, AdapterStrength.of(0.8f))
                .bind(nets, ApplyMode.MERGED);
        for (String network : new String[]{Networks.UNET, Networks.TEXT_ENCODER}) {
            NetworkPatch a = two.patch(network);
            NetworkPatch b = one.patch(network);
            assertEquals(b.layers().keySet(), a.layers().keySet());
            for (String module : a.layers().keySet()) {
                Tensor w = nets.get(network).get(module + ".weight");
                Close.assertClose(network + " " + module, b.weight(module, w).toFloatArray(), a.weight(module, w).toFloatArray(), 1e-6, 1e-6);
            }
        }
    }

    @Test
    void mergingIntoFloat16WeightsKeepsFloat16AndTheBaseUnchanged() throws Exception {
        Map<String, Tensor> unet = Refdata.weights("unet-sd15-tiny");
        String module = "mid_block.resnets.0.conv1";
        Tensor w32 = unet.get(module + ".weight");
        Tensor w16 = Tensor.of(DType.FLOAT16, w32.shape(), java.lang.foreign.MemorySegment.ofArray(toHalf(w32.toFloatArray())));
        float[] before = w16.toFloatArray();
        Map<String, Tensor> half = new java.util.HashMap<>(unet);
        half.put(module + ".weight", w16);
        var lora = LoraAdapter.read(Refdata.file("lora-kohya-tiny", "lora.safetensors"), "kohya");
        NetworkPatch merged = AdapterStack.empty().with(lora, AdapterStrength.of(1f)).bind(Map.of(Networks.UNET, half), ApplyMode.MERGED)
                .patch(Networks.UNET);
        Tensor m = merged.weight(module, w16);
        assertEquals(DType.FLOAT16, m.dtype());
        float[] d = merged.patches(module).getFirst().weightDelta().toFloatArray();
        float[] got = m.toFloatArray();
        for (int i = 0; i < d.length; i++) assertEquals(Float.float16ToFloat(Float.floatToFloat16(before[i] + d[i])), got[i], 0f);
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, w16.toFloatArray(), "the base weight is not written");
        NetworkPatch runtime = AdapterStack.empty().with(lora, AdapterStrength.of(1f)).bind(Map.of(Networks.UNET, half), ApplyMode.RUNTIME)
                .patch(Networks.UNET);
        assertSame(w16, runtime.weight(module, w16), "at run time the layer keeps its base weight");
    }

    private static short[] toHalf(float[] v) {
        short[] h = new short[v.length];
        for (int i = 0; i < v.length; i++) h[i] = Float.floatToFloat16(v[i]);
        return h;
    }
}

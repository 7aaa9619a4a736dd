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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    @TempDir
    Path tmp;

    /**
     * A Tucker (CP) LoHa of a 3x3 convolution: each factor is LyCORIS's
     * einsum("i j k l, j r, i p -> p r k l", t, w_b, w_a), here summed out loop by loop.
     */
    @Test
    void tuckerLohaDeltaFollowsLycorisContraction() throws Exception {
        java.util.Random rnd = new java.util.Random(7);
        int out = 5, in = 4, r = 3, kk = 9;
        float[][] t = new float[2][r * r * kk];
        float[][] a = new float[2][r * out];
        float[][] bb = new float[2][r * in];
        Map<String, Tensor> file = new java.util.LinkedHashMap<>();
        for (int f = 0; f < 2; f++) {
            for (float[] v : new float[][]{t[f], a[f], bb[f]}) for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
            String n = "lora_unet_conv.hada_";
            file.put(n + "t" + (f + 1), Tensor.wrap(t[f], r, r, 3, 3));
            file.put(n + "w" + (f + 1) + "_a", Tensor.wrap(a[f], r, out));
            file.put(n + "w" + (f + 1) + "_b", Tensor.wrap(bb[f], r, in));
        }
        file.put("lora_unet_conv.alpha", Tensor.wrap(new float[]{1.5f}, 1));
        Path p = tmp.resolve("tucker_loha.safetensors");
        jdiffusion.core.io.SafetensorsWriter.write(p, file, Map.of());
        Map<String, Tensor> base = Map.of("conv.weight", Tensor.zeros(out, in, 3, 3));
        float[] delta = LoraAdapter.read(p, "kohya").bind(Map.of(Networks.UNET, base), AdapterStrength.of(1f))
                .layers().get(Networks.UNET).get("conv").weightDelta().toFloatArray();
        double scale = 1.5 / r;
        for (int po = 0; po < out; po++) {
            for (int q = 0; q < in; q++) {
                for (int s = 0; s < kk; s++) {
                    double[] m = new double[2];
                    for (int f = 0; f < 2; f++) {
                        for (int i = 0; i < r; i++) {
                            for (int j = 0; j < r; j++) m[f] += (double) t[f][(i * r + j) * kk + s] * bb[f][j * in + q] * a[f][i * out + po];
                        }
                    }
                    double expected = m[0] * m[1] * scale;
                    assertEquals(expected, delta[(po * in + q) * kk + s], 1e-5 * (1 + Math.abs(expected)));
                }
            }
        }
    }
}

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
import jdiffusion.core.adapter.LayerPatch;
import jdiffusion.core.adapter.Networks;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DoRA in both orientations. PEFT's (per output row): the merged weight's rows have exactly the learned
 * magnitudes as norms, whatever the strength; the kohya file with an [out, 1] dora_scale is the same
 * adapter. The A1111/LyCORIS orientation (per input column, [1, in]) is not in the reference data: a file
 * built here with known column magnitudes checks it.
 */
class DoraTest {

    private static final String FOLDER = "dora-tiny";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "strength {0}")
    @ValueSource(floats = {1f, 0.5f})
    void peftMergedRowsHaveTheLearnedMagnitudes(float strength) throws Exception {
        Map<String, Tensor> unet = Refdata.weights("unet-sd15-tiny");
        Path file = Refdata.file(FOLDER, "pytorch_lora_weights.safetensors");
        AdapterBinding b = LoraAdapter.read(file, "diffusers").bind(Map.of(Networks.UNET, unet), AdapterStrength.of(strength));
        assertEquals(18, b.layerCount());
        SafetensorsFile f = SafetensorsFile.open(file);
        for (var layer : b.layers().get(Networks.UNET).entrySet()) {
            float[] m = f.get("unet." + layer.getKey() + ".lora_magnitude_vector").toFloatArray();
            Tensor w = unet.get(layer.getKey() + ".weight");
            float[] merged = add(w.toFloatArray(), layer.getValue().weightDelta().toFloatArray());
            int rest = merged.length / m.length;
            for (int o = 0; o < m.length; o++) {
                double ss = 0;
                for (int j = 0; j < rest; j++) ss += (double) merged[o * rest + j] * merged[o * rest + j];
                assertEquals(m[o], Math.sqrt(ss), 1e-5 * Math.abs(m[o]), layer.getKey() + " row " + o);
            }
        }
    }

    @ParameterizedTest(name = "strength {0}")
    @ValueSource(floats = {1f, 0.5f})
    void kohyaOutputAxisFileIsThePeftAdapter(float strength) throws Exception {
        Map<String, Tensor> unet = Refdata.weights("unet-sd15-tiny");
        AdapterBinding peft = LoraAdapter.read(Refdata.file(FOLDER, "pytorch_lora_weights.safetensors"), "diffusers")
                .bind(Map.of(Networks.UNET, unet), AdapterStrength.of(strength));
        AdapterBinding kohya = LoraAdapter.read(Refdata.file(FOLDER, "dora_kohya_outdim.safetensors"), "kohya")
                .bind(Map.of(Networks.UNET, unet), AdapterStrength.of(strength));
        assertSameDeltas(peft, kohya);
    }

    /**
     * diffusers' convert_state_dict_to_kohya mangles the magnitude keys
     * ({@code lora_unet_down_blocks_0_attentions_0.proj_in.lora_magnitude_vector}) and writes alpha = r:
     * the file is still the DoRA adapter, at scale 1, like the PEFT file without its metadata.
     */
    @Test
    void diffusersKohyaConversionKeepsTheMagnitudesAtScaleOne() throws Exception {
        Map<String, Tensor> unet = Refdata.weights("unet-sd15-tiny");
        SafetensorsFile f = SafetensorsFile.open(Refdata.file(FOLDER, "pytorch_lora_weights.safetensors"));
        Path bare = tmp.resolve("no_metadata.safetensors");
        jdiffusion.core.io.SafetensorsWriter.write(bare, f.tensors(), Map.of());
        AdapterBinding peft = LoraAdapter.read(bare, "diffusers").bind(Map.of(Networks.UNET, unet), AdapterStrength.of(1f));
        AdapterBinding converted = LoraAdapter.read(Refdata.file(FOLDER, "kohya_converted_by_diffusers.safetensors"), "kohya")
                .bind(Map.of(Networks.UNET, unet), AdapterStrength.of(1f));
        assertTrue(converted.unmatchedKeys().isEmpty(), () -> "unmatched " + converted.unmatchedKeys());
        assertSameDeltas(peft, converted);
    }

    /**
     * An input-axis file (dora_scale [1, in(, 1, 1)]) whose magnitudes are k_j times the column norms of
     * V = W + s up@down: the decomposed weight is V with column j scaled by k_j, blended with W by the strength.
     */
    @ParameterizedTest(name = "strength {0}")
    @ValueSource(floats = {1f, 0.6f})
    void inputAxisMagnitudesScaleTheColumns(float strength) throws Exception {
        Map<String, Tensor> unet = Refdata.weights("unet-sd15-tiny");
        SafetensorsFile src = SafetensorsFile.open(Refdata.file(FOLDER, "dora_kohya_outdim.safetensors"));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, float[]> expectedV = new LinkedHashMap<>();
        Map<String, float[]> factor = new LinkedHashMap<>();
        for (var e : src.tensors().entrySet()) {
            if (!e.getKey().endsWith(".dora_scale")) {
                tensors.put(e.getKey(), e.getValue());
                continue;
            }
            String name = e.getKey().substring(0, e.getKey().length() - ".dora_scale".length());
            String module = Refdata.keyMapping(FOLDER, "kohya", "key_mapping").get(name);
            Tensor w = unet.get(module + ".weight");
            int[] ws = w.shape();
            Tensor up = src.get(name + ".lora_up.weight");
            Tensor down = src.get(name + ".lora_down.weight");
            double s = src.get(name + ".alpha").getFloat(0) / down.dim(0);
            int out = ws[0];
            int in = ws[1];
            int inner = (int) (w.numel() / out / in);
            int r = down.dim(0);
            float[] wv = w.toFloatArray();
            float[] uv = up.toFloatArray();
            float[] dv = down.toFloatArray();
            float[] v = new float[wv.length];
            for (int o = 0; o < out; o++) {
                for (int c = 0; c < in * inner; c++) {
                    double acc = 0;
                    for (int k = 0; k < r; k++) acc += (double) uv[o * r + k] * dv[k * in * inner + c];
                    v[o * in * inner + c] = (float) (wv[o * in * inner + c] + s * acc);
                }
            }
            float[] k = new float[in];
            float[] mag = new float[in];
            for (int c = 0; c < in; c++) {
                double ss = 0;
                for (int o = 0; o < out; o++) for (int q = 0; q < inner; q++) ss += (double) v[(o * in + c) * inner + q] * v[(o * in + c) * inner + q];
                k[c] = 0.7f + 0.05f * (c % 11);
                mag[c] = (float) (k[c] * Math.sqrt(ss));
            }
            tensors.put(e.getKey(), Tensor.wrap(mag, ws.length == 4 ? new int[]{1, in, 1, 1} : new int[]{1, in}));
            expectedV.put(module, v);
            factor.put(module, k);
        }
        Path file = tmp.resolve("dora_indim.safetensors");
        jdiffusion.core.io.SafetensorsWriter.write(file, tensors, Map.of());
        AdapterBinding b = LoraAdapter.read(file, "kohya").bind(Map.of(Networks.UNET, unet), AdapterStrength.of(strength));
        assertEquals(18, b.layerCount());
        for (var e : expectedV.entrySet()) {
            float[] w = unet.get(e.getKey() + ".weight").toFloatArray();
            int[] ws = unet.get(e.getKey() + ".weight").shape();
            int in = ws[1];
            int inner = w.length / ws[0] / in;
            float[] k = factor.get(e.getKey());
            float[] expected = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                int c = (i / inner) % in;
                expected[i] = (float) (strength * (k[c] * (double) e.getValue()[i] - w[i]));
            }
            LayerPatch p = b.layers().get(Networks.UNET).get(e.getKey());
            Close.assertClose(e.getKey(), expected, p.weightDelta().toFloatArray(), 1e-5, 1e-5);
        }
    }

    private static void assertSameDeltas(AdapterBinding a, AdapterBinding b) {
        assertEquals(a.layerCount(), b.layerCount());
        for (var e : a.layers().get(Networks.UNET).entrySet()) {
            LayerPatch other = b.layers().get(Networks.UNET).get(e.getKey());
            Close.assertClose(e.getKey(), e.getValue().weightDelta().toFloatArray(), other.weightDelta().toFloatArray(), 1e-6, 1e-6);
        }
    }

    private static float[] add(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i] + b[i];
        return out;
    }
}

package jdiffusion.adapters.lora;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import jdiffusion.adapters.lora.internal.LoraAdapter;
import jdiffusion.core.adapter.AdapterBinding;
import jdiffusion.core.adapter.AdapterStrength;
import jdiffusion.core.adapter.LayerPatch;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.io.SafetensorsWriter;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Merged and run-time application agree for every kind of change, on a Linear layer and on a 3x3
 * convolution with stride 2 and padding 1: the run-time output change (LoRA and DoRA through their factors,
 * a Tucker LoCon through down 1x1, core kxk and up 1x1 convolutions) equals the layer run with W + dW minus
 * the layer run with W. For the Tucker LoCon this checks the core contraction's index order against the
 * convolution chain that defines it.
 */
class RuntimeVsMergedTest {

    private static final Backend BE = TinyModels.BACKEND;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lora", "locon_tucker", "loha", "loha_tucker", "lokr", "lokr_full_w2", "dora_out", "dora_in", "diff"})
    void runTimeOutputChangeEqualsTheMergedWeightsChange(String kind) throws Exception {
        Random rnd = new Random(kind.hashCode());
        int out = 8, in = 6, k = 3, r = 3;
        Map<String, Tensor> base = new LinkedHashMap<>();
        base.put("lin.weight", random(rnd, 1, out, in));
        base.put("lin.bias", random(rnd, 1, out));
        base.put("conv.weight", random(rnd, 1, out, in, k, k));
        base.put("conv.bias", random(rnd, 1, out));
        Map<String, Tensor> file = new LinkedHashMap<>();
        for (String layer : new String[]{"lin", "conv"}) {
            boolean conv = layer.equals("conv");
            String p = "lora_unet_" + layer;
            int rest = conv ? in * k * k : in;
            switch (kind) {
                case "lora", "dora_out", "dora_in" -> {
                    file.put(p + ".lora_down.weight", conv ? random(rnd, 1, r, in, k, k) : random(rnd, 1, r, in));
                    file.put(p + ".lora_up.weight", conv ? random(rnd, 1, out, r, 1, 1) : random(rnd, 1, out, r));
                    file.put(p + ".alpha", Tensor.wrap(new float[]{2f}, 1));
                    if (kind.equals("dora_out")) file.put(p + ".dora_scale", positive(rnd, conv ? new int[]{out, 1, 1, 1} : new int[]{out, 1}));
                    if (kind.equals("dora_in")) file.put(p + ".dora_scale", positive(rnd, conv ? new int[]{1, in, 1, 1} : new int[]{1, in}));
                }
                case "locon_tucker" -> {
                    if (!conv) continue;
                    file.put(p + ".lora_down.weight", random(rnd, 1, r, in, 1, 1));
                    file.put(p + ".lora_mid.weight", random(rnd, 1, r, r, k, k));
                    file.put(p + ".lora_up.weight", random(rnd, 1, out, r, 1, 1));
                    file.put(p + ".alpha", Tensor.wrap(new float[]{1.5f}, 1));
                }
                case "loha" -> {
                    file.put(p + ".hada_w1_a", random(rnd, 1, out, r));
                    file.put(p + ".hada_w1_b", random(rnd, 1, r, rest));
                    file.put(p + ".hada_w2_a", random(rnd, 1, out, r));
                    file.put(p + ".hada_w2_b", random(rnd, 1, r, rest));
                    file.put(p + ".alpha", Tensor.wrap(new float[]{2f}, 1));
                }
                case "loha_tucker" -> {
                    if (!conv) continue;
                    file.put(p + ".hada_w1_a", random(rnd, 1, r, out));
                    file.put(p + ".hada_w1_b", random(rnd, 1, r, in));
                    file.put(p + ".hada_t1", random(rnd, 1, r, r, k, k));
                    file.put(p + ".hada_w2_a", random(rnd, 1, r, out));
                    file.put(p + ".hada_w2_b", random(rnd, 1, r, in));
                    file.put(p + ".hada_t2", random(rnd, 1, r, r, k, k));
                }
                case "lokr" -> {
                    file.put(p + ".lokr_w1", random(rnd, 1, 2, 2));
                    file.put(p + ".lokr_w2_a", random(rnd, 1, out / 2, r));
                    file.put(p + ".lokr_w2_b", random(rnd, 1, r, rest / 2));
                    file.put(p + ".alpha", Tensor.wrap(new float[]{6f}, 1));
                }
                case "lokr_full_w2" -> {
                    file.put(p + ".lokr_w1_a", random(rnd, 1, 2, 1));
                    file.put(p + ".lokr_w1_b", random(rnd, 1, 1, 2));
                    file.put(p + ".lokr_w2", conv ? random(rnd, 1, out / 2, in / 2, k, k) : random(rnd, 1, out / 2, in / 2));
                }
                case "diff" -> {
                    file.put(p + ".diff", conv ? random(rnd, 0.1, out, in, k, k) : random(rnd, 0.1, out, in));
                    file.put(p + ".diff_b", random(rnd, 0.1, out));
                }
                default -> throw new IllegalArgumentException(kind);
            }
        }
        Path f = tmp.resolve(kind + ".safetensors");
        SafetensorsWriter.write(f, file, Map.of());
        AdapterBinding b = LoraAdapter.read(f, "kohya").bind(Map.of("unet", base), AdapterStrength.of(0.7f));
        for (var e : b.layers().get("unet").entrySet()) {
            boolean conv = e.getKey().equals("conv");
            LayerPatch p = e.getValue();
            Tensor w = base.get(e.getKey() + ".weight");
            Tensor bias = base.get(e.getKey() + ".bias");
            Tensor x = conv ? random(rnd, 1, 2, in, 9, 7) : random(rnd, 1, 2, 5, in);
            Conv2dParams g = conv ? Conv2dParams.of(2, 1) : null;
            Tensor y = conv ? BE.conv2d(x, w, bias, g) : BE.linear(x, w, bias);
            Tensor merged = add(w, p.weightDelta());
            Tensor mergedBias = p.biasDelta() == null ? bias : add(bias, p.biasDelta());
            Tensor ym = conv ? BE.conv2d(x, merged, mergedBias, g) : BE.linear(x, merged, mergedBias);
            float[] expected = BE.toHost(BE.sub(ym, y)).toFloatArray();
            float[] actual = BE.toHost(p.outputDelta(BE, x, y, g)).toFloatArray();
            double err = Close.assertClose(kind + " " + e.getKey(), expected, actual, 2e-5, 1e-4);
            assertTrue(Close.absMax(expected) > 0.01, kind + " " + e.getKey() + " changes the output");
            assertTrue(err < 1e-4);
        }
        assertTrue(!b.layers().get("unet").isEmpty());
    }

    private static Tensor add(Tensor a, Tensor b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        for (int i = 0; i < x.length; i++) x[i] += y[i];
        return Tensor.wrap(x, a.shape());
    }

    private static Tensor random(Random rnd, double scale, int... shape) {
        float[] v = new float[(int) Tensor.count(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * scale);
        return Tensor.wrap(v, shape);
    }

    private static Tensor positive(Random rnd, int... shape) {
        float[] v = new float[(int) Tensor.count(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (1 + rnd.nextDouble() * 3);
        return Tensor.wrap(v, shape);
    }
}

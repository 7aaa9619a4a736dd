package jdiffusion.models.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.core.Config;
import jdiffusion.core.io.SafetensorsWriter;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.core.text.TextEncoding;
import jdiffusion.models.clip.ClipTextModel;
import jdiffusion.models.conformance.Comparison;
import jdiffusion.models.conformance.ReferenceFiles;
import jdiffusion.models.conformance.ReferenceIo;
import jdiffusion.models.testing.RefModels;
import jdiffusion.models.weights.SafetensorsWeights;
import jdiffusion.models.weights.WeightSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text encoders inside single-file checkpoints: OpenAI CLIP under {@code cond_stage_model.transformer.} /
 * {@code conditioner.embedders.0.transformer.} and OpenCLIP (fused q/k/v, [hidden, projection] projection)
 * under {@code conditioner.embedders.1.model.} / {@code cond_stage_model.model.}, built here from the
 * transformers-format reference models the way OpenCLIP stores them.
 */
class SingleFileTextEncoderTest {

    private static WeightSource weights(String model) throws IOException {
        return SafetensorsWeights.open(ReferenceFiles.resolve(RefModels.dir(model), "weights.safetensors"));
    }

    private static Tensor rows(Tensor... parts) {
        int cols = parts[0].rank() == 2 ? parts[0].dim(1) : 1;
        int rows = 0;
        for (Tensor p : parts) rows += p.dim(0);
        float[] out = new float[rows * cols];
        int at = 0;
        for (Tensor p : parts) {
            float[] v = p.toFloatArray();
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        return parts[0].rank() == 2 ? Tensor.wrap(out, rows, cols) : Tensor.wrap(out, rows);
    }

    private static Tensor transpose(Tensor t) {
        int r = t.dim(0), c = t.dim(1);
        float[] v = t.toFloatArray();
        float[] o = new float[v.length];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) o[j * r + i] = v[i * c + j];
        return Tensor.wrap(o, c, r);
    }

    /** OpenCLIP's names for a transformers CLIP text model. */
    private static void putOpenClip(Map<String, Tensor> out, String prefix, WeightSource w, int layers) {
        String t = "text_model.";
        out.put(prefix + "positional_embedding", w.tensor(t + "embeddings.position_embedding.weight"));
        out.put(prefix + "token_embedding.weight", w.tensor(t + "embeddings.token_embedding.weight"));
        out.put(prefix + "ln_final.weight", w.tensor(t + "final_layer_norm.weight"));
        out.put(prefix + "ln_final.bias", w.tensor(t + "final_layer_norm.bias"));
        out.put(prefix + "text_projection", transpose(w.tensor("text_projection.weight")));
        for (int i = 0; i < layers; i++) {
            String l = t + "encoder.layers." + i + ".";
            String r = prefix + "transformer.resblocks." + i + ".";
            out.put(r + "ln_1.weight", w.tensor(l + "layer_norm1.weight"));
            out.put(r + "ln_1.bias", w.tensor(l + "layer_norm1.bias"));
            out.put(r + "ln_2.weight", w.tensor(l + "layer_norm2.weight"));
            out.put(r + "ln_2.bias", w.tensor(l + "layer_norm2.bias"));
            out.put(r + "mlp.c_fc.weight", w.tensor(l + "mlp.fc1.weight"));
            out.put(r + "mlp.c_fc.bias", w.tensor(l + "mlp.fc1.bias"));
            out.put(r + "mlp.c_proj.weight", w.tensor(l + "mlp.fc2.weight"));
            out.put(r + "mlp.c_proj.bias", w.tensor(l + "mlp.fc2.bias"));
            out.put(r + "attn.out_proj.weight", w.tensor(l + "self_attn.out_proj.weight"));
            out.put(r + "attn.out_proj.bias", w.tensor(l + "self_attn.out_proj.bias"));
            out.put(r + "attn.in_proj_weight", rows(w.tensor(l + "self_attn.q_proj.weight"), w.tensor(l + "self_attn.k_proj.weight"),
                    w.tensor(l + "self_attn.v_proj.weight")));
            out.put(r + "attn.in_proj_bias", rows(w.tensor(l + "self_attn.q_proj.bias"), w.tensor(l + "self_attn.k_proj.bias"),
                    w.tensor(l + "self_attn.v_proj.bias")));
        }
    }

    private static int[][] ids(ReferenceIo io) {
        Tensor t = io.raw("input_ids");
        int[][] w = new int[t.dim(0)][t.dim(1)];
        for (int b = 0; b < w.length; b++) for (int i = 0; i < w[b].length; i++) w[b][i] = (int) t.getLong((long) b * w[b].length + i);
        return w;
    }

    private static void close(String name, Tensor got, Tensor ref) {
        Comparison c = Comparison.of(name, RefModels.backend().toHost(got), ref, 2e-5, 0);
        assertTrue(c.withinTolerance(), c.problem());
    }

    @Test
    void sdxlCheckpointsHoldClipLAndOpenClipBigG(@TempDir Path tmp) throws IOException {
        WeightSource l = weights("clip-text-sd15-tiny");
        WeightSource g = weights("clip-text-sdxl-g-tiny");
        Map<String, Tensor> file = new LinkedHashMap<>();
        for (String k : l.names()) file.put("conditioner.embedders.0.transformer." + k, l.tensor(k));
        putOpenClip(file, "conditioner.embedders.1.model.", g, 3);
        Path p = tmp.resolve("sdxl.safetensors");
        SafetensorsWriter.write(p, file, Map.of());
        SingleFileCheckpoint ckpt = SingleFileCheckpoint.open(p);

        ClipTextModel first = ckpt.textEncoder(Components.readConfig(ReferenceFiles.resolve(RefModels.dir("clip-text-sd15-tiny"), "config.json")),
                RefModels.backend());
        ReferenceIo lio = ReferenceIo.open(RefModels.dir("clip-text-sd15-tiny"));
        TextEncoding le = first.encode(ids(lio), 1);
        close("clip-l last_hidden_state", le.lastHiddenState(), lio.get("last_hidden_state"));
        close("clip-l penultimate", le.selectedHiddenState(), lio.get("penultimate_hidden_state"));

        // inferred config: OpenCLIP's gelu, width, depth and the projection from the shapes (heads: 64-wide)
        ClipTextModel second = ckpt.textEncoder2(null, RefModels.backend());
        assertEquals(16, second.hiddenSize());
        assertEquals(32, second.projectionDim());
        assertEquals(3, second.layers());
        assertEquals("gelu", second.config().hiddenAct());
        assertEquals(64, second.config().intermediateSize());
        ReferenceIo gio = ReferenceIo.open(RefModels.dir("clip-text-sdxl-g-tiny"));
        Config gConfig = Components.readConfig(ReferenceFiles.resolve(RefModels.dir("clip-text-sdxl-g-tiny"), "config.json"));
        TextEncoding ge = ckpt.textEncoder2(gConfig, RefModels.backend()).encode(ids(gio), 1);
        close("bigG penultimate", ge.selectedHiddenState(), gio.get("penultimate_hidden_state"));
        close("bigG text_embeds", ge.textEmbeds(), gio.get("text_embeds"));
    }

    @Test
    void sd2CheckpointsDropOpenClipsLastBlockAndProjection(@TempDir Path tmp) throws IOException {
        WeightSource g = weights("clip-text-sdxl-g-tiny");
        Map<String, Tensor> file = new LinkedHashMap<>();
        putOpenClip(file, "cond_stage_model.model.", g, 3);
        Path p = tmp.resolve("sd2.safetensors");
        SafetensorsWriter.write(p, file, Map.of());
        Config sd2 = Components.readConfig(ReferenceFiles.resolve(RefModels.dir("clip-text-sdxl-g-tiny"), "config.json"))
                .with("num_hidden_layers", 2L).with("architectures", java.util.List.of("CLIPTextModel"));
        ClipTextModel te = SingleFileCheckpoint.open(p).textEncoder(sd2, RefModels.backend());
        assertEquals(2, te.layers(), "diffusers' SD 2.x text encoder stops one block early");
        ReferenceIo io = ReferenceIo.open(RefModels.dir("clip-text-sdxl-g-tiny"));
        TextEncoding e = te.encode(ids(io), 0);
        assertNull(e.textEmbeds());
        close("last_hidden_state = final LN of the full model's penultimate state", e.lastHiddenState(),
                io.get("penultimate_final_layer_norm"));
        assertArrayEquals(new int[]{2, 77, 16}, e.lastHiddenState().shape());
    }
}

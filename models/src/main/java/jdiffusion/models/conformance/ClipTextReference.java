package jdiffusion.models.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.core.text.TextEncoding;
import jdiffusion.models.clip.ClipTextModel;

/**
 * A CLIP text model's reference call {@code model(input_ids, output_hidden_states=True)}: one case per
 * output (last hidden state, every hidden state, the penultimate one with and without the final layer
 * norm, the pooled output and the projection).
 */
final class ClipTextReference {

    private ClipTextReference() {
    }

    static List<ConformanceCase> cases(Memo<ClipTextModel> model, Supplier<Backend> backend, Memo<ReferenceIo> io) {
        Memo<TextEncoding> enc = new Memo<>(() -> {
            Tensor ids = io.get().raw("input_ids");
            int b = ids.dim(0), l = ids.dim(1);
            int[][] windows = new int[b][l];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < l; j++) windows[i][j] = Math.toIntExact(ids.getLong((long) i * l + j));
            }
            return model.get().encode(windows, 1);
        });
        double atol = ModelConformanceSuite.TEXT_ATOL;
        double rtol = 0;
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(new ComparisonCase("last_hidden_state", () -> List.of(
                Comparison.of("last_hidden_state", backend.get().toHost(enc.get().lastHiddenState()), io.get().get("last_hidden_state"), atol, rtol))));
        cases.add(new ComparisonCase("hidden_states", () -> {
            List<Comparison> out = new ArrayList<>();
            List<Tensor> hs = enc.get().hiddenStates();
            for (int i = 0; io.get().has("hidden_states." + i); i++) {
                if (i >= hs.size()) throw new IllegalStateException("reference has hidden_states." + i + ", the model " + hs.size() + " states");
                out.add(Comparison.of("hidden_states." + i, backend.get().toHost(hs.get(i)), io.get().get("hidden_states." + i), atol, rtol));
            }
            return out;
        }));
        cases.add(new ComparisonCase("penultimate_hidden_state", () -> List.of(
                Comparison.of("penultimate_hidden_state", backend.get().toHost(enc.get().selectedHiddenState()),
                        io.get().get("penultimate_hidden_state"), atol, rtol))));
        cases.add(new ComparisonCase("penultimate_final_layer_norm", () -> List.of(
                Comparison.of("penultimate_final_layer_norm",
                        backend.get().toHost(model.get().finalLayerNorm(enc.get().hiddenStateFromEnd(2))),
                        io.get().get("penultimate_final_layer_norm"), atol, rtol))));
        cases.add(new ComparisonCase("pooled_output", () -> List.of(
                Comparison.of("pooled_output", backend.get().toHost(enc.get().pooled()), io.get().get("pooled_output"), atol, rtol))));
        cases.add(new ComparisonCase("text_embeds", () -> {
            if (!io.get().has("text_embeds")) {
                if (enc.get().textEmbeds() != null) throw new IllegalStateException("model projects, but the reference has no text_embeds");
                return List.of();
            }
            if (enc.get().textEmbeds() == null) throw new IllegalStateException("reference has text_embeds, the model no projection");
            return List.of(Comparison.of("text_embeds", backend.get().toHost(enc.get().textEmbeds()), io.get().get("text_embeds"), atol, rtol));
        }));
        return cases;
    }
}

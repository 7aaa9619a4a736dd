package jdiffusion.models.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.models.nn.Trace;
import jdiffusion.models.unet.UNet2DConditionModel;

/** Runs a UNet reference case (inputs {@code <prefix>in.*}) and compares output and recorded activations. */
final class UNetReference {

    private UNetReference() {
    }

    /**
     * The comparisons of one call: {@code <prefix>in.sample}, {@code in.timestep},
     * {@code in.encoder_hidden_states} (and SDXL's {@code in.added_cond_kwargs.*}) against {@code outName}, plus
     * every {@code <prefix>act.*} activation; {@code residualPrefix} names ControlNet residual inputs or is null.
     */
    static List<Comparison> run(Memo<UNet2DConditionModel> model, Backend be, ReferenceIo io, String prefix,
                                String outName, String residualPrefix, double atol, double rtol) throws Exception {
        UNet2DConditionModel unet = model.get();
        Tensor sample = be.fromHost(io.get(prefix + "in.sample"));
        float[] t = io.get(prefix + "in.timestep").toFloatArray();
        Tensor ehs = be.fromHost(io.get(prefix + "in.encoder_hidden_states"));
        Tensor textEmbeds = io.has(prefix + "in.added_cond_kwargs.text_embeds") ? be.fromHost(io.get(prefix + "in.added_cond_kwargs.text_embeds")) : null;
        Tensor timeIds = io.has(prefix + "in.added_cond_kwargs.time_ids") ? be.fromHost(io.get(prefix + "in.added_cond_kwargs.time_ids")) : null;
        List<Tensor> down = new ArrayList<>();
        Tensor mid = null;
        if (residualPrefix != null) {
            for (int i = 0; io.has(residualPrefix + "down_block_res_samples." + i); i++) {
                down.add(be.fromHost(io.get(residualPrefix + "down_block_res_samples." + i)));
            }
            mid = be.fromHost(io.get(residualPrefix + "mid_block_res_sample"));
        }
        List<String> acts = io.namesWithPrefix(prefix + "act.");
        Trace trace = acts.isEmpty() ? Trace.NONE : Trace.recording();
        Tensor out = unet.forward(sample, t, new Conditioning(ehs, textEmbeds, timeIds, down, mid), trace);
        List<Comparison> results = new ArrayList<>();
        results.add(Comparison.of(outName, be.toHost(out), io.get(outName), atol, rtol));
        Map<String, Tensor> traced = trace.activations();
        for (String a : acts) {
            String path = a.substring((prefix + "act.").length());
            Tensor got = traced.get(path);
            if (got == null) throw new IllegalStateException("activation " + path + " was not recorded");
            results.add(Comparison.of(a, be.toHost(got), io.get(a), atol, rtol));
        }
        return results;
    }
}

package jdiffusion.core.pipeline;

import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.model.Conditioning;
import jdiffusion.core.model.StableDiffusionModel;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.core.text.TextEncoder;
import jdiffusion.core.text.TextEncoding;
import jdiffusion.core.text.Tokenizer;

/**
 * Turns a prompt and a negative prompt into the UNet's conditioning for a batch, as diffusers'
 * {@code encode_prompt} does: one token window per text (truncated to the encoder's length), the
 * embeddings repeated for every image, and for classifier-free guidance the batch laid out as
 * {@code [negative x batch, positive x batch]}. As in diffusers, clip skip applies to the prompt only; the
 * negative prompt is always encoded at the default layer.
 *
 * <ul>
 *   <li>SD 1.x/2.x: the text encoder's final-layer-normed states ({@code clip_skip} layers from the end).</li>
 *   <li>SDXL: both encoders' states before the final layer norm, penultimate layer by default, concatenated
 *       on the last axis; the second encoder's projected pooled embedding; size/crop ids
 *       {@code [orig_h, orig_w, crop_top, crop_left, target_h, target_w]}. With no negative prompt and
 *       {@code force_zeros_for_empty_prompt} the negative embeddings are zeros.</li>
 * </ul>
 */
final class PromptConditioner {

    private PromptConditioner() {
    }

    /** Text embeddings of one text: per-token states [tokens * dim] and the pooled vector (SDXL) or null. */
    private record Encoded(float[] states, int tokens, int dim, float[] pooled) {
    }

    static Conditioning condition(StableDiffusionModel model, Backend backend, String prompt, String negativePrompt,
                                  int batch, boolean guidance, int clipSkip, boolean forceZerosForEmptyPrompt,
                                  int[] timeIds) {
        boolean sdxl = isSdxl(model);
        Encoded positive;
        Encoded negative = null;
        String neg = negativePrompt == null ? "" : negativePrompt;
        if (sdxl) {
            boolean zeros = guidance && negativePrompt == null && forceZerosForEmptyPrompt;
            positive = encodeSdxl(model, backend, new String[]{prompt}, clipSkip)[0];
            if (guidance) {
                negative = zeros ? new Encoded(new float[positive.states.length], positive.tokens, positive.dim,
                        new float[positive.pooled.length]) : encodeSdxl(model, backend, new String[]{neg}, 0)[0];
            }
        } else {
            if (guidance && clipSkip == 0) {
                Encoded[] pair = encodeSingle(model, backend, new String[]{neg, prompt}, 0);
                negative = pair[0];
                positive = pair[1];
            } else {
                positive = encodeSingle(model, backend, new String[]{prompt}, clipSkip)[0];
                negative = guidance ? encodeSingle(model, backend, new String[]{neg}, 0)[0] : null;
            }
        }
        int rows = guidance ? 2 * batch : batch;
        int tokens = positive.tokens, dim = positive.dim;
        if (negative != null && negative.tokens != tokens) {
            throw new IllegalStateException("negative and positive prompt embeddings differ in length: " + negative.tokens + " vs " + tokens);
        }
        float[] states = new float[rows * tokens * dim];
        float[] pooled = positive.pooled == null ? null : new float[rows * positive.pooled.length];
        for (int r = 0; r < rows; r++) {
            Encoded e = guidance && r < batch ? negative : positive;
            System.arraycopy(e.states, 0, states, r * tokens * dim, tokens * dim);
            if (pooled != null) System.arraycopy(e.pooled, 0, pooled, r * e.pooled.length, e.pooled.length);
        }
        Tensor hidden = backend.fromHost(Tensor.wrap(states, rows, tokens, dim));
        if (!sdxl) return Conditioning.text(hidden);
        float[] ids = new float[rows * 6];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < 6; k++) ids[r * 6 + k] = timeIds[k];
        }
        Tensor textEmbeds = backend.fromHost(Tensor.wrap(pooled, rows, positive.pooled.length));
        Tensor time = backend.fromHost(Tensor.wrap(ids, rows, 6));
        return new Conditioning(hidden, textEmbeds, time, List.of(), null);
    }

    static boolean isSdxl(StableDiffusionModel model) {
        return "sdxl".equalsIgnoreCase(model.family()) || model.textEncoders().size() == 2;
    }

    private static int[][] windows(Tokenizer tokenizer, String[] texts) {
        int[][] w = new int[texts.length][];
        for (int i = 0; i < texts.length; i++) w[i] = tokenizer.window(tokenizer.encode(texts[i]));
        return w;
    }

    private static Encoded[] encodeSingle(StableDiffusionModel model, Backend backend, String[] texts, int clipSkip) {
        Tokenizer tok = model.tokenizers().get(0);
        TextEncoder enc = model.textEncoders().get(0);
        TextEncoding out = enc.encode(windows(tok, texts), clipSkip);
        // diffusers' clip_skip: final_layer_norm(hidden_states[-(clip_skip + 1)])
        Tensor states = clipSkip == 0 ? out.lastHiddenState() : enc.finalLayerNorm(out.selectedHiddenState());
        return split(backend.toHost(states), null, texts.length);
    }

    private static Encoded[] encodeSdxl(StableDiffusionModel model, Backend backend, String[] texts, int clipSkip) {
        // SDXL conditions on hidden_states[-(clip_skip + 2)]: the penultimate layer when no layers are skipped.
        TextEncoding a = model.textEncoders().get(0).encode(windows(model.tokenizers().get(0), texts), clipSkip + 1);
        TextEncoding b = model.textEncoders().get(1).encode(windows(model.tokenizers().get(1), texts), clipSkip + 1);
        Encoded[] ea = split(backend.toHost(a.selectedHiddenState()), null, texts.length);
        if (b.textEmbeds() == null) throw new IllegalStateException("SDXL's second text encoder has no projection (text_embeds)");
        Encoded[] eb = split(backend.toHost(b.selectedHiddenState()), backend.toHost(b.textEmbeds()), texts.length);
        Encoded[] out = new Encoded[texts.length];
        for (int i = 0; i < texts.length; i++) {
            if (ea[i].tokens != eb[i].tokens) {
                throw new IllegalStateException("SDXL text encoders disagree on the token count: " + ea[i].tokens + " vs " + eb[i].tokens);
            }
            int tokens = ea[i].tokens, da = ea[i].dim, db = eb[i].dim;
            float[] cat = new float[tokens * (da + db)];
            for (int t = 0; t < tokens; t++) {
                System.arraycopy(ea[i].states, t * da, cat, t * (da + db), da);
                System.arraycopy(eb[i].states, t * db, cat, t * (da + db) + da, db);
            }
            out[i] = new Encoded(cat, tokens, da + db, eb[i].pooled);
        }
        return out;
    }

    private static Encoded[] split(Tensor states, Tensor pooled, int n) {
        if (states.rank() != 3 || states.dim(0) != n) {
            throw new IllegalStateException("text encoder returned " + states + ", expected [" + n + ", tokens, dim]");
        }
        int tokens = states.dim(1), dim = states.dim(2);
        float[] all = states.toFloatArray();
        float[] pooledAll = pooled == null ? null : pooled.toFloatArray();
        int pdim = pooled == null ? 0 : pooled.dim(-1);
        Encoded[] out = new Encoded[n];
        for (int i = 0; i < n; i++) {
            float[] s = java.util.Arrays.copyOfRange(all, i * tokens * dim, (i + 1) * tokens * dim);
            float[] p = pooledAll == null ? null : java.util.Arrays.copyOfRange(pooledAll, i * pdim, (i + 1) * pdim);
            out[i] = new Encoded(s, tokens, dim, p);
        }
        return out;
    }
}

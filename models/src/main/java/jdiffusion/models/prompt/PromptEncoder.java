package jdiffusion.models.prompt;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.core.text.TextEncoder;
import jdiffusion.core.text.TextEncoding;
import jdiffusion.core.text.Tokenizer;

/**
 * Turns a prompt into the embeddings a UNet cross-attends to, with one CLIP text encoder (SD 1.x, 2.x) or
 * two (SDXL, concatenated on the feature axis), in one of two styles:
 * <ul>
 * <li>{@link Style#DIFFUSERS}: the literal text in one 77-token window, truncated after 75 tokens, as
 * diffusers' pipelines encode prompts;</li>
 * <li>{@link Style#A1111} (the default, as in A1111 and ComfyUI): emphasis syntax {@code (word:1.2)},
 * {@code (word)}, {@code [word]} and {@code BREAK}, and prompts of any length in 75-token chunks, each
 * encoded on its own and concatenated; each chunk's hidden states are scaled by their tokens' multipliers
 * and then rescaled to keep the chunk's mean (A1111's "Original" emphasis);</li>
 * <li>{@link Style#COMFYUI}: ComfyUI's syntax ({@code (word:1.2)}, {@code (word)}; square brackets are
 * text), its windows (weighted segments kept whole unless 8 tokens or longer) and its weighting: a
 * weighted token's state is moved away from the empty prompt's state at the same position,
 * {@code z = (z - z_empty) * w + z_empty}.</li>
 * </ul>
 * For a prompt without emphasis syntax that fits in 75 tokens all styles give the same embeddings.
 *
 * <p>Hidden states: with one encoder, the last layer after the final layer norm, or with
 * {@code clipSkip = k > 0} the output of the k-th layer from the end, normalised (diffusers'
 * {@code clip_skip=k}, A1111's "clip skip" k+1). With two (SDXL), each encoder's penultimate layer (k + 1
 * layers from the end) without the final norm; the pooled embedding is the second encoder's projected
 * {@code text_embeds} of the first chunk.
 */
public final class PromptEncoder {

    /** How prompt text becomes token windows. */
    public enum Style {
        /** diffusers: the literal text, one window, truncated. */
        DIFFUSERS,
        /** A1111: emphasis syntax, BREAK and 75-token chunks, mean-preserving emphasis. */
        A1111,
        /** ComfyUI: its emphasis syntax, windows and weighting against the empty prompt. */
        COMFYUI
    }

    /** One text encoder with its tokenizer. */
    public record Clip(Tokenizer tokenizer, TextEncoder encoder, int commaToken) {
    }

    /**
     * A prompt's embeddings: {@code hidden} [1, 77 * chunks, dim] and {@code pooled} [1, projection]
     * (SDXL's text_embeds; the pooled output of the single encoder otherwise).
     */
    public record Embedding(Tensor hidden, Tensor pooled, int chunks) {
    }

    private final Backend backend;
    private final List<Clip> clips;
    private final Style style;
    private final int clipSkip;
    private final int commaBacktrack;

    /**
     * @param clips   one encoder (SD 1.x/2.x) or two (SDXL: CLIP ViT-L, then OpenCLIP ViT-bigG)
     * @param clipSkip layers skipped from the end (0: the last one), diffusers' numbering
     */
    public PromptEncoder(Backend backend, List<Clip> clips, Style style, int clipSkip) {
        if (clips.isEmpty() || clips.size() > 2) throw new IllegalArgumentException("one or two text encoders, got " + clips.size());
        if (clipSkip < 0) throw new IllegalArgumentException("clip skip must be >= 0, got " + clipSkip);
        this.backend = backend;
        this.clips = List.copyOf(clips);
        this.style = style;
        this.clipSkip = clipSkip;
        this.commaBacktrack = 20;
    }

    public Style style() {
        return style;
    }

    /** Encodes one prompt. */
    public Embedding encode(String prompt) {
        List<List<PromptChunk>> perClip = new ArrayList<>();
        for (Clip c : clips) perClip.add(chunks(c, prompt));
        return encodeChunks(perClip);
    }

    /**
     * Encodes a prompt and a negative prompt to the same length, padding the shorter with empty chunks
     * (A1111's {@code pad_cond_uncond}), as classifier-free guidance needs one batch.
     */
    public List<Embedding> encodePair(String prompt, String negative) {
        List<List<PromptChunk>> a = new ArrayList<>();
        List<List<PromptChunk>> b = new ArrayList<>();
        for (Clip c : clips) {
            a.add(new ArrayList<>(chunks(c, prompt)));
            b.add(new ArrayList<>(chunks(c, negative)));
        }
        int n = Math.max(a.get(0).size(), b.get(0).size());
        for (int i = 0; i < clips.size(); i++) {
            PromptChunk empty = style == Style.COMFYUI ? ComfyPrompt.empty(clips.get(i).tokenizer()) : chunker(clips.get(i)).emptyChunk();
            while (a.get(i).size() < n) a.get(i).add(empty);
            while (b.get(i).size() < n) b.get(i).add(empty);
        }
        return List.of(encodeChunks(a), encodeChunks(b));
    }

    private PromptChunker chunker(Clip c) {
        return new PromptChunker(c.tokenizer(), c.commaToken(), commaBacktrack);
    }

    /** The token windows (with multipliers) {@code prompt} becomes for encoder {@code c}. */
    public List<PromptChunk> chunks(Clip c, String prompt) {
        if (style == Style.DIFFUSERS) {
            int[] w = c.tokenizer().window(c.tokenizer().encode(prompt));
            float[] ones = new float[w.length];
            java.util.Arrays.fill(ones, 1f);
            return List.of(new PromptChunk(w, ones));
        }
        if (style == Style.COMFYUI) return ComfyPrompt.chunks(c.tokenizer(), ComfyPrompt.parse(prompt));
        return chunker(c).chunks(PromptAttention.parse(prompt));
    }

    private Embedding encodeChunks(List<List<PromptChunk>> perClip) {
        int chunks = perClip.get(0).size();
        for (List<PromptChunk> l : perClip) {
            if (l.size() != chunks) throw new IllegalStateException("the text encoders' tokenizers chunk the prompt differently");
        }
        List<Tensor> pieces = new ArrayList<>();
        Tensor pooled = null;
        Tensor[] empty = new Tensor[clips.size()];
        for (int k = 0; k < chunks; k++) {
            List<Tensor> features = new ArrayList<>();
            for (int e = 0; e < clips.size(); e++) {
                PromptChunk chunk = perClip.get(e).get(k);
                TextEncoding out = clips.get(e).encoder().encode(new int[][]{chunk.tokens()}, layerSkip());
                Tensor z = states(e, out);
                if (style == Style.A1111 && !chunk.unweighted()) z = emphasize(z, chunk.multipliers());
                if (style == Style.COMFYUI && perClip.get(e).stream().anyMatch(c -> !c.unweighted())) {
                    if (empty[e] == null) {
                        PromptChunk blank = ComfyPrompt.empty(clips.get(e).tokenizer());
                        empty[e] = states(e, clips.get(e).encoder().encode(new int[][]{blank.tokens()}, layerSkip()));
                    }
                    z = weightAgainstEmpty(z, empty[e], chunk.multipliers());
                }
                features.add(z);
                if (k == 0 && e == clips.size() - 1) pooled = out.textEmbeds() != null ? out.textEmbeds() : out.pooled();
            }
            pieces.add(features.size() == 1 ? features.get(0) : backend.concat(2, features.toArray(Tensor[]::new)));
        }
        Tensor hidden = pieces.size() == 1 ? pieces.get(0) : backend.concat(1, pieces.toArray(Tensor[]::new));
        return new Embedding(hidden, pooled, chunks);
    }

    private int layerSkip() {
        return clips.size() == 2 ? clipSkip + 1 : clipSkip;
    }

    /** The hidden states the UNet gets from encoder {@code e}'s output (see the class comment). */
    private Tensor states(int e, TextEncoding out) {
        if (clips.size() == 2) return out.selectedHiddenState();
        return clipSkip == 0 ? out.lastHiddenState() : clips.get(e).encoder().finalLayerNorm(out.selectedHiddenState());
    }

    /** ComfyUI's weighting: {@code z = (z - z_empty) * w + z_empty} for every token whose weight is not 1. */
    private Tensor weightAgainstEmpty(Tensor z, Tensor empty, float[] weights) {
        float[] v = backend.toHost(z).toFloatArray();
        float[] e = backend.toHost(empty).toFloatArray();
        int dim = z.dim(2);
        for (int t = 0; t < weights.length; t++) {
            if (weights[t] == 1f) continue;
            for (int d = 0; d < dim; d++) {
                int i = t * dim + d;
                v[i] = (v[i] - e[i]) * weights[t] + e[i];
            }
        }
        return backend.fromHost(Tensor.wrap(v, z.shape()));
    }

    /**
     * A1111's "Original" emphasis: z [1, 77, dim] times each token's multiplier, then rescaled so that the
     * mean over all of z is what it was.
     */
    private Tensor emphasize(Tensor z, float[] multipliers) {
        Tensor host = backend.toHost(z);
        float[] v = host.toFloatArray();
        int dim = z.dim(2);
        double before = 0;
        for (float x : v) before += x;
        double after = 0;
        for (int t = 0; t < multipliers.length; t++) {
            for (int d = 0; d < dim; d++) {
                int i = t * dim + d;
                v[i] *= multipliers[t];
                after += v[i];
            }
        }
        float ratio = (float) ((before / v.length) / (after / v.length));
        for (int i = 0; i < v.length; i++) v[i] *= ratio;
        return backend.fromHost(Tensor.wrap(v, z.shape()));
    }
}

package jdiffusion.models.clip;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.core.text.TextEncoder;
import jdiffusion.core.text.TextEncoding;
import jdiffusion.models.nn.LayerNorm;
import jdiffusion.models.nn.Linear;
import jdiffusion.models.nn.Params;

/**
 * CLIP's text transformer (Radford et al. 2021) as transformers' {@code CLIPTextModel} and
 * {@code CLIPTextModelWithProjection} compute it: token plus position embeddings; pre-LN layers of causal
 * multi-head self-attention and an MLP (quick GELU or GELU); the final layer norm; the pooled output at the
 * end-of-text position; optionally the bias-free projection ({@code text_embeds}). Thread-safe.
 */
public final class ClipTextModel implements TextEncoder {

    private final ClipTextConfig config;
    private final Backend backend;
    private final Tensor tokenEmbedding;      // [vocab, hidden], host-side rows are gathered
    private final Tensor positionEmbedding;   // [positions, hidden]
    private final List<Layer> layers = new ArrayList<>();
    private final LayerNorm finalLayerNorm;
    private final Linear projection;          // null without projection (or with OpenCLIP's layout)
    private final Tensor projectionMatrix;    // OpenCLIP's text_projection [hidden, projection], applied as x @ P

    /**
     * @param p the weights with transformers' names under {@code text_model.} (or without that prefix, as
     *          transformers 5 saves them); {@code text_projection} beside it
     */
    public ClipTextModel(ClipTextConfig config, Params p) {
        this.config = config;
        this.backend = p.backend();
        Params tm = p.hasChild("text_model") ? p.child("text_model") : p;
        int h = config.hiddenSize();
        float eps = (float) config.layerNormEps();
        this.tokenEmbedding = tm.get("embeddings.token_embedding.weight", config.vocabSize(), h);
        this.positionEmbedding = tm.get("embeddings.position_embedding.weight", config.maxPositions(), h);
        for (int i = 0; i < config.layers(); i++) layers.add(new Layer(tm.child("encoder.layers", i), config, eps));
        this.finalLayerNorm = new LayerNorm(tm.child("final_layer_norm"), h, eps);
        if (config.withProjection() && !p.has("text_projection.weight") && p.has("text_projection")) {
            this.projection = null;
            this.projectionMatrix = p.get("text_projection", h, config.projectionDim());
        } else {
            this.projection = config.withProjection() ? new Linear(p.child("text_projection"), h, config.projectionDim(), false) : null;
            this.projectionMatrix = null;
        }
    }

    public ClipTextConfig config() {
        return config;
    }

    @Override
    public int hiddenSize() {
        return config.hiddenSize();
    }

    @Override
    public int projectionDim() {
        return config.withProjection() ? config.projectionDim() : 0;
    }

    @Override
    public int layers() {
        return config.layers();
    }

    @Override
    public Tensor finalLayerNorm(Tensor hiddenState) {
        return finalLayerNorm.forward(backend, hiddenState);
    }

    @Override
    public TextEncoding encode(int[][] windows, int clipSkip) {
        if (clipSkip < 0 || clipSkip >= config.layers()) {
            throw new IllegalArgumentException("clip skip " + clipSkip + " outside 0.." + (config.layers() - 1));
        }
        Backend be = backend;
        int batch = windows.length;
        int len = windows[0].length;
        if (len > config.maxPositions()) {
            throw new IllegalArgumentException("token window of " + len + " exceeds max_position_embeddings " + config.maxPositions());
        }
        int[] flat = new int[batch * len];
        for (int b = 0; b < batch; b++) {
            if (windows[b].length != len) throw new IllegalArgumentException("token windows differ in length");
            for (int i = 0; i < len; i++) {
                int id = windows[b][i];
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " outside the vocabulary of " + config.vocabSize());
                }
                flat[b * len + i] = id;
            }
        }
        Tensor positions = be.narrow(positionEmbedding, 0, 0, len);
        Tensor x = be.add(be.embedding(tokenEmbedding, flat).reshape(batch, len, config.hiddenSize()), positions);
        List<Tensor> hidden = new ArrayList<>();
        hidden.add(x);
        for (Layer layer : layers) {
            x = layer.forward(be, x);
            hidden.add(x);
        }
        Tensor last = finalLayerNorm.forward(be, x);
        Tensor pooled = pool(last, windows);
        Tensor textEmbeds = projection != null ? projection.forward(be, pooled)
                : projectionMatrix != null ? be.matmul(pooled, projectionMatrix, false) : null;
        return new TextEncoding(last, hidden.get(hidden.size() - 1 - clipSkip), pooled, textEmbeds, hidden);
    }

    /**
     * The last hidden state at each window's end-of-text position: with the legacy {@code eos_token_id} 2
     * the position of the largest id (first one), otherwise the first position holding eos_token_id (0 when
     * none does, as transformers' argmax over an all-false mask gives).
     */
    private Tensor pool(Tensor last, int[][] windows) {
        Backend be = backend;
        Tensor[] rows = new Tensor[windows.length];
        for (int b = 0; b < windows.length; b++) {
            int pos = 0;
            int[] w = windows[b];
            if (config.eosTokenId() == 2) {
                for (int i = 1; i < w.length; i++) {
                    if (w[i] > w[pos]) pos = i;
                }
            } else {
                for (int i = 0; i < w.length; i++) {
                    if (w[i] == config.eosTokenId()) {
                        pos = i;
                        break;
                    }
                }
            }
            Tensor item = be.narrow(last, 0, b, 1);
            rows[b] = be.narrow(item, 1, pos, 1).reshape(1, config.hiddenSize());
        }
        return be.concat(0, rows);
    }

    /** One pre-LN encoder layer. */
    private static final class Layer {
        private final LayerNorm ln1;
        private final Linear q;
        private final Linear k;
        private final Linear v;
        private final Linear out;
        private final LayerNorm ln2;
        private final Linear fc1;
        private final Linear fc2;
        private final int heads;
        private final float scale;
        private final String act;

        Layer(Params p, ClipTextConfig c, float eps) {
            int h = c.hiddenSize();
            this.ln1 = new LayerNorm(p.child("layer_norm1"), h, eps);
            this.q = new Linear(p.child("self_attn.q_proj"), h, h, true);
            this.k = new Linear(p.child("self_attn.k_proj"), h, h, true);
            this.v = new Linear(p.child("self_attn.v_proj"), h, h, true);
            this.out = new Linear(p.child("self_attn.out_proj"), h, h, true);
            this.ln2 = new LayerNorm(p.child("layer_norm2"), h, eps);
            this.fc1 = new Linear(p.child("mlp.fc1"), h, c.intermediateSize(), true);
            this.fc2 = new Linear(p.child("mlp.fc2"), c.intermediateSize(), h, true);
            this.heads = c.heads();
            this.scale = (float) (1.0 / Math.sqrt(h / (double) c.heads()));
            this.act = c.hiddenAct();
        }

        Tensor forward(Backend be, Tensor x) {
            Tensor n = ln1.forward(be, x);
            Tensor a = be.attention(q.forward(be, n), k.forward(be, n), v.forward(be, n), heads, scale, true);
            x = be.add(x, out.forward(be, a));
            Tensor m = fc1.forward(be, ln2.forward(be, x));
            m = switch (act) {
                case "quick_gelu" -> be.quickGelu(m);
                case "gelu" -> be.gelu(m, false);
                default -> be.gelu(m, true);
            };
            return be.add(x, fc2.forward(be, m));
        }
    }
}

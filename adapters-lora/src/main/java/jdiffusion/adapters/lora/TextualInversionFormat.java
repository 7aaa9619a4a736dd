package jdiffusion.adapters.lora;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdiffusion.adapters.lora.internal.SafetensorsFile;
import jdiffusion.core.adapter.Adapter;
import jdiffusion.core.adapter.AdapterFormat;

/**
 * Textual-inversion embeddings in {@code .safetensors} files: A1111's {@code emb_params} [n, hidden], SDXL
 * embeddings with {@code clip_l} [n, 768] and {@code clip_g} [n, 1280], or any file holding a single 2-D
 * tensor (diffusers' single-key branch). The token written in prompts is the file name without extension,
 * as in A1111; {@link TextualInversion#read(Path, String)} takes another.
 */
public final class TextualInversionFormat implements AdapterFormat {

    @Override
    public String name() {
        return "textual_inversion";
    }

    @Override
    public List<String> aliases() {
        return List.of("embedding", "ti");
    }

    @Override
    public String description() {
        return "textual-inversion embeddings (emb_params, or clip_l/clip_g for SDXL), used by their name in prompts";
    }

    @Override
    public boolean recognizes(Set<String> tensorNames, Map<String, String> metadata) {
        if (tensorNames.contains("emb_params")) return true;
        if (!tensorNames.isEmpty() && Set.of("clip_l", "clip_g").containsAll(tensorNames)) return true;
        return tensorNames.size() == 1 && tensorNames.iterator().next().startsWith("string_to_param");
    }

    @Override
    public Adapter read(Path file) throws IOException {
        return TextualInversion.read(file, TextualInversion.defaultToken(file));
    }

    /** Whether a file with these tensors is an embedding (for reading files of unknown kind). */
    static boolean isEmbedding(SafetensorsFile f) {
        return f.tensors().size() == 1 && f.tensors().values().iterator().next().rank() == 2;
    }
}

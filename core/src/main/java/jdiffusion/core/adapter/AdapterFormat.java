package jdiffusion.core.adapter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import jdiffusion.core.Named;

/**
 * A file format of fine-tuning adapters ({@code kohya} for kohya/A1111/LyCORIS keys, {@code diffusers}
 * for diffusers/PEFT LoRA files, {@code textual_inversion}, ...): recognises a file by its tensor names
 * and metadata, and reads it. Reading maps the file and checks its structure; matching it to a model's
 * layers happens in {@link Adapter#bind}.
 */
public interface AdapterFormat extends Named {

    /** Whether a file with these tensor names and safetensors {@code __metadata__} is in this format. */
    boolean recognizes(Set<String> tensorNames, Map<String, String> metadata);

    /** Reads {@code file}; malformed content raises an exception naming the file and the key. */
    Adapter read(Path file) throws IOException;
}

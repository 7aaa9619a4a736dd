package jdiffusion.core.adapter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import jdiffusion.core.Named;

/**
 * A file format of fine-tuning adapters ({@code lora_kohya}, {@code lora_peft}, {@code loha}, {@code lokr},
 * {@code textual_inversion}, ...): recognises a file by its tensor names and metadata, and reads it.
 */
public interface AdapterFormat extends Named {

    /** Whether a file with these tensor names and safetensors metadata is in this format. */
    boolean recognizes(Set<String> tensorNames, Map<String, String> metadata);

    Adapter read(Path file) throws IOException;
}

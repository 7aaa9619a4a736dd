package jdiffusion.adapters.lora;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import jdiffusion.core.adapter.Adapter;
import jdiffusion.core.adapter.AdapterFormat;
import jdiffusion.core.io.SafetensorsFile;

/**
 * Reads adapter files of any supported kind, recognising the format from the tensor names and header
 * metadata, and finds them by name in a folder (A1111's {@code --lora-dir}).
 */
public final class AdapterFiles {

    private static final List<AdapterFormat> FORMATS = List.of(new TextualInversionFormat(), new LoraFormat.Kohya(),
            new LoraFormat.Diffusers(), new LoraFormat.Peft());

    private AdapterFiles() {
    }

    /** The adapter in {@code file}, in whichever format recognises it (a textual-inversion file becomes an embedding for its file name). */
    public static Adapter read(Path file) throws IOException {
        return read(file, FORMATS);
    }

    /** As {@link #read(Path)}, asking {@code formats} (e.g. the plugin registry's) in order. */
    public static Adapter read(Path file, List<AdapterFormat> formats) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + " does not exist");
        if (!file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
            throw new IOException(file + ": only .safetensors adapters are read (pickled .pt/.ckpt files can run code; convert them first)");
        }
        Set<String> names;
        Map<String, String> metadata;
        try (SafetensorsFile f = SafetensorsFile.open(file, Arena.ofConfined())) {
            names = new LinkedHashSet<>(f.names());
            metadata = f.metadata();
        }
        for (AdapterFormat format : formats) {
            if (format.recognizes(names, metadata)) return format.read(file);
        }
        throw new IOException(file + " is no adapter this build reads: no key is a LoRA/LoHa/LoKr/DoRA part or an embedding"
                + " (first keys: " + names.stream().limit(3).toList() + ")");
    }

    /**
     * The file a prompt tag or option names: {@code name} itself when it is a file, else
     * {@code dir/name.safetensors} or a file of that name anywhere below {@code dir} (case-insensitive).
     */
    public static Path find(Path dir, String name) throws IOException {
        Path direct = Path.of(name);
        if (Files.isRegularFile(direct)) return direct;
        if (dir == null) throw new IOException("no adapter file " + name + " (give a path, or the folder with --lora-dir)");
        String wanted = (name.toLowerCase(Locale.ROOT).endsWith(".safetensors") ? name : name + ".safetensors").toLowerCase(Locale.ROOT);
        Path plain = dir.resolve(name.endsWith(".safetensors") ? name : name + ".safetensors");
        if (Files.isRegularFile(plain)) return plain;
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                var hit = s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
                if (hit.isPresent()) return hit.get();
            }
        }
        throw new IOException("no adapter " + name + " in " + dir + " (looked for " + wanted + " in it and below)");
    }
}

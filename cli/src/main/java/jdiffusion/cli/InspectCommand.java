package jdiffusion.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import jdiffusion.core.io.SafetensorsFile;
import jdiffusion.core.io.TensorInfo;
import jdiffusion.models.loader.CheckpointKind;
import jdiffusion.models.loader.PickleRefusal;
import jdiffusion.models.weights.SafetensorsWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Prints what a weights file holds: format, tensor count, dtypes, total bytes, the first keys with their
 * shapes, metadata, and the model family it looks like. Only the header is read. A file that is not a
 * well-formed safetensors file, or a pickle, ends the command with that error and a non-zero exit code.
 */
@Command(name = "inspect", description = "Show what a weights file (.safetensors) or diffusers model folder holds.")
final class InspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "A .safetensors file, or a diffusers model folder.")
    Path file;

    @Option(names = "--keys", paramLabel = "N", description = "How many keys to list (default ${DEFAULT-VALUE}; 0 for all).")
    int keys = 20;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.exists(file)) throw new IllegalArgumentException(file + " does not exist");
        if (Files.isDirectory(file)) return inspectFolder(out);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".ckpt") || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".bin")) {
            throw new IllegalArgumentException(PickleRefusal.message(file));
        }
        inspectFile(out, file, keys);
        return 0;
    }

    private Integer inspectFolder(PrintWriter out) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(file, 2)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
        if (Files.isRegularFile(file.resolve("model_index.json"))) out.println("diffusers pipeline folder (model_index.json)");
        if (files.isEmpty()) throw new IllegalArgumentException(file + ": no .safetensors files in this folder or its component folders");
        for (Path f : files) {
            out.println();
            out.println("== " + file.relativize(f));
            inspectFile(out, f, Math.min(keys, 5));
        }
        return 0;
    }

    static void inspectFile(PrintWriter out, Path f, int maxKeys) throws IOException {
        try (SafetensorsFile st = SafetensorsFile.open(f, Arena.ofConfined())) {
            Map<String, Integer> dtypes = new TreeMap<>();
            long bytes = 0;
            long params = 0;
            for (TensorInfo t : st.tensors().values()) {
                dtypes.merge(t.dtype().safetensorsName(), 1, Integer::sum);
                bytes += t.byteSize();
                params += t.numel();
            }
            out.println("file:     " + f);
            out.println("format:   safetensors (header " + st.headerLength() + " bytes, file " + st.fileSize() + " bytes)");
            out.println("tensors:  " + st.tensors().size() + " (" + params + " parameters)");
            List<String> dt = new ArrayList<>();
            dtypes.forEach((k, v) -> dt.add(k + " x" + v));
            out.println("dtypes:   " + String.join(", ", dt));
            out.println("bytes:    " + bytes + " (" + human(bytes) + ")");
            if (!st.metadata().isEmpty()) {
                out.println("metadata: " + st.metadata().size() + " entries");
                st.metadata().entrySet().stream().limit(10).forEach(e -> out.println("  " + e.getKey() + " = " + abbreviate(e.getValue())));
            }
            out.println("looks like: " + CheckpointKind.detect(SafetensorsWeights.of(st)).description());
            List<String> names = st.names().stream().sorted().toList();
            int n = maxKeys <= 0 ? names.size() : Math.min(maxKeys, names.size());
            out.println("keys" + (n < names.size() ? " (first " + n + " of " + names.size() + ", sorted)" : "") + ":");
            for (int i = 0; i < n; i++) {
                TensorInfo t = st.info(names.get(i));
                out.printf("  %-70s %-4s %s%n", t.name(), t.dtype().safetensorsName(), java.util.Arrays.toString(t.shape()));
            }
        }
    }

    private static String human(long b) {
        if (b < 1024) return b + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String abbreviate(String s) {
        return s.length() > 100 ? s.substring(0, 97) + "..." : s;
    }
}

package jdiffusion.models.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * Finds a reference file by name in a case folder, as shipped ({@code io.safetensors}) or gzipped
 * ({@code io.safetensors.gz}, as the project's test resources store them). A gzipped file is expanded
 * once per process into a temporary file (deleted on exit) so that it can be memory-mapped.
 */
public final class ReferenceFiles {

    private static final Map<Path, Path> EXPANDED = new ConcurrentHashMap<>();

    private ReferenceFiles() {
    }

    /** Whether {@code dir} holds {@code name} or {@code name.gz}. */
    public static boolean exists(Path dir, String name) {
        return Files.isRegularFile(dir.resolve(name)) || Files.isRegularFile(dir.resolve(name + ".gz"));
    }

    /** A readable, uncompressed path for {@code name} in {@code dir}; fails naming both spellings. */
    public static Path resolve(Path dir, String name) throws IOException {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) return plain;
        Path gz = dir.resolve(name + ".gz");
        if (!Files.isRegularFile(gz)) {
            throw new java.nio.file.NoSuchFileException(plain + " (nor " + gz.getFileName() + ")");
        }
        Path key = gz.toAbsolutePath().normalize();
        Path done = EXPANDED.get(key);
        if (done != null && Files.isRegularFile(done)) return done;
        synchronized (EXPANDED) {
            done = EXPANDED.get(key);
            if (done != null && Files.isRegularFile(done)) return done;
            Path tmpDir = Files.createTempDirectory("jdiffusion-ref");
            tmpDir.toFile().deleteOnExit();
            Path out = tmpDir.resolve(name);
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
            out.toFile().deleteOnExit();
            EXPANDED.put(key, out);
            return out;
        }
    }
}

package jdiffusion.adapters.lora.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * Finds a reference-data file as shipped ({@code name}) or as the project's test resources keep it
 * ({@code name.gz}, unpacked once per process so that it can be memory-mapped; the files of one folder are
 * unpacked into one temporary folder, so that files found beside each other stay beside each other).
 */
public final class RefdataFiles {

    private static final ConcurrentHashMap<Path, Path> UNPACKED = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Path, Path> FOLDERS = new ConcurrentHashMap<>();

    private RefdataFiles() {
    }

    /** Whether {@code dir} holds {@code name} or {@code name.gz}. */
    public static boolean exists(Path dir, String name) {
        return Files.isRegularFile(dir.resolve(name)) || Files.isRegularFile(dir.resolve(name + ".gz"));
    }

    /** The plain file {@code name} in {@code dir}, unpacking {@code name.gz} when only that exists. */
    public static Path resolve(Path dir, String name) throws IOException {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) return plain;
        Path gz = dir.resolve(name + ".gz");
        if (!Files.isRegularFile(gz)) throw new IOException(dir + " has neither " + name + " nor " + name + ".gz");
        try {
            return UNPACKED.computeIfAbsent(gz.toAbsolutePath().normalize(), RefdataFiles::unpack);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Path unpack(Path gz) {
        try {
            Path dir = FOLDERS.computeIfAbsent(gz.getParent(), d -> {
                try {
                    Path t = Files.createTempDirectory("jdiffusion-refdata");
                    t.toFile().deleteOnExit();
                    return t;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String n = gz.getFileName().toString();
            Path out = dir.resolve(n.substring(0, n.length() - 3));
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
            out.toFile().deleteOnExit();
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

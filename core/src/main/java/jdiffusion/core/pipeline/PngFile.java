package jdiffusion.core.pipeline;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Writes PNG files atomically: the bytes go to a temporary file beside the target, which is then moved
 * into place, so a reader never sees half an image. An existing file is kept (and the write fails
 * naming it) unless overwriting is asked for.
 */
public final class PngFile {

    private PngFile() {
    }

    /** Writes {@code image} with {@code text} chunks to {@code target}. */
    public static void write(Path target, RgbImage image, Map<String, String> text, boolean overwrite) throws IOException {
        writeBytes(target, PngEncoder.encode(image, text), overwrite);
    }

    /** Writes {@code bytes} to {@code target} atomically. */
    public static void writeBytes(Path target, byte[] bytes, boolean overwrite) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (!overwrite && Files.exists(abs)) {
            throw new FileAlreadyExistsException(abs.toString(), null, "exists; choose another name or allow overwriting");
        }
        Files.createDirectories(dir);
        // Not Files.createTempFile: its files are private (0600); images get the usual permissions (umask).
        Path tmp = dir.resolve("." + abs.getFileName() + "." + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            Files.write(tmp, bytes, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
            if (overwrite) {
                move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            } else {
                publishWithoutReplacing(tmp, abs);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A hard link fails if the target exists, which makes "create only if absent" atomic. */
    private static void publishWithoutReplacing(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
            return;
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(target.toString(), null, "exists; choose another name or allow overwriting");
        } catch (UnsupportedOperationException | IOException e) {
            // file systems without hard links: check, then move
        }
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "exists; choose another name or allow overwriting");
        }
        move(tmp, target);
    }

    private static void move(Path from, Path to, StandardCopyOption... extra) throws IOException {
        StandardCopyOption[] opts = java.util.Arrays.copyOf(extra, extra.length + 1);
        opts[extra.length] = StandardCopyOption.ATOMIC_MOVE;
        try {
            Files.move(from, to, opts);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, extra);
        }
    }
}

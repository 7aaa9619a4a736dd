package jdiffusion.core.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jdiffusion.core.json.Json;

/**
 * What the pipeline needs to know about where a model came from: its name, file hash (as A1111's
 * "Model hash"), the UNet's native sample size, and SDXL's {@code force_zeros_for_empty_prompt}.
 * Thread-safe; the hash is computed once, on first use.
 */
public final class ModelInfo {

    private final String name;
    private final Path path;
    private final int sampleSize;
    private final boolean forceZerosForEmptyPrompt;
    private volatile String hash;

    private ModelInfo(String name, Path path, int sampleSize, boolean forceZerosForEmptyPrompt, String hash) {
        this.name = name;
        this.path = path;
        this.sampleSize = sampleSize;
        this.forceZerosForEmptyPrompt = forceZerosForEmptyPrompt;
        this.hash = hash;
    }

    /** Information given explicitly (models that did not come from a file, tests); {@code hash} may be null. */
    public static ModelInfo of(String name, int sampleSize, boolean forceZerosForEmptyPrompt, String hash) {
        return new ModelInfo(name, null, sampleSize, forceZerosForEmptyPrompt, hash == null ? "" : hash);
    }

    /**
     * Reads a diffusers folder's {@code unet/config.json} and {@code model_index.json}, or takes the family's
     * defaults for a single file ({@code sample_size} 64 for SD 1.x, 96 for SD 2.x, 128 for SDXL).
     */
    public static ModelInfo read(Path path, String family) throws IOException {
        String fileName = path.getFileName().toString();
        String name = Files.isDirectory(path) ? fileName : fileName.replaceFirst("\\.(safetensors|ckpt|pt|bin)$", "");
        int sampleSize = switch (family == null ? "" : family) {
            case "sdxl" -> 128;
            case "sd2" -> 96;
            default -> 64;
        };
        boolean forceZeros = "sdxl".equals(family);
        if (Files.isDirectory(path)) {
            Path unetConfig = path.resolve("unet/config.json");
            if (Files.isRegularFile(unetConfig)) {
                Object s = Json.readObject(unetConfig).get("sample_size");
                if (s instanceof Number n) sampleSize = n.intValue();
                else if (s instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Number n) sampleSize = n.intValue();
            }
            Path index = path.resolve("model_index.json");
            if (Files.isRegularFile(index)) {
                Map<String, Object> m = Json.readObject(index);
                if (m.get("force_zeros_for_empty_prompt") instanceof Boolean b) forceZeros = b;
            }
        }
        return new ModelInfo(name, path, sampleSize, forceZeros, null);
    }

    /**
     * Checks that {@code path} looks like a loadable model and explains what is missing otherwise: a file
     * must exist and be readable; a diffusers folder needs {@code model_index.json} and its component folders.
     */
    public static void checkLoadable(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("model " + path + " does not exist (expected a diffusers model folder or a .safetensors checkpoint)");
        }
        if (Files.isRegularFile(path)) {
            if (!Files.isReadable(path)) throw new IllegalArgumentException("model file " + path + " is not readable");
            return;
        }
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(path.resolve("model_index.json"))) missing.add("model_index.json");
        for (String part : List.of("unet", "vae", "text_encoder", "tokenizer")) {
            Path dir = path.resolve(part);
            if (!Files.isDirectory(dir)) {
                missing.add(part + "/");
            } else if (!part.equals("tokenizer") && !Files.isRegularFile(dir.resolve("config.json"))) {
                missing.add(part + "/config.json");
            } else if (!part.equals("tokenizer") && !hasWeights(dir)) {
                missing.add(part + "/ weights (*.safetensors)");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("model folder " + path + " is incomplete: missing " + String.join(", ", missing)
                    + " (expected a diffusers Stable Diffusion folder: model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/)");
        }
    }

    private static boolean hasWeights(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".safetensors") || n.endsWith(".bin");
            });
        } catch (IOException e) {
            return false;
        }
    }

    public String name() {
        return name;
    }

    /** Where the model was loaded from, or null. */
    public Path path() {
        return path;
    }

    /** The UNet's {@code sample_size}: the native latent size (image size / the VAE's factor). */
    public int sampleSize() {
        return sampleSize;
    }

    public boolean forceZerosForEmptyPrompt() {
        return forceZerosForEmptyPrompt;
    }

    /**
     * A1111's "Model hash": the first 10 hex digits of the SHA-256 of the checkpoint file (for a diffusers
     * folder, of the UNet's weights file); empty when there is no file.
     */
    public String hash() {
        String h = hash;
        if (h == null) {
            synchronized (this) {
                if (hash == null) hash = computeHash();
                h = hash;
            }
        }
        return h;
    }

    private String computeHash() {
        Path file = path;
        if (file == null) return "";
        if (Files.isDirectory(file)) {
            try (Stream<Path> s = Files.list(file.resolve("unet"))) {
                // the full-precision file when there are variants (diffusion_pytorch_model.safetensors before .fp16)
                file = s.filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                        .sorted(java.util.Comparator.comparing((Path p) -> p.getFileName().toString().split("\\.").length)
                                .thenComparing(Path::toString))
                        .findFirst().orElse(null);
            } catch (IOException e) {
                return "";
            }
            if (file == null) return "";
        }
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
            return HexFormat.of().formatHex(sha.digest()).substring(0, 10);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

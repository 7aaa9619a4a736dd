package jdiffusion.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The reference folder {@code sd15-tiny-pipeline} (a loadable diffusers folder with diffusers' recorded
 * run), assembled in a temporary folder from the copies the project already holds: the weights, configs
 * and vocabulary are the models module's reference copies (gzipped, byte-identical to the reference
 * files once unzipped, checked by SHA-256 against the reference's own record), the small folder files are
 * test resources here, and the recorded run is the core module's test resource.
 */
final class TinyPipeline {

    static final Path MODELS = Path.of("../models/src/test/resources/refdata/models");
    static final Path RECORDED_RUN = Path.of("../core/src/test/resources/pipeline/sd15-tiny-pipeline-io.safetensors");

    private static Path folder;

    private TinyPipeline() {
    }

    /** The assembled folder (built once per test JVM). */
    static synchronized Path folder() {
        if (folder == null) {
            try {
                Path parent = Files.createTempDirectory("jdiffusion-test");
                Path dir = parent.resolve("sd15-tiny-pipeline");
                assemble(dir);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(parent)));
                folder = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return folder;
    }

    private static void assemble(Path dir) throws IOException {
        copy(resource("model_index.json"), dir.resolve("model_index.json"));
        copy(resource("scheduler_config.json"), dir.resolve("scheduler/scheduler_config.json"));
        copy(resource("tokenizer_config.json"), dir.resolve("tokenizer/tokenizer_config.json"));
        copy(resource("special_tokens_map.json"), dir.resolve("tokenizer/special_tokens_map.json"));
        gunzip(MODELS.resolve("clip-tokenizer/vocab.json.gz"), dir.resolve("tokenizer/vocab.json"));
        gunzip(MODELS.resolve("clip-tokenizer/merges.txt.gz"), dir.resolve("tokenizer/merges.txt"));
        copy(MODELS.resolve("unet-sd15-tiny/config.json"), dir.resolve("unet/config.json"));
        gunzip(MODELS.resolve("unet-sd15-tiny/weights.safetensors.gz"), dir.resolve("unet/diffusion_pytorch_model.safetensors"));
        copy(MODELS.resolve("vae-tiny/config.json"), dir.resolve("vae/config.json"));
        gunzip(MODELS.resolve("vae-tiny/weights.safetensors.gz"), dir.resolve("vae/diffusion_pytorch_model.safetensors"));
        copy(MODELS.resolve("clip-text-sd15-tiny/config.json"), dir.resolve("text_encoder/config.json"));
        gunzip(MODELS.resolve("clip-text-sd15-tiny/weights.safetensors.gz"), dir.resolve("text_encoder/model.safetensors"));
        // the reference records the SHA-256 of the files it copied into its folder
        Map<String, String> expected = Map.of(
                "unet/diffusion_pytorch_model.safetensors", "a08377be89d1425f88ad8841ccb490ea8ef8cb6c126315f97094805f0fa1c60e",
                "vae/diffusion_pytorch_model.safetensors", "4c73457a35c241e2b74397d64c10117e0242314211c686df08c380a9abe59926");
        String caseJson = Files.readString(resource("case.json"));
        for (var e : expected.entrySet()) {
            if (!caseJson.contains(e.getValue())) throw new IllegalStateException("case.json does not record " + e.getValue());
            String actual = sha256(dir.resolve(e.getKey()));
            if (!actual.equals(e.getValue())) {
                throw new IllegalStateException(e.getKey() + " assembled with SHA-256 " + actual + ", the reference's is " + e.getValue());
            }
        }
    }

    /**
     * The folder loaded by the built-in diffusers model loader on {@code backend}, with {@code vae} wrapping
     * the VAE (to observe it) or null.
     */
    static jdiffusion.core.model.StableDiffusionModel model(jdiffusion.core.backend.Backend backend,
            java.util.function.UnaryOperator<jdiffusion.core.image.ImageCodec> vae) throws IOException {
        var m = jdiffusion.core.plugin.Plugins.builtIn().registry(jdiffusion.core.model.ModelLoader.class).get("diffusers")
                .load(folder(), backend, jdiffusion.core.Config.empty("loader options"));
        return vae == null ? m : new jdiffusion.core.model.StableDiffusionModel(m.family(), m.tokenizers(), m.textEncoders(),
                m.unet(), vae.apply(m.vae()), m.schedulerConfig());
    }

    private static void deleteTree(Path root) {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    static Path resource(String name) {
        try {
            return Path.of(TinyPipeline.class.getResource("/tiny-pipeline/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource tiny-pipeline/" + name, e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    private static void gunzip(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (InputStream in = new GZIPInputStream(Files.newInputStream(from), 1 << 16)) {
            Files.copy(in, to);
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Files.readAllBytes(file));
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

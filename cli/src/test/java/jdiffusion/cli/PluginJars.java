package jdiffusion.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Test fixtures: the example plugin jar built by the reactor, a corrupt jar and a jar whose provider is broken. */
final class PluginJars {

    private PluginJars() {
    }

    /** Copies the example sampler plugin jar (built by the reactor, on no path) into {@code dir}. */
    static Path copyExamplePlugin(Path dir) throws IOException {
        Path fixtures = Path.of(System.getProperty("jdiffusion.pluginFixtures", "target/plugin-fixtures"));
        Path jar = fixtures.resolve("jdiffusion-example-sampler-plugin.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("example plugin jar not found at " + jar.toAbsolutePath() + "; build the reactor first");
        }
        return Files.copy(jar, dir.resolve("sample-sampler-plugin.jar"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** A file named like a jar holding half a zip and garbage. */
    static Path writeCorruptJar(Path dir) throws IOException {
        Path jar = dir.resolve("broken.jar");
        byte[] bytes = "PK\u0003\u0004 this is not really a zip archive".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(jar, bytes);
        return jar;
    }

    /** A readable jar whose service file names a class that does not exist. */
    static Path writeJarWithMissingProvider(Path dir) throws IOException {
        Path jar = dir.resolve("missing-provider.jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os)) {
            jos.putNextEntry(new JarEntry("META-INF/services/jdiffusion.core.sampling.Sampler"));
            jos.write("com.example.DoesNotExist\n".getBytes(StandardCharsets.UTF_8));
            jos.closeEntry();
        }
        return jar;
    }
}

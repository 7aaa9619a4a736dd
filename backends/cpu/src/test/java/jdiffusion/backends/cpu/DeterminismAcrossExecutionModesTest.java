package jdiffusion.backends.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The same inputs give the same bits whether the kernels run interpreted or compiled: a result must not
 * depend on how warm the JVM is (seeds reproduce images only if every op is deterministic). The reference
 * runs in a child JVM with {@code -Xint}; this JVM runs each op until it is compiled.
 */
class DeterminismAcrossExecutionModesTest {

    /** Op name to a hash of its output bits, for fixed random inputs. */
    static Map<String, String> results(int repeats) {
        Map<String, String> out = new LinkedHashMap<>();
        try (CpuBackend b = new CpuBackend(2)) {
            SplittableRandom r = new SplittableRandom(7);
            Tensor x = random(r, 2, 16, 12, 12);
            Tensor rows = random(r, 3, 77, 48);
            Tensor w = random(r, 24, 16, 3, 3);
            Tensor lw = random(r, 40, 48);
            Tensor q = random(r, 1, 77, 64);
            Tensor k = random(r, 1, 77, 64);
            Tensor v = random(r, 1, 77, 64);
            Tensor gamma = random(r, 48);
            for (int i = 0; i < repeats; i++) {
                out.put("softmax", hash(b.softmax(rows)));
                out.put("silu", hash(b.silu(x)));
                out.put("gelu", hash(b.gelu(x, false)));
                out.put("gelu_tanh", hash(b.gelu(x, true)));
                out.put("quick_gelu", hash(b.quickGelu(x)));
                out.put("geglu", hash(b.geglu(rows)));
                out.put("layer_norm", hash(b.layerNorm(rows, gamma, gamma, 1e-5f)));
                out.put("group_norm", hash(b.groupNorm(x, 4, null, null, 1e-6f)));
                out.put("attention", hash(b.attention(q, k, v, 4, 0.25f, false)));
                out.put("attention_causal", hash(b.attention(q, k, v, 4, 0.25f, true)));
                out.put("linear", hash(b.linear(rows, lw, null)));
                out.put("conv2d", hash(b.conv2d(x, w, null, Conv2dParams.of(1, 1))));
            }
        }
        return out;
    }

    private static Tensor random(SplittableRandom r, int... shape) {
        float[] v = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 4 - 2);
        return Tensor.wrap(v, shape);
    }

    private static String hash(Tensor t) {
        float[] v = t.toFloatArray();
        long h = 1125899906842597L;
        for (float f : v) h = 31 * h + Float.floatToRawIntBits(f);
        return Long.toHexString(h);
    }

    /** Entry point of the interpreted reference run. */
    public static void main(String[] args) {
        results(1).forEach((k, v) -> System.out.println(k + " " + v));
    }

    @Test
    void interpretedAndCompiledKernelsGiveTheSameBits() throws Exception {
        Map<String, String> compiled = results(3000);
        String javaExe = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(javaExe, "-Xint", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), DeterminismAcrossExecutionModesTest.class.getName()));
        File log = File.createTempFile("determinism", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(log).start();
            p.getOutputStream().close();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(300, TimeUnit.SECONDS);
            assertEquals(0, p.exitValue(), java.nio.file.Files.readString(log.toPath()));
            Map<String, String> interpreted = new LinkedHashMap<>();
            text.lines().map(l -> l.split(" ")).forEach(a -> interpreted.put(a[0], a[1]));
            assertEquals(compiled, interpreted);
        } finally {
            log.delete();
        }
    }
}

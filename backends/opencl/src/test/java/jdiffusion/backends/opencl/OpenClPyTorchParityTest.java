package jdiffusion.backends.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.json.Json;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Operations on the OpenCL device against activations PyTorch computed inside diffusers'
 * UNet2DConditionModel (refdata/models/unet-sd15-tiny, case1), chained as diffusers chains them: the same
 * data and tolerance as the CPU backend's parity tests, with every intermediate kept on the device.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenClPyTorchParityTest {

    /** Per-op agreement expected of float32 code: the data's own float32-vs-float64 spread is ~2e-6. */
    private static final float ATOL = 1e-5f;

    private Map<String, Tensor> ref;
    private Backend cl;

    @BeforeAll
    void open() throws IOException {
        ref = read(Path.of(System.getProperty("jdiffusion.test.unetOps",
                "../cpu/src/test/resources/refdata/unet-sd15-tiny-ops.safetensors.gz")));
        cl = OpenClTestSupport.backendOrNull();
    }

    @AfterAll
    void close() {
        if (cl != null) cl.close();
    }

    @BeforeEach
    void openClPlatformPresent() {
        OpenClTestSupport.assumeOpenCl();
    }

    private Tensor ref(String name) {
        Tensor t = ref.get(name);
        if (t == null) throw new IllegalStateException("no tensor " + name + " in the test data; have " + ref.keySet());
        return t;
    }

    /** A reference tensor moved to the device. */
    private Tensor dev(String name) {
        return cl.fromHost(ref(name));
    }

    private void assertMatches(Tensor expected, Tensor actual, String what) {
        assertTrue(!actual.isHost(), what + ": result should stay on the device");
        Tensor host = cl.toHost(actual);
        assertArrayEquals(expected.shape(), host.shape(), what + ": shape");
        float[] e = expected.toFloatArray(), a = host.toFloatArray();
        float max = 0;
        for (int i = 0; i < e.length; i++) max = Math.max(max, Math.abs(e[i] - a[i]));
        assertTrue(max <= ATOL, what + ": max |diff| " + max + " exceeds " + ATOL);
    }

    @Test
    void timestepEmbeddingMatchesDiffusersTimeProj() {
        float t = ref("case1.in.timestep").getFloat(0);
        assertMatches(ref("case1.act.time_proj"), cl.timestepEmbedding(new float[]{t, t}, 32, true, 0, 1, 10000), "time_proj");
    }

    @Test
    void linearSiluLinearMatchesDiffusersTimeEmbedding() {
        Tensor h = cl.linear(dev("case1.act.time_proj"), dev("time_embedding.linear_1.weight"), dev("time_embedding.linear_1.bias"));
        h = cl.linear(cl.silu(h), dev("time_embedding.linear_2.weight"), dev("time_embedding.linear_2.bias"));
        assertMatches(ref("case1.act.time_embedding"), h, "time_embedding");
    }

    @Test
    void conv2dMatchesDiffusersConvIn() {
        Tensor y = cl.conv2d(dev("case1.in.sample"), dev("conv_in.weight"), dev("conv_in.bias"), Conv2dParams.of(1, 1));
        assertMatches(ref("case1.act.conv_in"), y, "conv_in");
    }

    @Test
    void groupNormSiluConvMatchDiffusersOutputHead() {
        Tensor n = cl.groupNorm(dev("case1.act.up_blocks.2"), 8, dev("conv_norm_out.weight"), dev("conv_norm_out.bias"), 1e-5f);
        assertMatches(ref("case1.act.conv_norm_out"), n, "conv_norm_out");
        Tensor y = cl.conv2d(cl.silu(n), dev("conv_out.weight"), dev("conv_out.bias"), Conv2dParams.of(1, 1));
        assertMatches(ref("case1.out"), y, "conv_out(silu(conv_norm_out(up_blocks.2)))");
    }

    @Test
    void float16WeightsAreReadAsHalfWithinHalfRounding() {
        // The same convolution with its weights stored as float16: the error is the weights' rounding, not more.
        Tensor w16 = cl.convert(dev("conv_in.weight"), DType.FLOAT16);
        Tensor y = cl.conv2d(dev("case1.in.sample"), w16, dev("conv_in.bias"), Conv2dParams.of(1, 1));
        float[] e = ref("case1.act.conv_in").toFloatArray(), a = cl.toHost(y).toFloatArray();
        float max = 0;
        for (int i = 0; i < e.length; i++) max = Math.max(max, Math.abs(e[i] - a[i]));
        assertTrue(max > 0 && max < 5e-3f, "float16 weights: max |diff| " + max + " (expected the size of half rounding)");
    }

    /** Named tensors of a gzipped safetensors file (a minimal reader for test data). */
    private static Map<String, Tensor> read(Path file) throws IOException {
        if (!Files.exists(file)) throw new IllegalStateException("test data " + file.toAbsolutePath() + " is missing");
        byte[] bytes;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            bytes = in.readAllBytes();
        }
        MemorySegment all = MemorySegment.ofArray(bytes);
        long n = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) Json.parse(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        Map<String, Tensor> out = new HashMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) continue;
            @SuppressWarnings("unchecked")
            Map<String, Object> info = (Map<String, Object>) e.getValue();
            int[] shape = ((List<?>) info.get("shape")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
            List<?> off = (List<?>) info.get("data_offsets");
            long from = 8 + n + ((Number) off.get(0)).longValue(), to = 8 + n + ((Number) off.get(1)).longValue();
            out.put(e.getKey(), Tensor.of(DType.fromSafetensors((String) info.get("dtype")), shape, all.asSlice(from, to - from)));
        }
        if (out.isEmpty()) throw new UncheckedIOException(new IOException("no tensors in " + file));
        return out;
    }
}

package jdiffusion.backends.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.tck.ReferenceOps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tensors stay on the device between operations, device memory is given back (unreachable tensors,
 * temporaries, close), and runtime errors name the call, the error and the kernel.
 */
class OpenClResidencyTest {

    @BeforeEach
    void openClPlatformPresent() {
        OpenClTestSupport.assumeOpenCl();
    }

    private static OpenClBackend backend() {
        return (OpenClBackend) new OpenClBackendProvider().create("", 0);
    }

    private static Tensor random(long seed, int... shape) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() * 2 - 1;
        return Tensor.wrap(v, shape);
    }

    @Test
    void chainedOperationsStayOnTheDeviceUntilToHost() {
        Tensor x = random(1, 2, 8, 9, 7);
        Tensor w = random(2, 8, 8, 3, 3);
        Tensor b = random(3, 8);
        Tensor g = random(4, 8);
        try (OpenClBackend cl = backend()) {
            Tensor h = cl.conv2d(cl.fromHost(x), cl.fromHost(w), cl.fromHost(b), Conv2dParams.of(1, 1));
            assertFalse(h.isHost());
            assertInstanceOf(ClBuffer.class, h.deviceBuffer());
            Tensor n = cl.groupNorm(h, 4, cl.fromHost(g), null, 1e-5f);
            Tensor y = cl.add(cl.silu(n).reshape(2, 8, 63), h.reshape(2, 8, 63));
            assertFalse(n.isHost());
            assertFalse(y.isHost());
            assertThrows(IllegalStateException.class, y::segment);

            Tensor eh = ReferenceOps.conv2d(x, w, b, 1, 1, 1, 1, 1, 1, 1);
            Tensor expected = ReferenceOps.broadcast(ReferenceOps.silu(ReferenceOps.groupNorm(eh, 4, g, null, 1e-5f))
                    .reshape(2, 8, 63), eh.reshape(2, 8, 63), Double::sum);
            float[] e = expected.toFloatArray(), a = cl.toHost(y).toFloatArray();
            for (int i = 0; i < e.length; i++) assertEquals(e[i], a[i], 1e-4f * (1 + Math.abs(e[i])), "element " + i);
        }
    }

    @Test
    void unreachableTensorsAndTemporariesGiveTheirDeviceMemoryBack() throws InterruptedException {
        try (OpenClBackend cl = backend()) {
            Tensor kept = cl.zeros(1000);
            DeviceMemory memory = ((ClBuffer) kept.deviceBuffer()).memory();
            long base = memory.liveBytes();
            for (int i = 0; i < 50; i++) {
                // A host operand is uploaded for the call and freed after it; only the result remains.
                cl.scale(Tensor.wrap(new float[250_000], 250_000), 2f);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (memory.liveBytes() > base && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            assertEquals(base, memory.liveBytes(), "device bytes still held after the results became unreachable");
            assertEquals(4000, ((ClBuffer) kept.deviceBuffer()).byteSize());
        }
    }

    @Test
    void closeReleasesEverythingAndLaterUseFailsClearly() {
        OpenClBackend cl = backend();
        Tensor t = cl.fromHost(random(5, 3, 4));
        DeviceMemory memory = ((ClBuffer) t.deviceBuffer()).memory();
        assertTrue(memory.liveBytes() >= 48);
        cl.close();
        assertEquals(0, memory.liveBytes());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> cl.silu(t));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void tensorsOfAnotherBackendAreRejectedNamingTheWayAcross() {
        try (OpenClBackend a = backend(); OpenClBackend b = backend()) {
            Tensor t = a.fromHost(random(6, 5));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.silu(t));
            assertTrue(e.getMessage().contains("another backend") && e.getMessage().contains("toHost"), e.getMessage());
        }
    }

    @Test
    void mappedWeightsAreUploadedOncePerBackend(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("weights.bin");
        float[] values = random(7, 64).toFloatArray();
        MemorySegment bytes = MemorySegment.ofArray(new byte[values.length * 4]);
        for (int i = 0; i < values.length; i++) {
            bytes.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, values[i]);
        }
        Files.write(file, bytes.toArray(ValueLayout.JAVA_BYTE));
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             OpenClBackend cl = backend()) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            Tensor w = Tensor.of(DType.FLOAT32, new int[]{8, 8}, mapped);
            Tensor first = cl.fromHost(w);
            Tensor second = cl.fromHost(w);
            assertSame(first.deviceBuffer(), second.deviceBuffer());
            assertArrayEquals(values, cl.toHost(second).toFloatArray());
            Tensor y = cl.linear(cl.fromHost(random(8, 3, 8)), w, null);
            assertArrayEquals(new int[]{3, 8}, y.shape());
        }
    }

    @Test
    void float16ConversionStaysOnTheDeviceAsHalfStorage() {
        try (OpenClBackend cl = backend()) {
            Tensor x = cl.fromHost(random(9, 4, 33));
            Tensor h = cl.convert(x, DType.FLOAT16);
            assertEquals(DType.FLOAT16, h.dtype());
            assertEquals(4 * 33 * 2, ((ClBuffer) h.deviceBuffer()).byteSize());
            // Half activations are read as half by every kernel.
            Tensor y = cl.silu(h);
            float[] expected = ReferenceOps.silu(Tensor.wrap(ReferenceOps.roundTo(DType.FLOAT16,
                    cl.toHost(x).toFloatArray()), 4, 33)).toFloatArray();
            assertArrayEquals(expected, cl.toHost(y).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void compilerErrorsCarryTheBuildLog() {
        try (OpenClBackend cl = backend()) {
            ClRuntime rt = cl.runtime();
            OpenClException e = assertThrows(OpenClException.class, () -> rt.cl.buildProgram(rt.context,
                    rt.device.handle(), "__kernel void broken(__global float* x) { x[0] = undefined_name; }", "",
                    "a broken test kernel"));
            assertEquals("clBuildProgram", e.call());
            assertEquals("CL_BUILD_PROGRAM_FAILURE", e.errorName());
            assertTrue(e.getMessage().contains("undefined_name") && e.getMessage().contains("build log"), e.getMessage());
        }
    }

    @Test
    void launchErrorsNameTheCallTheErrorAndTheKernel() {
        try (OpenClBackend cl = backend()) {
            ClRuntime rt = cl.runtime();
            ClBuffer b = (ClBuffer) cl.zeros(16).deviceBuffer();
            // The tiled GEMM requires 16 x 16 work-groups; 8 x 8 is refused by the runtime.
            OpenClException e = assertThrows(OpenClException.class, () -> rt.launch(rt.kernel(ClRuntime.tiledName("gemm", ClRuntime.SMALL_TILE)),
                    new long[]{16, 16, 1}, new long[]{8, 8, 1}, b, 0, 0L, b, 0, 0L, 0, ClRuntime.NULL_BUFFER, 0, 0, b, 4, 4, 4));
            assertEquals("clEnqueueNDRangeKernel", e.call());
            assertEquals("gemm64", e.kernel());
            assertEquals("CL_INVALID_WORK_GROUP_SIZE", e.errorName());
            assertTrue(e.getMessage().startsWith("clEnqueueNDRangeKernel (kernel gemm64) failed: CL_INVALID_WORK_GROUP_SIZE"),
                    e.getMessage());
        }
    }
}

package jdiffusion.backends.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.Tensor;
import jdiffusion.tck.ReferenceOps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every build of the tiled product kernels (16, 64 and 128 wide tiles; which one runs depends on the device and
 * the product's size) against the reference, on sizes with ragged edges in every dimension.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenClTilingTest {

    private OpenClBackend cl;

    @BeforeAll
    void open() {
        cl = (OpenClBackend) OpenClTestSupport.backendOrNull();
    }

    @AfterAll
    void close() {
        if (cl != null) cl.close();
    }

    @BeforeEach
    void openClPlatformPresent() {
        OpenClTestSupport.assumeOpenCl();
    }

    private static Tensor random(long seed, int... shape) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() * 2 - 1;
        return Tensor.wrap(v, shape);
    }

    private void assertClose(Tensor expected, Tensor actual, String what) {
        Tensor host = cl.toHost(actual);
        assertArrayEquals(expected.shape(), host.shape(), what);
        float[] e = expected.toFloatArray(), a = host.toFloatArray();
        float scale = 1;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            float tol = 1e-4f * (Math.abs(e[i]) + scale / 10);
            assertTrue(Math.abs(e[i] - a[i]) <= tol, what + ": element " + i + " is " + a[i] + ", expected " + e[i]);
        }
    }

    static List<String> variants() {
        return GemmVariant.ALL.stream().map(GemmVariant::name).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void productsMatchTheReferenceWithEveryVariant(String variant) {
        cl.forcedVariant = GemmVariant.named(variant);
        try {
            Tensor x = random(1, 2, 150, 70);
            Tensor w = random(2, 260, 70);
            Tensor b = random(3, 260);
            assertClose(ReferenceOps.linear(x, w, b), cl.linear(cl.fromHost(x), w, b), "linear [300 x 70] x [70 x 260]");
            Tensor a = random(4, 3, 131, 33);
            Tensor bt = random(5, 3, 129, 33);
            assertClose(ReferenceOps.matmul(a, bt, true), cl.matmul(cl.fromHost(a), bt, true), "matmul b^T 131x33x129, batch 3");
            Tensor img = random(6, 2, 9, 17, 15);
            Tensor k = random(7, 140, 9, 3, 3);
            Tensor kb = random(8, 140);
            assertClose(ReferenceOps.conv2d(img, k, kb, 1, 1, 1, 1, 1, 1, 1),
                    cl.conv2d(cl.fromHost(img), k, kb, Conv2dParams.of(1, 1)), "conv 9->140 3x3 on 17x15");
        } finally {
            cl.forcedVariant = null;
        }
    }
}

package jdiffusion.backends.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import jdiffusion.core.backend.Backend;
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
 * Every variant of the matrix product and convolution kernels (which one runs depends on the device, the
 * product and the tuner) against the reference, on sizes with ragged edges in every dimension, a partial
 * last step of K, both global vector widths, every bias form, strided, dilated, grouped and 1x1
 * convolutions; and bit for bit against the classic 64-wide kernel, since every variant sums in the same order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenClTilingTest {

    private OpenClBackend cl;
    private final List<Case> cases = cases();
    private final List<float[]> classic = new ArrayList<>();

    /**
     * A product on a backend, and what the reference computes. Register-blocked variants differ only in their
     * tile constants, so each runs two kinds of product; two of them (one with two groups of rows per work-item,
     * one with two of columns) run every case. Each kind, storage type and vector width is a kernel build,
     * and builds are most of this test's time on a CPU device.
     */
    private record Case(String name, boolean everyVariant, Function<Backend, Tensor> run, Tensor expected) {
    }

    private static final List<String> EVERY_CASE = List.of("t128x64_k16_8x4", "t64x128_k8_8x8");

    @BeforeAll
    void open() {
        cl = (OpenClBackend) OpenClTestSupport.backendOrNull();
        if (cl == null) return;
        cl.forcedVariant = GemmVariant.named("classic64");
        try {
            for (Case c : cases) classic.add(cl.toHost(c.run().apply(cl)).toFloatArray());
        } finally {
            cl.forcedVariant = null;
        }
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

    private static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        Tensor x = random(1, 2, 150, 70), w = random(2, 260, 70), b = random(3, 260);
        out.add(new Case("linear [300 x 70] x [260 x 70]^T + bias (K not a multiple of 4)",
                false, be -> be.linear(be.fromHost(x), w, b), ReferenceOps.linear(x, w, b)));
        Tensor a = random(4, 3, 131, 33), bt = random(5, 3, 129, 33);
        out.add(new Case("matmul b^T 131x33x129, batch 3", false, be -> be.matmul(be.fromHost(a), bt, true), ReferenceOps.matmul(a, bt, true)));
        Tensor a2 = random(6, 2, 133, 48), b2 = random(7, 48, 132);
        out.add(new Case("matmul 133x48 x 48x132 shared by a batch of 2 (float4 loads and stores)",
                true, be -> be.matmul(be.fromHost(a2), b2, false), ReferenceOps.matmul(a2, b2, false)));
        Tensor x3 = random(8, 70, 36), w3 = random(9, 130, 36), b3 = random(10, 130);
        out.add(new Case("linear [70 x 36] x [130 x 36]^T + bias (float4 loads, a partial last K step)",
                false, be -> be.linear(be.fromHost(x3), w3, b3), ReferenceOps.linear(x3, w3, b3)));
        Tensor img = random(11, 2, 9, 17, 15), k = random(12, 140, 9, 3, 3), kb = random(13, 140);
        out.add(new Case("conv 9->140 3x3 pad 1 on 17x15", true, be -> be.conv2d(be.fromHost(img), k, kb, Conv2dParams.of(1, 1)),
                ReferenceOps.conv2d(img, k, kb, 1, 1, 1, 1, 1, 1, 1)));
        Tensor img2 = random(14, 2, 12, 8, 8), k2 = random(15, 20, 12, 1, 1), kb2 = random(16, 20);
        out.add(new Case("conv 1x1 12->20 on 8x8 + bias (a product per image)",
                false, be -> be.conv2d(be.fromHost(img2), k2, kb2, Conv2dParams.of(1, 0)), ReferenceOps.conv2d(img2, k2, kb2, 1, 1, 0, 0, 1, 1, 1)));
        Tensor img3 = random(17, 1, 4, 11, 13), k3 = random(18, 70, 4, 3, 3);
        out.add(new Case("conv 4->70 3x3 stride 2 pad 1 on 11x13, no bias",
                false, be -> be.conv2d(be.fromHost(img3), k3, null, Conv2dParams.of(2, 1)), ReferenceOps.conv2d(img3, k3, null, 2, 2, 1, 1, 1, 1, 1)));
        Tensor img4 = random(19, 2, 6, 10, 9), k4 = random(20, 8, 3, 3, 3), kb4 = random(21, 8);
        Conv2dParams grouped = new Conv2dParams(1, 2, 2, 1, 2, 1, 2);
        out.add(new Case("conv 6->8 3x3 in 2 groups, stride 1x2, pad 2x1, dilation 2x1",
                false, be -> be.conv2d(be.fromHost(img4), k4, kb4, grouped), ReferenceOps.conv2d(img4, k4, kb4, 1, 2, 2, 1, 2, 1, 2)));
        return out;
    }

    private static void assertClose(Tensor expected, Tensor host, String what) {
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
    void productsMatchTheReferenceAndTheClassicKernelBitForBitWithEveryVariant(String variant) {
        cl.forcedVariant = GemmVariant.named(variant);
        try {
            GemmVariant v = GemmVariant.named(variant);
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                if (!(v.classic() || c.everyVariant() || EVERY_CASE.contains(variant))) continue;
                Tensor y = cl.toHost(c.run().apply(cl));
                assertTrue(cl.lastOperationNote().startsWith(variant + " (forced)"), c.name() + ": ran " + cl.lastOperationNote());
                assertClose(c.expected(), y, variant + ", " + c.name());
                float[] got = y.toFloatArray(), ref = classic.get(i);
                for (int j = 0; j < ref.length; j++) {
                    assertEquals(Float.floatToIntBits(ref[j]), Float.floatToIntBits(got[j]),
                            variant + ", " + c.name() + ": element " + j + " is " + got[j] + ", the classic kernel gave " + ref[j]);
                }
            }
        } finally {
            cl.forcedVariant = null;
        }
    }
}

package jdiffusion.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.Capability;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract every {@link Backend} meets: each operation against {@link ReferenceOps} on random data,
 * over shapes chosen to break tiling and vector code (1, 3, 7, 65 channels; non-square images; sizes
 * that are not multiples of any vector width), with float16 / bfloat16 weights where the backend
 * declares them, weights in unaligned off-heap memory (as memory-mapped files give them), NumPy
 * broadcasting, and long-sequence attention against the full-matrix softmax.
 *
 * <pre>
 * class MyBackendTest extends BackendContractTest {
 *     protected Backend createBackend() { return new MyBackend(); }
 * }
 * </pre>
 *
 * Tensors go to the backend through {@link Backend#fromHost} and come back through {@link Backend#toHost},
 * so device backends run the same tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendContractTest {

    /** The backend under test; called once per test class and closed afterwards. */
    protected abstract Backend createBackend();

    /**
     * Tolerance of reductions (matrix products, convolutions, norms, attention): element i may differ by
     * {@code tolerance() * (|expected_i| + max|expected| / 10)}. Float32 kernels need ~1e-5.
     */
    protected float tolerance() {
        return 1e-4f;
    }

    /** The same for elementwise functions (activations, exp): float32 rounding plus a few ulp of exp/erf. */
    protected float elementwiseTolerance() {
        return 3e-6f;
    }

    /** The backend under test. */
    protected Backend backend;

    @BeforeAll
    void openBackend() {
        backend = createBackend();
    }

    @AfterAll
    void closeBackend() {
        if (backend != null) backend.close();
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** Uniform values in [-1, 1) from a fixed seed. */
    protected static Tensor random(long seed, int... shape) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() * 2 - 1;
        return Tensor.wrap(v, shape);
    }

    /** The same values stored as {@code dtype} in off-heap memory starting at an odd address, like a mapped file. */
    protected static Tensor unalignedOffHeap(Tensor t, DType dtype) {
        Tensor typed = Tensor.ofFloats(dtype, t.toFloatArray(), t.shape());
        MemorySegment m = Arena.ofAuto().allocate(typed.byteSize() + 3).asSlice(3, typed.byteSize());
        MemorySegment.copy(typed.segment(), 0, m, 0, typed.byteSize());
        return Tensor.of(dtype, t.shape(), m);
    }

    /** Weight dtypes the backend claims to read directly. */
    protected List<DType> weightTypes() {
        List<DType> types = new ArrayList<>(List.of(DType.FLOAT32));
        if (backend.capabilities().contains(Capability.FLOAT16_WEIGHTS)) types.add(DType.FLOAT16);
        if (backend.capabilities().contains(Capability.BFLOAT16_WEIGHTS)) types.add(DType.BFLOAT16);
        return types;
    }

    /** A weight tensor of {@code dtype}; non-float32 ones in unaligned off-heap memory. */
    protected static Tensor weight(Tensor values, DType dtype) {
        return dtype == DType.FLOAT32 ? values : unalignedOffHeap(values, dtype);
    }

    /** Moves a host tensor to the backend. */
    protected Tensor in(Tensor host) {
        return host == null ? null : backend.fromHost(host);
    }

    /** Asserts the backend result matches the reference within {@link #tolerance()}. */
    protected void assertClose(Tensor expected, Tensor actualOnBackend, String what) {
        assertClose(expected, actualOnBackend, what, tolerance());
    }

    /** Asserts |actual_i - expected_i| &lt;= rtol * (|expected_i| + max|expected| / 10) for every element. */
    protected void assertClose(Tensor expected, Tensor actualOnBackend, String what, float rtol) {
        Tensor actual = backend.toHost(actualOnBackend);
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        float scale = 1;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            float tol = rtol * (Math.abs(e[i]) + scale / 10);
            if (!(Math.abs(e[i] - a[i]) <= tol) && !(Float.isNaN(e[i]) && Float.isNaN(a[i]))) {
                fail(what + ": element " + i + " of " + Arrays.toString(expected.shape()) + " is " + a[i]
                        + ", expected " + e[i] + " (tolerance " + tol + ")");
            }
        }
    }

    // ---- linear algebra ---------------------------------------------------------------------------

    @Test
    void linearMatchesReferenceForOddSizesAndWeightTypes() {
        int[][] cases = {{1, 1, 1}, {3, 7, 65}, {65, 3, 7}, {17, 64, 33}, {130, 65, 129}, {5, 320, 40}};
        long seed = 1;
        for (DType dt : weightTypes()) {
            for (int[] c : cases) {
                for (boolean withBias : new boolean[]{true, false}) {
                    Tensor x = random(seed++, c[0], c[1]);
                    Tensor w = weight(random(seed++, c[2], c[1]), dt);
                    Tensor b = withBias ? weight(random(seed++, c[2]), dt) : null;
                    assertClose(ReferenceOps.linear(x, w, b), backend.linear(in(x), in(w), in(b)),
                            "linear " + Arrays.toString(c) + " " + dt + (withBias ? " with bias" : ""));
                }
            }
        }
    }

    @Test
    void linearKeepsLeadingDimensions() {
        Tensor x = random(11, 2, 5, 7);
        Tensor w = random(12, 3, 7);
        Tensor b = random(13, 3);
        assertClose(ReferenceOps.linear(x, w, b), backend.linear(in(x), in(w), in(b)), "linear [2,5,7]");
    }

    @Test
    void matmulMatchesReferenceBatchedAndTransposed() {
        int[][] cases = {{1, 1, 1}, {7, 3, 65}, {65, 7, 3}, {33, 64, 17}, {100, 40, 77}};
        long seed = 100;
        for (int[] c : cases) {
            for (boolean tb : new boolean[]{false, true}) {
                int m = c[0], k = c[1], n = c[2];
                Tensor a = random(seed++, 2, 3, m, k);
                Tensor b = tb ? random(seed++, 2, 3, n, k) : random(seed++, 2, 3, k, n);
                assertClose(ReferenceOps.matmul(a, b, tb), backend.matmul(in(a), in(b), tb),
                        "matmul " + Arrays.toString(c) + (tb ? " b^T" : ""));
                Tensor shared = tb ? random(seed++, n, k) : random(seed++, k, n);
                assertClose(ReferenceOps.matmul(a, shared, tb), backend.matmul(in(a), in(shared), tb),
                        "matmul " + Arrays.toString(c) + " with one b for the batch" + (tb ? " b^T" : ""));
            }
        }
    }

    @Test
    void matmulReadsHalfPrecisionAndUnalignedB() {
        long seed = 150;
        for (DType dt : weightTypes()) {
            Tensor a = random(seed++, 37, 19);
            Tensor b = weight(random(seed++, 19, 45), dt);
            assertClose(ReferenceOps.matmul(a, b, false), backend.matmul(in(a), in(b), false), "matmul b " + dt);
        }
    }

    /** N, C, H, W, O, kh, kw, stride, pad, dilation, groups. */
    private static final int[][] CONV_CASES = {
            {1, 1, 5, 7, 1, 3, 3, 1, 1, 1, 1},
            {2, 3, 9, 6, 7, 3, 3, 1, 1, 1, 1},
            {1, 65, 5, 4, 3, 1, 1, 1, 0, 1, 1},
            {2, 7, 11, 13, 5, 3, 3, 2, 1, 1, 1},
            {1, 4, 8, 10, 8, 3, 3, 2, 0, 1, 1},
            {1, 6, 7, 7, 4, 3, 3, 1, 1, 1, 2},
            {1, 5, 12, 9, 6, 3, 3, 1, 2, 2, 1},
            {2, 3, 10, 7, 4, 5, 3, 1, 2, 1, 1},
            {1, 32, 17, 9, 65, 3, 3, 1, 1, 1, 1},
            {1, 64, 8, 8, 32, 1, 1, 1, 0, 1, 1},
            {1, 16, 33, 35, 24, 3, 3, 1, 1, 1, 1},
    };

    @Test
    void conv2dMatchesReferenceForOddShapesStridesAndGroups() {
        long seed = 200;
        for (int[] c : CONV_CASES) {
            Tensor x = random(seed++, c[0], c[1], c[2], c[3]);
            Tensor w = random(seed++, c[4], c[1] / c[10], c[5], c[6]);
            Tensor b = random(seed++, c[4]);
            Conv2dParams p = new Conv2dParams(c[7], c[7], c[8], c[8], c[9], c[9], c[10]);
            assertClose(ReferenceOps.conv2d(x, w, b, c[7], c[7], c[8], c[8], c[9], c[9], c[10]),
                    backend.conv2d(in(x), in(w), in(b), p), "conv2d " + Arrays.toString(c));
        }
    }

    @Test
    void conv2dReadsHalfPrecisionUnalignedWeightsAndNoBias() {
        long seed = 300;
        for (DType dt : weightTypes()) {
            for (int[] c : new int[][]{CONV_CASES[1], CONV_CASES[3], CONV_CASES[8]}) {
                Tensor x = random(seed++, c[0], c[1], c[2], c[3]);
                Tensor w = weight(random(seed++, c[4], c[1], c[5], c[6]), dt);
                Conv2dParams p = new Conv2dParams(c[7], c[7], c[8], c[8], 1, 1, 1);
                assertClose(ReferenceOps.conv2d(x, w, null, c[7], c[7], c[8], c[8], 1, 1, 1),
                        backend.conv2d(in(x), in(w), null, p), "conv2d " + dt + " " + Arrays.toString(c));
            }
        }
    }

    @Test
    void conv2dWithAsymmetricPaddingThroughPad2d() {
        // The VAE's Downsample2D: F.pad(x, (0, 1, 0, 1)) then a 3x3 stride-2 convolution without padding.
        Tensor x = random(320, 1, 6, 9, 11);
        Tensor w = random(321, 6, 6, 3, 3);
        Tensor b = random(322, 6);
        Tensor padded = ReferenceOps.pad2d(x, 0, 1, 0, 1);
        Tensor expected = ReferenceOps.conv2d(padded, w, b, 2, 2, 0, 0, 1, 1, 1);
        Tensor actual = backend.conv2d(backend.pad2d(in(x), 0, 1, 0, 1), in(w), in(b), Conv2dParams.of(2, 0));
        assertClose(expected, actual, "pad (0,1,0,1) + conv stride 2");
    }

    // ---- normalisation ----------------------------------------------------------------------------

    @Test
    void groupNormMatchesReference() {
        int[][] shapes = {{2, 65, 3, 5}, {1, 7, 4, 4}, {2, 32, 9, 7}, {1, 3, 1, 1}, {2, 6, 13}, {1, 320, 8, 8}};
        int[] groups = {5, 7, 8, 1, 3, 32};
        long seed = 400;
        for (DType dt : weightTypes()) {
            for (int i = 0; i < shapes.length; i++) {
                Tensor x = random(seed++, shapes[i]);
                // An offset so the mean is not ~0.
                x = ReferenceOps.map(x, v -> v * 3 + 0.5);
                int c = shapes[i][1];
                Tensor g = weight(random(seed++, c), dt);
                Tensor b = weight(random(seed++, c), dt);
                assertClose(ReferenceOps.groupNorm(x, groups[i], g, b, 1e-5f),
                        backend.groupNorm(in(x), groups[i], in(g), in(b), 1e-5f),
                        "groupNorm " + Arrays.toString(shapes[i]) + " groups " + groups[i] + " " + dt);
            }
        }
        Tensor x = random(seed, 2, 6, 5, 3);
        assertClose(ReferenceOps.groupNorm(x, 2, null, null, 1e-6f), backend.groupNorm(in(x), 2, null, null, 1e-6f),
                "groupNorm without affine");
    }

    @Test
    void layerNormMatchesReference() {
        int[][] shapes = {{3, 7, 65}, {1, 1, 3}, {2, 77, 64}, {5, 1}};
        long seed = 500;
        for (DType dt : weightTypes()) {
            for (int[] s : shapes) {
                Tensor x = ReferenceOps.map(random(seed++, s), v -> v * 2 - 0.3);
                Tensor g = weight(random(seed++, s[s.length - 1]), dt);
                Tensor b = weight(random(seed++, s[s.length - 1]), dt);
                assertClose(ReferenceOps.layerNorm(x, g, b, 1e-5f), backend.layerNorm(in(x), in(g), in(b), 1e-5f),
                        "layerNorm " + Arrays.toString(s) + " " + dt);
                assertClose(ReferenceOps.layerNorm(x, null, null, 1e-5f), backend.layerNorm(in(x), null, null, 1e-5f),
                        "layerNorm " + Arrays.toString(s) + " without affine");
            }
        }
    }

    @Test
    void softmaxMatchesReferenceAndDoesNotOverflow() {
        long seed = 600;
        for (int[] s : new int[][]{{3, 65}, {2, 5, 1}, {4, 7}, {2, 1000}}) {
            Tensor x = ReferenceOps.map(random(seed++, s), v -> v * 20);
            assertClose(ReferenceOps.softmax(x), backend.softmax(in(x)), "softmax " + Arrays.toString(s));
            Tensor big = ReferenceOps.map(x, v -> v + 1000);
            assertClose(ReferenceOps.softmax(big), backend.softmax(in(big)), "softmax of large values " + Arrays.toString(s));
        }
    }

    // ---- attention --------------------------------------------------------------------------------

    @Test
    void attentionMatchesFullMatrixSoftmax() {
        // B, Lq, Lk, heads, D, Dv
        int[][] cases = {{2, 7, 13, 3, 5, 5}, {1, 1, 1, 1, 1, 1}, {2, 64, 7, 8, 8, 8}, {1, 65, 77, 2, 40, 40},
                {2, 33, 33, 4, 16, 8}, {1, 300, 300, 1, 64, 64}};
        long seed = 700;
        for (int[] c : cases) {
            Tensor q = random(seed++, c[0], c[1], c[3] * c[4]);
            Tensor k = random(seed++, c[0], c[2], c[3] * c[4]);
            Tensor v = random(seed++, c[0], c[2], c[3] * c[5]);
            float scale = (float) (1 / Math.sqrt(c[4]));
            assertClose(ReferenceOps.attention(q, k, v, c[3], scale, false),
                    backend.attention(in(q), in(k), in(v), c[3], scale, false), "attention " + Arrays.toString(c));
        }
    }

    @Test
    void causalAttentionMasksLaterKeys() {
        Tensor q = random(750, 2, 77, 2 * 32);
        Tensor k = random(751, 2, 77, 2 * 32);
        Tensor v = random(752, 2, 77, 2 * 32);
        assertClose(ReferenceOps.attention(q, k, v, 2, 0.125f, true),
                backend.attention(in(q), in(k), in(v), 2, 0.125f, true), "causal attention");
    }

    @Test
    void longSequenceAttentionMatchesNaiveSoftmaxAttention() {
        // Longer than any reasonable tile, with peaked scores so the online softmax rescaling matters.
        Tensor q = ReferenceOps.map(random(760, 1, 1100, 2 * 40), x -> 4 * x);
        Tensor k = ReferenceOps.map(random(761, 1, 1100, 2 * 40), x -> 4 * x);
        Tensor v = random(762, 1, 1100, 2 * 40);
        float scale = (float) (1 / Math.sqrt(40));
        assertClose(ReferenceOps.attention(q, k, v, 2, scale, false),
                backend.attention(in(q), in(k), in(v), 2, scale, false), "attention over 1100 tokens");
    }

    // ---- activations ------------------------------------------------------------------------------

    private static Tensor wideRange(long seed, int... shape) {
        return ReferenceOps.map(random(seed, shape), v -> v * 12);
    }

    @Test
    void siluMatchesReference() {
        Tensor x = wideRange(800, 3, 65, 7);
        assertClose(ReferenceOps.silu(x), backend.silu(in(x)), "silu", elementwiseTolerance());
    }

    @Test
    void exactAndTanhGeluMatchReference() {
        Tensor x = wideRange(801, 5, 131);
        assertClose(ReferenceOps.gelu(x, false), backend.gelu(in(x), false), "gelu (erf)", elementwiseTolerance());
        assertClose(ReferenceOps.gelu(x, true), backend.gelu(in(x), true), "gelu (tanh)", elementwiseTolerance());
        Tensor small = ReferenceOps.map(random(802, 1000), v -> v * 3);
        assertClose(ReferenceOps.gelu(small, false), backend.gelu(in(small), false), "gelu (erf) near 0", elementwiseTolerance());
    }

    @Test
    void quickGeluMatchesReference() {
        Tensor x = wideRange(803, 4, 67);
        assertClose(ReferenceOps.quickGelu(x), backend.quickGelu(in(x)), "quick gelu", elementwiseTolerance());
    }

    @Test
    void gegluMultipliesValueByGeluOfGate() {
        for (int[] s : new int[][]{{2, 7, 2 * 65}, {3, 2}, {1, 4, 2 * 320}}) {
            Tensor x = wideRange(804 + s[1], s);
            assertClose(ReferenceOps.geglu(x), backend.geglu(in(x)), "geglu " + Arrays.toString(s), elementwiseTolerance());
        }
    }

    // ---- shape ------------------------------------------------------------------------------------

    @Test
    void upsampleNearestDoublesAndResizesAsPyTorch() {
        Tensor x = random(900, 2, 3, 5, 7);
        int[][] sizes = {{10, 14}, {9, 13}, {5, 7}, {3, 4}, {18, 26}, {11, 7}};
        for (int[] s : sizes) {
            assertClose(ReferenceOps.upsampleNearest(x, s[0], s[1]), backend.upsampleNearest(in(x), s[0], s[1]),
                    "upsample to " + Arrays.toString(s), 0);
        }
    }

    @Test
    void concatJoinsAlongAnyDimension() {
        Tensor a = random(910, 2, 3, 4, 5);
        Tensor b = random(911, 2, 1, 4, 5);
        Tensor c = random(912, 2, 7, 4, 5);
        assertClose(ReferenceOps.concat(1, a, b, c), backend.concat(1, in(a), in(b), in(c)), "concat channels", 0);
        Tensor d = random(913, 1, 3, 4, 5);
        assertClose(ReferenceOps.concat(0, a, d), backend.concat(0, in(a), in(d)), "concat batch", 0);
        Tensor e = random(914, 2, 3, 4, 2);
        assertClose(ReferenceOps.concat(-1, a, e), backend.concat(-1, in(a), in(e)), "concat last", 0);
    }

    @Test
    void narrowPadAndEmbeddingMatchReference() {
        Tensor x = random(920, 2, 8, 3, 5);
        assertClose(ReferenceOps.narrow(x, 1, 4, 4), backend.narrow(in(x), 1, 4, 4), "narrow channels (chunk)", 0);
        assertClose(ReferenceOps.narrow(x, -1, 1, 3), backend.narrow(in(x), -1, 1, 3), "narrow last", 0);
        assertClose(ReferenceOps.narrow(x, 0, 1, 1), backend.narrow(in(x), 0, 1, 1), "narrow batch", 0);
        assertClose(ReferenceOps.pad2d(x, 0, 1, 0, 1), backend.pad2d(in(x), 0, 1, 0, 1), "pad right/bottom", 0);
        assertClose(ReferenceOps.pad2d(x, 2, 1, 3, 0), backend.pad2d(in(x), 2, 1, 3, 0), "pad 2,1,3,0", 0);
        for (DType dt : weightTypes()) {
            Tensor table = weight(random(921, 50, 7), dt);
            int[] ids = {12, 0, 3, 3, 49};
            assertClose(ReferenceOps.embedding(table, ids), backend.embedding(in(table), ids), "embedding " + dt, 0);
        }
    }

    @Test
    void permuteReordersAxes() {
        Tensor x = random(930, 2, 3, 4, 5);
        int[][] orders = {{0, 2, 3, 1}, {0, 3, 1, 2}, {3, 2, 1, 0}, {0, 1, 2, 3}, {1, 0, 2, 3}, {0, 2, 1, 3}, {2, 0, 3, 1}};
        for (int[] o : orders) {
            assertClose(ReferenceOps.permute(x, o), backend.permute(in(x), o), "permute " + Arrays.toString(o), 0);
        }
        Tensor ones = random(932, 1, 3, 1, 5);
        assertClose(ReferenceOps.permute(ones, 2, 0, 3, 1), backend.permute(in(ones), 2, 0, 3, 1), "permute with size-1 axes", 0);
        Tensor big = random(931, 2, 65, 33);
        assertClose(ReferenceOps.permute(big, 0, 2, 1), backend.permute(in(big), 0, 2, 1), "transpose [2,65,33]", 0);
    }

    // ---- elementwise ------------------------------------------------------------------------------

    @Test
    void addSubMulBroadcastAsNumPy() {
        int[][][] pairs = {
                {{2, 3, 4, 5}, {2, 3, 4, 5}},
                {{2, 3, 4, 5}, {5}},
                {{2, 3, 4, 5}, {2, 3, 1, 1}},
                {{3, 1, 5}, {4, 1}},
                {{1}, {2, 7}},
                {{2, 65, 7}, {1, 65, 1}},
                {{1, 3, 1}, {2, 1, 17}},
        };
        long seed = 1000;
        for (int[][] p : pairs) {
            Tensor a = random(seed++, p[0]);
            Tensor b = random(seed++, p[1]);
            String s = Arrays.toString(p[0]) + " and " + Arrays.toString(p[1]);
            assertClose(ReferenceOps.broadcast(a, b, Double::sum), backend.add(in(a), in(b)), "add " + s, elementwiseTolerance());
            assertClose(ReferenceOps.broadcast(a, b, (u, v) -> u - v), backend.sub(in(a), in(b)), "sub " + s, elementwiseTolerance());
            assertClose(ReferenceOps.broadcast(a, b, (u, v) -> u * v), backend.mul(in(a), in(b)), "mul " + s, elementwiseTolerance());
            assertClose(ReferenceOps.broadcast(b, a, (u, v) -> u - v), backend.sub(in(b), in(a)), "sub reversed " + s, elementwiseTolerance());
        }
    }

    @Test
    void addReadsHalfPrecisionOperands() {
        for (DType dt : weightTypes()) {
            Tensor a = random(1100, 2, 9, 3);
            Tensor b = weight(random(1101, 3), dt);
            assertClose(ReferenceOps.broadcast(a, b, Double::sum), backend.add(in(a), in(b)), "add bias " + dt, elementwiseTolerance());
        }
    }

    @Test
    void scaleExpClampMatchReference() {
        Tensor x = ReferenceOps.map(random(1200, 3, 67), v -> v * 40);
        assertClose(ReferenceOps.map(x, v -> v * 0.18215f), backend.scale(in(x), 0.18215f), "scale", elementwiseTolerance());
        Tensor small = ReferenceOps.map(x, v -> v / 4);
        assertClose(ReferenceOps.map(small, Math::exp), backend.exp(in(small)), "exp", elementwiseTolerance());
        assertClose(ReferenceOps.map(x, v -> Math.max(-30, Math.min(20, v))), backend.clamp(in(x), -30, 20), "clamp", elementwiseTolerance());
    }

    // ---- embeddings and conversion ----------------------------------------------------------------

    @Test
    void timestepEmbeddingMatchesDiffusersFormula() {
        float[][] ts = {{981}, {437.25f, 12.5f}, {0, 1, 999}};
        for (float[] t : ts) {
            for (int dim : new int[]{32, 33, 320}) {
                for (boolean flip : new boolean[]{true, false}) {
                    for (float shift : new float[]{0, 1}) {
                        assertClose(ReferenceOps.timestepEmbedding(t, dim, flip, shift, 1, 10000),
                                backend.timestepEmbedding(t, dim, flip, shift, 1, 10000),
                                "timestep embedding " + Arrays.toString(t) + " dim " + dim + " flip " + flip + " shift " + shift);
                    }
                }
            }
        }
        float[] t = {500};
        assertClose(ReferenceOps.timestepEmbedding(t, 8, true, 0, 2, 100),
                backend.timestepEmbedding(t, 8, true, 0, 2, 100), "timestep embedding with scale 2, max period 100");
    }

    @Test
    void convertRoundsToNearestEvenAndBack() {
        float[] v = {0f, -0f, 1f, 1.0009765625f, 1.00048828125f, 65504f, 70000f, 1e-7f, -2.5f, 3.14159265f,
                Float.NaN, Float.POSITIVE_INFINITY, 1.00390625f, 1.001953125f, 6.1e-5f};
        Tensor x = Tensor.wrap(v, v.length);
        for (DType dt : List.of(DType.FLOAT16, DType.BFLOAT16)) {
            Tensor converted = backend.toHost(backend.convert(in(x), dt));
            assertEquals(dt, converted.dtype(), "convert to " + dt);
            Tensor expected = Tensor.ofFloats(dt, v, v.length);
            for (int i = 0; i < v.length; i++) {
                assertEquals(Float.floatToIntBits(expected.getFloat(i)), Float.floatToIntBits(converted.getFloat(i)),
                        "convert " + v[i] + " to " + dt);
            }
            Tensor back = backend.toHost(backend.convert(backend.fromHost(expected), DType.FLOAT32));
            assertEquals(DType.FLOAT32, back.dtype());
            assertArrayEquals(expected.toFloatArray(), back.toFloatArray(), "convert " + dt + " to float32");
        }
    }

    // ---- general contract -------------------------------------------------------------------------

    @Test
    void operationsLeaveTheirInputsUnchanged() {
        Tensor x = random(1300, 2, 8, 5, 6);
        float[] before = x.toFloatArray();
        Tensor w = random(1301, 8, 8, 3, 3);
        Tensor xd = in(x);
        backend.conv2d(xd, in(w), null, Conv2dParams.of(1, 1));
        backend.groupNorm(xd, 4, null, null, 1e-5f);
        backend.silu(xd);
        backend.add(xd, xd);
        backend.softmax(xd);
        backend.permute(xd, 0, 2, 3, 1);
        assertArrayEquals(before, backend.toHost(xd).toFloatArray());
    }

    @Test
    void concurrentCallersGetTheSameResultsAsOneCaller() throws Exception {
        Tensor x = random(1500, 2, 16, 12, 10);
        Tensor w = random(1501, 24, 16, 3, 3);
        Tensor q = random(1502, 1, 150, 64);
        Tensor lw = random(1503, 40, 64);
        Tensor convExpected = backend.toHost(backend.conv2d(in(x), in(w), null, Conv2dParams.of(1, 1)));
        Tensor attnExpected = backend.toHost(backend.attention(in(q), in(q), in(q), 4, 0.25f, false));
        Tensor linExpected = backend.toHost(backend.linear(in(q), in(lw), null));
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Tensor[]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(callers.submit(() -> new Tensor[]{
                        backend.toHost(backend.conv2d(in(x), in(w), null, Conv2dParams.of(1, 1))),
                        backend.toHost(backend.attention(in(q), in(q), in(q), 4, 0.25f, false)),
                        backend.toHost(backend.linear(in(q), in(lw), null))}));
            }
            for (java.util.concurrent.Future<Tensor[]> r : results) {
                Tensor[] got = r.get();
                assertClose(convExpected, got[0], "conv2d called concurrently", elementwiseTolerance());
                assertClose(attnExpected, got[1], "attention called concurrently", elementwiseTolerance());
                assertClose(linExpected, got[2], "linear called concurrently", elementwiseTolerance());
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void mismatchedShapesAreRejectedNamingTheShapes() {
        Tensor x = random(1400, 2, 7);
        Tensor w = random(1401, 3, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.linear(in(x), in(w), null));
        assertTrue(e.getMessage().contains("7") && e.getMessage().contains("8"), e.getMessage());
        Tensor img = random(1402, 1, 3, 8, 8);
        Tensor k = random(1403, 4, 5, 3, 3);
        assertThrows(IllegalArgumentException.class, () -> backend.conv2d(in(img), in(k), null, Conv2dParams.of(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> backend.add(in(random(1, 2, 3)), in(random(2, 4))));
        assertThrows(IllegalArgumentException.class, () -> backend.groupNorm(in(img), 2, null, null, 1e-5f));
    }
}

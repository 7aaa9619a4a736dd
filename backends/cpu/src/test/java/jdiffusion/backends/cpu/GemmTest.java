package jdiffusion.backends.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The blocked, packed, threaded matrix product against the scalar oracle, across block and tile edges. */
class GemmTest {

    private static final Parallel THREE = new Parallel(3);
    private static final Parallel ONE = new Parallel(1);

    @AfterAll
    static void close() {
        THREE.close();
        ONE.close();
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextFloat() * 2 - 1;
        return v;
    }

    private static void assertNear(float[] expected, float[] actual, int k, String what) {
        float tol = 1e-6f * k + 1e-5f;
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > tol) {
                assertEquals(expected[i], actual[i], tol, what + " element " + i);
            }
        }
    }

    @Test
    void multiplyMatchesScalarAcrossDepthBlocksTilesAndEdges() {
        Random r = new Random(42);
        // m, k, n: several depth blocks (k > KC), row blocks (m > MC), partial micro-tiles.
        int[][] cases = {{1, 1, 1}, {7, 5, 3}, {9, 600, 33}, {400, 70, 65}, {193, 513, 140}, {20, 100, 1100}, {64, 256, 64}, {8, 3, 2 * Gemm.NR}};
        for (int[] c : cases) {
            int m = c[0], k = c[1], n = c[2];
            for (boolean transposeB : new boolean[]{false, true}) {
                int batch = 2;
                float[] a = random(r, batch * m * k);
                float[] b = random(r, batch * k * n);
                float[] colBias = random(r, n);
                float[] expected = new float[batch * m * n];
                for (int g = 0; g < batch; g++) {
                    ScalarKernels.matmul(a, g * m * k, b, g * k * n, transposeB, m, k, n, expected, g * m * n);
                }
                for (int i = 0; i < expected.length; i++) expected[i] += colBias[i % n];
                for (Parallel par : new Parallel[]{ONE, THREE}) {
                    float[] actual = new float[batch * m * n];
                    java.util.Arrays.fill(actual, Float.NaN);  // previous contents must be ignored
                    Gemm.Panels bp = transposeB ? Gemm.rows(b, 0, k, (long) k * n) : Gemm.columns(b, 0, n, (long) k * n);
                    Gemm.multiply(par, batch, m, n, k, Gemm.rows(a, 0, k, (long) m * k), false, bp, false,
                            null, 0, colBias, actual, 0, (long) m * n, n);
                    assertNear(expected, actual, k, "multiply " + m + "x" + k + "x" + n + (transposeB ? " b^T" : "")
                            + " threads " + par.threads());
                }
            }
        }
    }

    @Test
    void sharedOperandsAndRowBiasMatchScalar() {
        Random r = new Random(7);
        int m = 37, k = 300, n = 1030;
        float[] a = random(r, m * k);
        float[] b = random(r, n * k);
        float[] rowBias = random(r, m + 5);
        float[] expected = new float[m * n];
        ScalarKernels.matmul(a, 0, b, 0, true, m, k, n, expected, 0);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) expected[i * n + j] += rowBias[5 + i];
        }
        for (boolean aShared : new boolean[]{false, true}) {
            for (boolean bShared : new boolean[]{false, true}) {
                float[] actual = new float[m * n];
                Gemm.multiply(THREE, 1, m, n, k, Gemm.rows(a, 0, k, 0), aShared, Gemm.rows(b, 0, k, 0), bShared,
                        rowBias, 5, null, actual, 0, 0, n);
                assertNear(expected, actual, k, "aShared " + aShared + " bShared " + bShared);
            }
        }
    }

    @Test
    void bothMicroKernelsMatchScalar() {
        Random r = new Random(3);
        for (int mr : new int[]{4, 14}) {
            int kc = 37, nr = Gemm.NR;
            float[] a = random(r, kc * mr);
            float[] b = random(r, kc * nr);
            float[] c = random(r, mr * nr);
            float[] expected = c.clone();
            for (int i = 0; i < mr; i++) {
                for (int j = 0; j < nr; j++) {
                    float s = 0;
                    for (int p = 0; p < kc; p++) s += a[p * mr + i] * b[p * nr + j];
                    expected[i * nr + j] += s;
                }
            }
            if (mr == 4) {
                Gemm.kernel4(a, 0, b, 0, kc, c, 0, nr, true, null, 0, null, 0);
            } else {
                Gemm.kernel14(a, 0, b, 0, kc, c, 0, nr, true, null, 0, null, 0);
            }
            assertNear(expected, c, kc, "kernel" + mr);
        }
    }
}

package jdiffusion.backends.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The vector kernels against their scalar twins in {@link ScalarKernels}, on lengths around the vector width. */
class VectorKernelsTest {

    private static final int[] LENGTHS = {1, 3, 7, 15, 16, 17, 33, 65, 1000};

    private static float[] random(Random r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (r.nextFloat() * 2 - 1) * scale;
        return v;
    }

    /** |expected - actual| <= rtol * max(|expected|, floor): floor is the magnitude errors are relative to. */
    private static void assertNear(float expected, float actual, float rtol, float floor, String what) {
        float tol = rtol * Math.max(floor, Math.abs(expected));
        if (!(Math.abs(expected - actual) <= tol)) assertEquals(expected, actual, tol, what);
    }

    private static void checkActivation(VectorKernels.Activation f, DoubleUnaryOperator scalar, float p0, float p1) {
        Random r = new Random(f.ordinal());
        for (int n : LENGTHS) {
            float[] x = random(r, n + 5, 12);
            float[] y = new float[n + 2];
            VectorKernels.activation(f, x, 5, y, 2, n, p0, p1);
            for (int i = 0; i < n; i++) {
                assertNear((float) scalar.applyAsDouble(x[5 + i]), y[2 + i], 2e-6f, Math.abs(x[5 + i]),
                        f + " n=" + n + " x=" + x[5 + i]);
            }
            assertEquals(0f, y[0], f + " wrote before its range");
        }
    }

    @Test
    void activationsMatchScalarTwins() {
        checkActivation(VectorKernels.Activation.SILU, v -> ScalarKernels.silu((float) v), 0, 0);
        checkActivation(VectorKernels.Activation.GELU, v -> ScalarKernels.gelu((float) v), 0, 0);
        checkActivation(VectorKernels.Activation.GELU_TANH, v -> ScalarKernels.geluTanh((float) v), 0, 0);
        checkActivation(VectorKernels.Activation.QUICK_GELU, v -> ScalarKernels.quickGelu((float) v), 0, 0);
        checkActivation(VectorKernels.Activation.EXP, v -> (float) Math.exp(v), 0, 0);
        checkActivation(VectorKernels.Activation.SCALE, v -> (float) v * 0.3f, 0.3f, 0);
        checkActivation(VectorKernels.Activation.CLAMP, v -> Math.max(-2f, Math.min(3f, (float) v)), -2f, 3f);
    }

    @Test
    void vectorErfMatchesScalarErfEverywhere() {
        float[] x = new float[4001];
        for (int i = 0; i < x.length; i++) x[i] = -10 + i * 0.005f;
        float[] y = new float[x.length];
        VectorKernels.activation(VectorKernels.Activation.GELU, x, 0, y, 0, x.length, 0, 0);
        for (int i = 0; i < x.length; i++) assertNear(ScalarKernels.gelu(x[i]), y[i], 2e-6f, Math.abs(x[i]), "gelu(" + x[i] + ")");
    }

    @Test
    void gegluMatchesScalar() {
        Random r = new Random(9);
        for (int d : new int[]{1, 7, 16, 65}) {
            int rows = 3;
            float[] x = random(r, rows * 2 * d, 5);
            float[] y = new float[rows * d];
            VectorKernels.geglu(x, 0, y, 0, rows, d);
            for (int row = 0; row < rows; row++) {
                for (int i = 0; i < d; i++) {
                    float e = x[row * 2 * d + i] * ScalarKernels.gelu(x[row * 2 * d + d + i]);
                    assertNear(e, y[row * d + i], 2e-6f, 1e-3f, "geglu d=" + d);
                }
            }
        }
    }

    @Test
    void normalizeMatchesScalarForGroupAndLayerNorm() {
        Random r = new Random(11);
        for (int spatial : new int[]{1, 3, 17, 64}) {
            for (int channels : new int[]{1, 3, 10}) {
                int len = spatial * channels;
                float[] x = random(r, len, 3);
                for (int i = 0; i < len; i++) x[i] += 0.7f;
                float[] gamma = random(r, channels + 2, 1);
                float[] beta = random(r, channels + 2, 1);
                float[] e = new float[len];
                float[] a = new float[len];
                ScalarKernels.normalize(x, 0, len, 1e-5f, gamma, beta, 2, spatial, e, 0);
                VectorKernels.normalize(x, 0, len, 1e-5f, gamma, beta, 2, spatial, a, 0);
                for (int i = 0; i < len; i++) assertNear(e[i], a[i], 2e-5f, 1f, "group norm " + channels + "x" + spatial);
                ScalarKernels.normalize(x, 0, len, 1e-5f, null, null, 0, 1, e, 0);
                VectorKernels.normalize(x, 0, len, 1e-5f, null, null, 0, 1, a, 0);
                for (int i = 0; i < len; i++) assertNear(e[i], a[i], 2e-5f, 1f, "layer norm " + len);
            }
        }
    }

    @Test
    void softmaxRowMatchesScalar() {
        Random r = new Random(13);
        for (int n : LENGTHS) {
            float[] x = random(r, n, 30);
            float[] e = new float[n];
            float[] a = new float[n];
            ScalarKernels.softmaxRow(x, 0, n, e, 0);
            VectorKernels.softmaxRow(x, 0, n, a, 0);
            for (int i = 0; i < n; i++) assertNear(e[i], a[i], 1e-5f, 1e-6f, "softmax n=" + n);
        }
    }

    @Test
    void binaryRunsMatchScalarForEveryStridePair() {
        Random r = new Random(17);
        for (VectorKernels.Binary op : VectorKernels.Binary.values()) {
            for (int n : LENGTHS) {
                float[] a = random(r, n + 1, 4);
                float[] b = random(r, n + 1, 4);
                for (int sa = 0; sa <= 1; sa++) {
                    for (int sb = 0; sb <= 1; sb++) {
                        float[] y = new float[n];
                        VectorKernels.binaryRun(op, a, 1, sa, b, 1, sb, y, 0, n);
                        for (int i = 0; i < n; i++) {
                            assertEquals(VectorKernels.combine(op, a[1 + i * sa], b[1 + i * sb]), y[i],
                                    op + " n=" + n + " strides " + sa + "," + sb);
                        }
                    }
                }
            }
        }
    }
}

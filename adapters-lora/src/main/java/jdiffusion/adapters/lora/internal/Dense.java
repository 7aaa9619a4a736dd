package jdiffusion.adapters.lora.internal;

/**
 * Small dense matrix arithmetic on row-major float arrays, for building weight deltas from adapter
 * factors once, when an adapter is bound. Sums accumulate in double: the factors are small (rank x width)
 * and exact sums keep merged and run-time application within float32 rounding of each other.
 */
final class Dense {

    private Dense() {
    }

    /** a [m, k] times b [k, n]. */
    static float[] matmul(float[] a, int m, int k, float[] b, int n) {
        if (a.length != m * k || b.length != k * n) {
            throw new IllegalArgumentException("matmul of " + a.length + " and " + b.length + " elements as [" + m + "," + k + "] x [" + k + "," + n + "]");
        }
        float[] out = new float[m * n];
        double[] row = new double[n];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(row, 0);
            for (int p = 0; p < k; p++) {
                double av = a[i * k + p];
                if (av == 0) continue;
                int bo = p * n;
                for (int j = 0; j < n; j++) row[j] += av * b[bo + j];
            }
            for (int j = 0; j < n; j++) out[i * n + j] = (float) row[j];
        }
        return out;
    }

    /**
     * Kronecker product of a [ar, ac] and b [br, bc, inner] (inner = kh*kw for a convolution's factor, 1
     * otherwise): result [ar*br, ac*bc, inner], as {@code torch.kron(a[:, :, None, None], b)}.
     */
    static float[] kron(float[] a, int ar, int ac, float[] b, int br, int bc, int inner) {
        float[] out = new float[ar * br * ac * bc * inner];
        int cols = ac * bc;
        for (int i1 = 0; i1 < ar; i1++) {
            for (int j1 = 0; j1 < ac; j1++) {
                float av = a[i1 * ac + j1];
                for (int i2 = 0; i2 < br; i2++) {
                    int row = i1 * br + i2;
                    for (int j2 = 0; j2 < bc; j2++) {
                        int col = j1 * bc + j2;
                        int src = (i2 * bc + j2) * inner;
                        int dst = (row * cols + col) * inner;
                        for (int q = 0; q < inner; q++) out[dst + q] = av * b[src + q];
                    }
                }
            }
        }
        return out;
    }

    /**
     * The Tucker (CP) reconstruction LyCORIS uses for convolutions:
     * {@code out[p, q, s] = sum_{i,j} core[i, j, s] * left[i, p] * right[j, q]}, core [ci, cj, inner],
     * left [ci, p], right [cj, q]; result [p, q, inner] (einsum "i j ..., j q, i p -> p q ...").
     */
    static float[] tucker(float[] core, int ci, int cj, int inner, float[] left, int p, float[] right, int q) {
        // t[i, q, s] = sum_j core[i, j, s] * right[j, q]
        double[] t = new double[ci * q * inner];
        for (int i = 0; i < ci; i++) {
            for (int j = 0; j < cj; j++) {
                for (int s = 0; s < inner; s++) {
                    double c = core[(i * cj + j) * inner + s];
                    if (c == 0) continue;
                    for (int qq = 0; qq < q; qq++) t[(i * q + qq) * inner + s] += c * right[j * q + qq];
                }
            }
        }
        float[] out = new float[p * q * inner];
        for (int pp = 0; pp < p; pp++) {
            for (int qq = 0; qq < q; qq++) {
                for (int s = 0; s < inner; s++) {
                    double acc = 0;
                    for (int i = 0; i < ci; i++) acc += left[i * p + pp] * t[(i * q + qq) * inner + s];
                    out[(pp * q + qq) * inner + s] = (float) acc;
                }
            }
        }
        return out;
    }

    /** [r, c] -> [c, r]. */
    static float[] transpose(float[] a, int r, int c) {
        float[] out = new float[a.length];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
        return out;
    }

    static void scaleInPlace(float[] a, double s) {
        if (s == 1) return;
        for (int i = 0; i < a.length; i++) a[i] = (float) (a[i] * s);
    }
}

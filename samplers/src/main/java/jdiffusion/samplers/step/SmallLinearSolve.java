package jdiffusion.samplers.step;

/**
 * Solves a small dense system A x = b in float32 as {@code torch.linalg.solve} does on the CPU with the
 * OpenBLAS LAPACK: LU factorisation with partial pivoting by the left-looking {@code getf2} (each column
 * updated with dot products and a matrix-vector product, the pivot column scaled by the pivot's
 * reciprocal) and triangular solves by {@code trsv} (axpy updates with fused multiply-adds for the
 * untransposed factors, dot products for the transposed ones). PyTorch factorises the transpose when A is
 * stored contiguously and A itself when it is a strided view, and the two round differently, so both are
 * offered.
 */
public final class SmallLinearSolve {

    private SmallLinearSolve() {
    }

    /** x with A x = b from the LU factors of A: P b, then L y = P b forwards, U x = y backwards. */
    public static float[] solve(float[][] a, float[] b) {
        int n = b.length;
        float[][] lu = copy(a, false);
        int[] piv = factor(lu);
        float[] x = b.clone();
        for (int k = 0; k < n; k++) swap(x, k, piv[k]);
        for (int k = 0; k < n; k++) {
            for (int i = k + 1; i < n; i++) x[i] = Math.fma(-x[k], lu[i][k], x[i]);
        }
        for (int k = n - 1; k >= 0; k--) {
            x[k] = x[k] / lu[k][k];
            for (int i = 0; i < k; i++) x[i] = Math.fma(-x[k], lu[i][k], x[i]);
        }
        return x;
    }

    /**
     * x with A x = b from the LU factors of A^T = P L U: U^T y = b forwards, L^T z = y backwards, then the
     * row interchanges in reverse (what PyTorch does for a contiguous A).
     */
    public static float[] solveTransposed(float[][] a, float[] b) {
        int n = b.length;
        float[][] lu = copy(a, true);
        int[] piv = factor(lu);
        float[] x = b.clone();
        for (int i = 0; i < n; i++) {
            double dot = 0;
            for (int k = 0; k < i; k++) dot += lu[k][i] * x[k];
            x[i] = (x[i] - (float) dot) / lu[i][i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double dot = 0;
            for (int k = i + 1; k < n; k++) dot += lu[k][i] * x[k];
            x[i] = x[i] - (float) dot;
        }
        for (int k = n - 1; k >= 0; k--) swap(x, k, piv[k]);
        return x;
    }

    private static float[][] copy(float[][] a, boolean transpose) {
        int n = a.length;
        float[][] out = new float[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) out[i][j] = transpose ? a[j][i] : a[i][j];
        }
        return out;
    }

    /** In-place left-looking LU with partial pivoting; returns the pivot row of each column. */
    private static int[] factor(float[][] lu) {
        int n = lu.length;
        int[] piv = new int[n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < j; i++) {
                int p = piv[i];
                if (p != i) {
                    float t = lu[i][j];
                    lu[i][j] = lu[p][j];
                    lu[p][j] = t;
                }
            }
            for (int i = 1; i < j; i++) {
                double dot = 0;
                for (int k = 0; k < i; k++) dot += lu[i][k] * lu[k][j];
                lu[i][j] = lu[i][j] - (float) dot;
            }
            for (int i = j; i < n; i++) {
                float temp = 0;
                for (int k = 0; k < j; k++) temp = Math.fma(lu[i][k], lu[k][j], temp);
                lu[i][j] = lu[i][j] - temp;
            }
            int p = j;
            float best = Math.abs(lu[j][j]);
            for (int i = j + 1; i < n; i++) {
                if (Math.abs(lu[i][j]) > best) {
                    best = Math.abs(lu[i][j]);
                    p = i;
                }
            }
            piv[j] = p;
            if (lu[p][j] != 0) {
                float r = 1f / lu[p][j];
                for (int k = 0; k <= j && p != j; k++) {
                    float t = lu[p][k];
                    lu[p][k] = lu[j][k];
                    lu[j][k] = t;
                }
                for (int i = j + 1; i < n; i++) lu[i][j] = r * lu[i][j];
            }
        }
        return piv;
    }

    private static void swap(float[] x, int i, int j) {
        if (i == j) return;
        float t = x[i];
        x[i] = x[j];
        x[j] = t;
    }
}

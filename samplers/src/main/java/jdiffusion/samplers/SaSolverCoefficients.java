package jdiffusion.samplers;

/**
 * The b coefficients of SA-Solver (Xue et al. 2023, eqs. 15 and 18) for data prediction in half-logSNR:
 * integrals of e^{(1 + tau^2) lambda} times Lagrange basis polynomials through the past lambdas (by repeated
 * integration by parts, then a Vandermonde solve), or the simplified order-2 forms of the paper's Appendix D.
 * Float32 throughout, in ComfyUI's order of operations; the small solve is LU with partial pivoting.
 */
final class SaSolverCoefficients {

    private SaSolverCoefficients() {
    }

    static float[] b(float sigmaNext, float[] lambdas, float lambdaS, float lambdaT, double tau,
                     boolean simpleOrder2, boolean corrector) {
        int k = lambdas.length;
        if (simpleOrder2 && k == 2) return simple(sigmaNext, lambdas, lambdaS, lambdaT, tau, corrector);
        double tauMul = 1 + tau * tau;
        float h = lambdaT - lambdaS;
        // (1 + tau^2) * integral of e^{(1 + tau^2) x} x^p from s to t, with e^{(1 + tau^2) t} factored out
        float decay = TorchMath.exp((float) (-tauMul) * h);
        float[] product = new float[k];
        for (int p = 0; p < k; p++) product[p] = (float) Math.pow(lambdaT, p) - (float) Math.pow(lambdaS, p) * decay;
        float logTau = (float) Math.log(tauMul);
        float[] integrals = new float[k];
        for (int i = 0; i < k; i++) {
            float acc = 0f;
            for (int j = 0; j <= i; j++) {
                float c = (float) logFactorial(i) - (float) logFactorial(j);
                if (tau > 0) c = c - (float) (i - j) * logTau;
                c = TorchMath.exp(c) * ((i - j) % 2 == 0 ? 1f : -1f);
                acc = acc + c * product[j];
            }
            integrals[i] = acc;
        }
        // Lagrange integrals: solve V^T b = integrals, V[i][j] = lambda_i^j.
        float[][] a = new float[k][k + 1];
        for (int row = 0; row < k; row++) {
            for (int col = 0; col < k; col++) {
                double x = lambdas[col];
                double power = 1;
                for (int q = 0; q < row; q++) power = (float) (power * x);
                a[row][col] = (float) power;
            }
            a[row][k] = integrals[row];
        }
        float[] sol = solve(a, k);
        float alphaT = sigmaNext * F32.exp(lambdaT);
        float[] out = new float[k];
        for (int i = 0; i < k; i++) out[i] = alphaT * sol[i];
        return out;
    }

    /** LU with partial pivoting on the augmented matrix, fused updates, then back substitution. */
    private static float[] solve(float[][] a, int k) {
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int row = col + 1; row < k; row++) if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
            float[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            for (int row = col + 1; row < k; row++) {
                float f = a[row][col] / a[col][col];
                for (int c = col + 1; c <= k; c++) a[row][c] = Math.fma(-f, a[col][c], a[row][c]);
            }
        }
        float[] x = new float[k];
        for (int row = k - 1; row >= 0; row--) {
            float v = a[row][k];
            for (int c = row + 1; c < k; c++) v = Math.fma(-a[row][c], x[c], v);
            x[row] = v / a[row][row];
        }
        return x;
    }

    private static float[] simple(float sigmaNext, float[] lambdas, float lambdaS, float lambdaT, double tau, boolean corrector) {
        double tauMul = 1 + tau * tau;
        float h = lambdaT - lambdaS;
        float alphaT = sigmaNext * F32.exp(lambdaT);
        float e = -F32.expm1(-h * (float) tauMul);
        float b1;
        float b2;
        if (corrector) {
            b1 = alphaT * ((float) (0.5 * tauMul) * h);
            b2 = alphaT * e - b1;
        } else {
            b2 = alphaT * ((float) (0.5 * tauMul) * (h * h)) / (lambdas[0] - lambdaS);
            b1 = alphaT * e - b2;
        }
        return new float[] {b2, b1};
    }

    private static double logFactorial(int n) {
        double s = 0;
        for (int i = 2; i <= n; i++) s += Math.log(i);
        return s;
    }
}

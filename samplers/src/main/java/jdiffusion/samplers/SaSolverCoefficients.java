package jdiffusion.samplers;

/**
 * The b coefficients of SA-Solver (Xue et al. 2023, eqs. 15 and 18) for data prediction in half-logSNR:
 * integrals of e^{(1 + tau^2) lambda} times Lagrange basis polynomials through the past lambdas, or the
 * simplified order-2 forms of the paper's Appendix D. The general case is solved in double.
 */
final class SaSolverCoefficients {

    private SaSolverCoefficients() {
    }

    static float[] b(float sigmaNext, float[] lambdas, float lambdaS, float lambdaT, double tau,
                     boolean simpleOrder2, boolean corrector) {
        int k = lambdas.length;
        if (simpleOrder2 && k == 2) return simple(sigmaNext, lambdas, lambdaS, lambdaT, tau, corrector);
        double tauMul = 1 + tau * tau;
        double s = lambdaS;
        double t = lambdaT;
        double h = t - s;
        double[] product = new double[k];
        double decay = Math.exp(-tauMul * h);
        for (int p = 0; p < k; p++) product[p] = Math.pow(t, p) - Math.pow(s, p) * decay;
        double[] exp = new double[k];
        for (int i = 0; i < k; i++) {
            double sum = 0;
            for (int j = 0; j <= i; j++) {
                double logc = logFactorial(i) - logFactorial(j);
                if (tau > 0) logc -= (i - j) * Math.log(tauMul);
                double c = Math.exp(logc) * ((i - j) % 2 == 0 ? 1 : -1);
                sum += c * product[j];
            }
            exp[i] = sum;
        }
        // Solve V^T b = exp with V[i][j] = lambda_i^j (Lagrange integrals), Gaussian elimination with pivoting.
        double[][] a = new double[k][k + 1];
        for (int row = 0; row < k; row++) {
            for (int col = 0; col < k; col++) a[row][col] = Math.pow(lambdas[col], row);
            a[row][k] = exp[row];
        }
        double[] sol = solve(a, k);
        float alphaT = sigmaNext * F32.exp(lambdaT);
        float[] out = new float[k];
        for (int i = 0; i < k; i++) out[i] = alphaT * (float) sol[i];
        return out;
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

    private static double[] solve(double[][] a, int n) {
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int row = col + 1; row < n; row++) {
                if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            for (int row = col + 1; row < n; row++) {
                double f = a[row][col] / a[col][col];
                for (int c = col; c <= n; c++) a[row][c] -= f * a[col][c];
            }
        }
        double[] x = new double[n];
        for (int row = n - 1; row >= 0; row--) {
            double v = a[row][n];
            for (int c = row + 1; c < n; c++) v -= a[row][c] * x[c];
            x[row] = v / a[row][row];
        }
        return x;
    }
}

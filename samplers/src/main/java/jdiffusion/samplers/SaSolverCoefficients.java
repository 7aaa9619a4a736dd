package jdiffusion.samplers;

import jdiffusion.samplers.step.SmallLinearSolve;

/**
 * The b coefficients of SA-Solver (Xue et al. 2023, eqs. 15 and 18) for data prediction in half-logSNR:
 * integrals of e^{(1 + tau^2) lambda} times Lagrange basis polynomials through the past lambdas (by repeated
 * integration by parts, then a Vandermonde solve), or the simplified order-2 forms of the paper's Appendix D.
 * Float32 in ComfyUI's order of operations; the small solve is the shared OpenBLAS-order LU solve.
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
            // The matrix-vector product is accumulated in double, as the BLAS dot products behind torch.mv are.
            double acc = 0;
            for (int j = 0; j <= i; j++) {
                float c = (float) logFactorial(i) - (float) logFactorial(j);
                if (tau > 0) c = c - (float) (i - j) * logTau;
                c = TorchMath.exp(c) * ((i - j) % 2 == 0 ? 1f : -1f);
                acc += (double) c * product[j];
            }
            integrals[i] = (float) acc;
        }
        // Lagrange integrals: solve V^T b = integrals, V[i][j] = lambda_i^j (torch.vander: powers by a cumulative
        // product in double). V^T is a strided view, which torch.linalg.solve factorises as it stands.
        float[][] vt = new float[k][k];
        for (int row = 0; row < k; row++) {
            for (int col = 0; col < k; col++) {
                double x = lambdas[col];
                double power = 1;
                for (int q = 0; q < row; q++) power = (float) (power * x);
                vt[row][col] = (float) power;
            }
        }
        float[] sol = SmallLinearSolve.solve(vt, integrals);
        float alphaT = sigmaNext * F32.exp(lambdaT);
        float[] out = new float[k];
        for (int i = 0; i < k; i++) out[i] = alphaT * sol[i];
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
}

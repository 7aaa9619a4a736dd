package jdiffusion.samplers;

/**
 * The coefficient lists of {@link DeisSampler}, as ComfyUI's {@code deis.get_deis_coeff_list} computes them.
 */
final class DeisCoefficients {

    private DeisCoefficients() {
    }

    /** Quadrature points of the tab mode (the reference's N). */
    private static final int N = 10000;

    /**
     * tab mode: sigmas mapped to VP time t (with the EDM range sigma in [0.002, 80], epsilon_s = 1e-3), and each
     * coefficient the Riemann sum over N + 1 equally spaced points of the exponential-integrator kernel
     * -1/2 d(log alpha)/dt / sqrt(alpha (1 - alpha)) times a Lagrange basis polynomial. Computed in double.
     */
    static float[][] tab(float[] sigmas, int maxOrder) {
        double epsS = 1e-3;
        double sMin = (float) 0.002;
        double sMax = 80f;
        double logMax = Math.log(sMax * sMax + 1);
        double betaD = 2 * (Math.log(sMin * sMin + 1) / epsS - logMax) / (epsS - 1);
        double betaMin = logMax - 0.5 * betaD;
        double beta0 = betaMin;
        double beta1 = betaD + betaMin;
        double[] t = new double[sigmas.length];
        for (int i = 0; i < t.length; i++) {
            double s = sigmas[i];
            t[i] = (Math.sqrt(betaMin * betaMin + 2 * betaD * Math.log(s * s + 1)) - betaMin) / betaD;
        }
        float[][] c = new float[sigmas.length - 1][];
        for (int i = 0; i < c.length; i++) {
            int order = Math.min(i + 1, maxOrder);
            if (order == 1) {
                c[i] = new float[0];
                continue;
            }
            double tCur = t[i];
            double tNext = t[i + 1];
            double dtau = (tNext - tCur) / N;
            double[] prev = new double[order];
            for (int k = 0; k < order; k++) prev[k] = t[i - k];
            double[] sums = new double[order];
            for (int q = 0; q < N; q++) {
                double tau = q == N - 1 ? tNext : tCur + (tNext - tCur) * q / (N - 1);
                double alpha = Math.exp(-0.5 * tau * tau * (beta1 - beta0) - tau * beta0);
                double dLogAlpha = -tau * (beta1 - beta0) - beta0;
                double integrand = -0.5 * dLogAlpha / Math.sqrt(alpha * (1 - alpha));
                for (int j = 0; j < order; j++) {
                    double poly = 1;
                    for (int k = 0; k < order; k++) {
                        if (k != j) poly *= (tau - prev[k]) / (prev[j] - prev[k]);
                    }
                    sums[j] += integrand * poly;
                }
            }
            c[i] = new float[order];
            for (int j = 0; j < order; j++) c[i][j] = (float) (sums[j] * dtau);
        }
        return c;
    }

    /**
     * rhoab mode: closed-form integrals in sigma of the Lagrange polynomials through the current and
     * min(i, max_order) previous sigmas, in float32 as the reference computes them. For order 4 the reference
     * has no formula and keeps the previous step's list; that is kept too.
     */
    static float[][] rhoab(float[] sigmas, int maxOrder) {
        float[][] c = new float[sigmas.length - 1][];
        float[] last = new float[0];
        for (int i = 0; i < c.length; i++) {
            int order = Math.min(i, maxOrder);
            if (order == 0) {
                c[i] = new float[0];
            } else if (order <= 3) {
                last = rhoabStep(sigmas, i, order);
                c[i] = last;
            } else {
                c[i] = last;
            }
        }
        return c;
    }

    /** The rhoab coefficients at step i through the current and {@code order} (1-3) previous sigmas. */
    static float[] rhoabStep(float[] t, int i, int order) {
        float tCur = t[i];
        float tNext = t[i + 1];
        if (order == 1) {
            float p1 = t[i - 1];
            float a = tNext - p1;
            float b = tCur - p1;
            float cur = (a * a - b * b) / (2 * (tCur - p1));
            float dt = tNext - tCur;
            float prev1 = dt * dt / (2 * (p1 - tCur));
            return new float[] {cur, prev1};
        }
        if (order == 2) {
            float p1 = t[i - 1];
            float p2 = t[i - 2];
            return new float[] {
                    integral2(p1, p2, tCur, tNext, tCur),
                    integral2(tCur, p2, tCur, tNext, p1),
                    integral2(tCur, p1, tCur, tNext, p2)};
        }
        if (order == 3) {
            float p1 = t[i - 1];
            float p2 = t[i - 2];
            float p3 = t[i - 3];
            return new float[] {
                    integral3(p1, p2, p3, tCur, tNext, tCur),
                    integral3(tCur, p2, p3, tCur, tNext, p1),
                    integral3(tCur, p1, p3, tCur, tNext, p2),
                    integral3(tCur, p1, p2, tCur, tNext, p3)};
        }
        throw new IllegalArgumentException("rhoab order " + order + " is not defined");
    }

    private static float cube(float x) {
        return x * x * x;
    }

    private static float integral2(float a, float b, float start, float end, float c) {
        float coeff = (cube(end) - cube(start)) / 3 - (end * end - start * start) * (a + b) / 2 + (end - start) * a * b;
        return coeff / ((c - a) * (c - b));
    }

    private static float integral3(float a, float b, float c, float start, float end, float d) {
        float e4 = F32.pow(end, 4) - F32.pow(start, 4);
        float coeff = e4 / 4 - (cube(end) - cube(start)) * (a + b + c) / 3
                + (end * end - start * start) * (a * b + a * c + b * c) / 2 - (end - start) * a * b * c;
        return coeff / ((d - a) * (d - b) * (d - c));
    }
}

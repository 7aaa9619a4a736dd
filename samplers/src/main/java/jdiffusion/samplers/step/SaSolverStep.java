package jdiffusion.samplers.step;

import static jdiffusion.samplers.step.Float32Math.exp;
import static jdiffusion.samplers.step.Float32Math.sqrt;

import java.util.List;

/**
 * The stochastic Adams methods of Xue et al. (2023), "SA-Solver: Stochastic Adams Solver for Fast Sampling
 * of Diffusion Models": the stochastic Adams-Bashforth predictor (Algorithm 1) and Adams-Moulton corrector
 * of orders 1 to 4 in the half log-SNR lambda, for data prediction (with the tau-weighted exponential
 * integrals) or noise prediction, with diffusers' order-2 modification for few steps. tau is the amount of
 * injected noise (0 gives a deterministic solver).
 */
public final class SaSolverStep {

    private SaSolverStep() {
    }

    /** A noise level: alpha_t, sigma_t and lambda = log(alpha) - log(sigma). */
    public record Level(float alpha, float sigma, float lambda) {
        public static Level of(float alpha, float sigma) {
            return new Level(alpha, sigma, Float32Math.log(alpha) - Float32Math.log(sigma));
        }
    }

    /**
     * The predictor from s0 to t. {@code outputs} holds the model outputs, newest last (newest at s0);
     * {@code lambdas} the lambdas of the last {@code order} points, newest (s0) first; {@code before}
     * the point preceding s0 (used by the order-2 modification).
     */
    public static float[] predictor(boolean dataPrediction, int order, int tau, float[] sample, List<float[]> outputs,
                                     Level t, Level s0, float[] lambdas, Level before, float[] noise) {
        float h = t.lambda - s0.lambda;
        float[] gc = coefficients(dataPrediction, order, s0.lambda, t.lambda, lambdas, tau);
        int c = 1 + tau * tau;
        if (dataPrediction && order == 2) {
            float corr = 1.0f * exp(c * t.lambda)
                    * (h * h / 2 - (h * c - 1 + exp(c * -h)) / (float) (c * c))
                    / (s0.lambda - before.lambda);
            gc[0] = gc[0] + corr;
            gc[1] = gc[1] - corr;
        }
        return update(dataPrediction, order, tau, sample, outputs, t, s0, gc, h, noise);
    }

    /**
     * The corrector at t (reached from {@code lastSample} at s0), with {@code thisOutput} the converted
     * model output at t appended to {@code outputs}; {@code lambdas} newest (t) first.
     */
    public static float[] corrector(boolean dataPrediction, int order, int tau, float[] lastSample, List<float[]> outputs,
                                    Level t, Level s0, float[] lambdas, float[] lastNoise) {
        float h = t.lambda - s0.lambda;
        float[] gc = coefficients(dataPrediction, order, s0.lambda, t.lambda, lambdas, tau);
        int c = 1 + tau * tau;
        if (dataPrediction && order == 2) {
            float corr = 1.0f * exp(c * t.lambda)
                    * (h / 2 - (h * c - 1 + exp(c * -h)) / ((float) (c * c) * h));
            gc[0] = gc[0] + corr;
            gc[1] = gc[1] - corr;
        }
        return update(dataPrediction, order, tau, lastSample, outputs, t, s0, gc, h, lastNoise);
    }

    private static float[] update(boolean dataPrediction, int order, int tau, float[] x, List<float[]> outputs,
                                  Level t, Level s0, float[] gc, float h, float[] noise) {
        int c = 1 + tau * tau;
        int n = x.length;
        float[] gradient = new float[n];
        for (int i = 0; i < order; i++) {
            float[] m = outputs.get(outputs.size() - 1 - i);
            float k = dataPrediction ? c * t.sigma * exp(-(tau * tau) * t.lambda) * gc[i] : -c * t.alpha * gc[i];
            for (int j = 0; j < n; j++) gradient[j] = gradient[j] + k * m[j];
        }
        float noiseCoeff = dataPrediction ? t.sigma * sqrt(1 - exp(-2 * tau * tau * h))
                : tau * t.sigma * sqrt(exp(2 * h) - 1);
        float xCoeff = dataPrediction ? exp(-(tau * tau) * h) * (t.sigma / s0.sigma) : t.alpha / s0.alpha;
        float[] out = new float[n];
        for (int j = 0; j < n; j++) out[j] = xCoeff * x[j] + gradient[j] + noiseCoeff * noise[j];
        return out;
    }

    /** sum_j L_ij E_{order-1-j}: the integrals of the Lagrange basis against the exponential weight. */
    static float[] coefficients(boolean dataPrediction, int order, float start, float end, float[] lambdas, int tau) {
        float[][] lagrange = lagrange(order - 1, lambdas);
        float[] out = new float[order];
        for (int i = 0; i < order; i++) {
            float sum = 0;
            for (int j = 0; j < order; j++) {
                float e = dataPrediction ? positive(order - 1 - j, start, end, tau) : negative(order - 1 - j, start, end);
                float term = lagrange[i][j] * e;
                sum = j == 0 ? term : sum + term;
            }
            out[i] = sum;
        }
        return out;
    }

    /**
     * The monomial coefficients of the Lagrange basis polynomials through {@code order + 1} nodes: row i
     * is the basis polynomial of node i, highest power first.
     */
    static float[][] lagrange(int order, float[] l) {
        int k = order + 1;
        float[][] out = new float[k][k];
        if (order == 0) {
            out[0][0] = 1;
            return out;
        }
        for (int i = 0; i < k; i++) {
            float[] o = new float[order];
            int m = 0;
            for (int j = 0; j < k; j++) {
                if (j != i) o[m++] = l[j];
            }
            float d = l[i] - o[0];
            for (int j = 1; j < order; j++) d = d * (l[i] - o[j]);
            out[i][0] = 1 / d;
            if (order == 1) {
                out[i][1] = -o[0] / d;
            } else if (order == 2) {
                out[i][1] = (-o[0] - o[1]) / d;
                out[i][2] = o[0] * o[1] / d;
            } else {
                out[i][1] = (-o[0] - o[1] - o[2]) / d;
                out[i][2] = (o[0] * o[1] + o[0] * o[2] + o[1] * o[2]) / d;
                out[i][3] = (-o[0] * o[1] * o[2]) / d;
            }
        }
        return out;
    }

    /** The integral of e^((1 + tau^2) lambda) lambda^k over [start, end] (data prediction). */
    static float positive(int k, float start, float end, int tau) {
        int c = 1 + tau * tau;
        float e = c * end;
        float s = c * start;
        float decay = exp(-(e - s));
        switch (k) {
            case 0:
                return exp(e) * (1 - decay) / (float) c;
            case 1:
                return exp(e) * ((e - 1) - (s - 1) * decay) / (float) (c * c);
            case 2:
                return exp(e) * ((e * e - 2 * e + 2) - (s * s - 2 * s + 2) * decay) / (float) (c * c * c);
            default:
                return exp(e) * ((e * e * e - 3 * (e * e) + 6 * e - 6) - (s * s * s - 3 * (s * s) + 6 * s - 6) * decay)
                        / (float) (c * c * c * c);
        }
    }

    /** The integral of e^(-lambda) lambda^k over [start, end] (noise prediction). */
    static float negative(int k, float start, float end) {
        float growth = exp(end - start);
        switch (k) {
            case 0:
                return exp(-end) * (growth - 1);
            case 1:
                return exp(-end) * ((start + 1) * growth - (end + 1));
            case 2:
                return exp(-end) * ((start * start + 2 * start + 2) * growth - (end * end + 2 * end + 2));
            default:
                return exp(-end) * ((start * start * start + 3 * (start * start) + 6 * start + 6) * growth
                        - (end * end * end + 3 * (end * end) + 6 * end + 6));
        }
    }
}

package jdiffusion.samplers;

import java.util.ArrayList;
import java.util.List;

/**
 * UniPC (Zhao et al. 2023, "UniPC: A Unified Predictor-Corrector Framework for Fast Sampling of Diffusion
 * Models", arXiv:2302.04867), multistep data prediction with the B(h) = h variant (bh1) or B(h) = e^h - 1
 * ({@link Bh2}), as ComfyUI's {@code sample_unipc}: the latent is moved to variance-preserving scale, the
 * solver runs on sigmas as time with order min(3, steps - 1) and lower order at the end, a final sigma of 0
 * is replaced by 0.001 (or half the last non-zero sigma where that is not above 0.001), and the result is
 * scaled back. As in ComfyUI, a single step leaves the latent unchanged but for that scaling. The listener reports each step's state and the
 * latest data prediction, in the sampler's sigma scale.
 */
public class UniPcSampler extends KSampler {

    private final boolean bh2;

    public UniPcSampler() {
        this("uni_pc", false);
    }

    UniPcSampler(String name, boolean bh2) {
        super(name, List.of(), "UniPC multistep predictor-corrector (Zhao et al. 2023), " + (bh2 ? "B(h) = e^h - 1" : "B(h) = h"));
        this.bh2 = bh2;
    }

    // The variance-preserving view of a sigma (ComfyUI's SigmaConvert), in float32.
    private static float logMeanCoeff(float sigma) {
        return 0.5f * F32.log(1 / (sigma * sigma + 1));
    }

    private static float alpha(float sigma) {
        return F32.exp(logMeanCoeff(sigma));
    }

    private static float std(float sigma) {
        return F32.sqrt(1.0f - F32.exp(2.0f * logMeanCoeff(sigma)));
    }

    private static float lambda(float sigma) {
        float lmc = logMeanCoeff(sigma);
        float logStd = 0.5f * F32.log(1.0f - F32.exp(2.0f * lmc));
        return lmc - logStd;
    }

    /** Data prediction x0 at the variance-preserving latent x for sigma. */
    private static float[] dataPrediction(SamplerRun r, float[] x, float sigma) {
        float scale = F32.sqrt(sigma * sigma + 1.0f);
        float[] in = V.mul(x, scale);
        float[] denoised = r.denoise(in, sigma);
        float a = alpha(sigma);
        float s = std(sigma);
        float[] x0 = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float eps = (in[i] - denoised[i]) / sigma;
            x0[i] = (x[i] - s * eps) / a;
        }
        return x0;
    }

    @Override
    final float[] run(SamplerRun r, float[] xIn, float[] sigmas) {
        float[] ts = sigmas.clone();
        if (ts[ts.length - 1] == 0) {
            // ComfyUI ends at sigma 0.001 instead of 0; where the schedule already reaches 0.001 that would be a
            // zero-length step (NaN there), so the end is placed halfway below the last non-zero sigma instead.
            float end = 0.001f;
            if (ts.length >= 2 && !(end < ts[ts.length - 2])) end = ts[ts.length - 2] * 0.5f;
            ts[ts.length - 1] = end;
        }
        int steps = ts.length - 1;
        if (steps < 1) return xIn.clone();
        float[] x = V.div(xIn, F32.sqrt(1.0f + ts[0] * ts[0]));
        int order = Math.min(3, ts.length - 2);
        List<float[]> models = new ArrayList<>();
        List<Float> times = new ArrayList<>();
        for (int stepIndex = 0; stepIndex < steps; stepIndex++) {
            if (stepIndex == 0) {
                models.add(dataPrediction(r, x, ts[0]));
                times.add(ts[0]);
            } else if (stepIndex < order) {
                float t = ts[stepIndex];
                Update u = update(r, x, models, times, t, stepIndex, true);
                x = u.x();
                models.add(u.model() != null ? u.model() : dataPrediction(r, x, t));
                times.add(t);
            } else {
                int extra = stepIndex == steps - 1 ? 1 : 0;
                for (int step = stepIndex; step <= stepIndex + extra; step++) {
                    float t = ts[step];
                    int stepOrder = Math.min(order, steps + 1 - step);
                    boolean corrector = step != steps;
                    Update u = update(r, x, models, times, t, stepOrder, corrector);
                    x = u.x();
                    for (int i = 0; i < order - 1; i++) {
                        times.set(i, times.get(i + 1));
                        models.set(i, models.get(i + 1));
                    }
                    times.set(times.size() - 1, t);
                    if (step < steps) models.set(models.size() - 1, u.model() != null ? u.model() : dataPrediction(r, x, t));
                }
            }
            float sigmaNow = ts[Math.min(stepIndex, steps)];
            r.step(stepIndex, sigmaNow, sigmaNow, V.mul(x, F32.sqrt(1.0f + sigmaNow * sigmaNow)), models.get(models.size() - 1));
        }
        return V.div(x, alpha(ts[ts.length - 1]));
    }

    private record Update(float[] x, float[] model) {
    }

    /** One UniPC-bh step (predictor, then corrector when asked) to time t from the history. */
    private Update update(SamplerRun r, float[] x, List<float[]> models, List<Float> times, float t, int order, boolean useCorrector) {
        float tPrev0 = times.get(times.size() - 1);
        float lambdaPrev0 = lambda(tPrev0);
        float lambdaT = lambda(t);
        float[] modelPrev0 = models.get(models.size() - 1);
        float sigmaPrev0 = std(tPrev0);
        float sigmaT = std(t);
        float alphaT = F32.exp(logMeanCoeff(t));
        float h = lambdaT - lambdaPrev0;

        List<Float> rks = new ArrayList<>();
        List<float[]> d1s = new ArrayList<>();
        for (int i = 1; i < order; i++) {
            float tPrevI = times.get(times.size() - 1 - i);
            float[] modelPrevI = models.get(models.size() - 1 - i);
            float rk = (lambda(tPrevI) - lambdaPrev0) / h;
            rks.add(rk);
            d1s.add(V.div(V.sub(modelPrevI, modelPrev0), rk));
        }
        rks.add(1.0f);

        float hh = -h;
        float hPhi1 = F32.expm1(hh);
        float hPhiK = hPhi1 / hh - 1;
        int factorial = 1;
        float bH = bh2 ? F32.expm1(hh) : hh;
        double[][] rMat = new double[order][order];
        double[] b = new double[order];
        for (int i = 1; i <= order; i++) {
            for (int k = 0; k < order; k++) rMat[i - 1][k] = F32.pow(rks.get(k), i - 1);
            b[i - 1] = hPhiK * factorial / bH;
            factorial *= (i + 1);
            hPhiK = hPhiK / hh - 1f / factorial;
        }

        float[] rhosP = null;
        if (!d1s.isEmpty()) {
            rhosP = order == 2 ? new float[] {0.5f} : solve(rMat, b, order - 1);
        }
        float[] rhosC = null;
        if (useCorrector) rhosC = order == 1 ? new float[] {0.5f} : solve(rMat, b, order);

        float k0 = sigmaT / sigmaPrev0;
        float k1 = alphaT * hPhi1;
        float[] xT0 = new float[x.length];
        for (int i = 0; i < x.length; i++) xT0[i] = k0 * x[i] - k1 * modelPrev0[i];
        float kb = alphaT * bH;
        float[] xT;
        if (!d1s.isEmpty()) {
            float[] predRes = V.dot(d1s.toArray(new float[0][]), rhosP);
            xT = new float[x.length];
            for (int i = 0; i < x.length; i++) xT[i] = xT0[i] - kb * predRes[i];
        } else {
            xT = xT0.clone();
        }
        float[] modelT = null;
        if (useCorrector) {
            modelT = dataPrediction(r, xT, t);
            float[] corrRes = d1s.isEmpty() ? new float[x.length]
                    : V.dot(d1s.toArray(new float[0][]), java.util.Arrays.copyOf(rhosC, rhosC.length - 1));
            float last = rhosC[rhosC.length - 1];
            float[] o = new float[x.length];
            for (int i = 0; i < x.length; i++) o[i] = xT0[i] - kb * (corrRes[i] + last * (modelT[i] - modelPrev0[i]));
            xT = o;
        }
        return new Update(xT, modelT);
    }

    /** Solves the leading n x n block of R rho = b in double (Gaussian elimination with partial pivoting). */
    private static float[] solve(double[][] r, double[] b, int n) {
        double[][] a = new double[n][n + 1];
        for (int i = 0; i < n; i++) {
            System.arraycopy(r[i], 0, a[i], 0, n);
            a[i][n] = b[i];
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int i = c + 1; i < n; i++) if (Math.abs(a[i][c]) > Math.abs(a[p][c])) p = i;
            double[] tmp = a[c];
            a[c] = a[p];
            a[p] = tmp;
            for (int i = c + 1; i < n; i++) {
                double f = a[i][c] / a[c][c];
                for (int j = c; j <= n; j++) a[i][j] -= f * a[c][j];
            }
        }
        float[] x = new float[n];
        double[] xd = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double v = a[i][n];
            for (int j = i + 1; j < n; j++) v -= a[i][j] * xd[j];
            xd[i] = v / a[i][i];
            x[i] = (float) xd[i];
        }
        return x;
    }

    /** {@code uni_pc_bh2}: UniPC with B(h) = e^h - 1. */
    public static final class Bh2 extends UniPcSampler {
        public Bh2() {
            super("uni_pc_bh2", true);
        }
    }
}

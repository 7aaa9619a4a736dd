package jdiffusion.samplers;

import java.util.HashMap;
import java.util.Map;

/**
 * DPM-Solver (Lu et al. 2022, arXiv:2206.00927) in k-diffusion's form: time t = -log sigma, the noise
 * prediction eps = (x - D(x; sigma)) / sigma, and the singlestep solvers of order 1-3 (Algorithms 1, 4, 5
 * with r1 = 1/2 or 1/3, r2 = 2/3), with the fixed-step "fast" schedule and the adaptive step-size control of
 * Section 5 (a PID controller on the error between orders). Per-run object: one per sampling call.
 */
final class DpmSolver {

    private final SamplerRun run;

    DpmSolver(SamplerRun run) {
        this.run = run;
    }

    static float t(float sigma) {
        return -F32.log(sigma);
    }

    static float sigma(float t) {
        return F32.exp(-t);
    }

    /** eps at (x, t), cached per step under {@code key} as the reference does. */
    private float[] eps(Map<String, float[]> cache, String key, float[] x, float t) {
        float[] e = cache.get(key);
        if (e != null) return e;
        float s = sigma(t);
        float[] denoised = run.denoise(x, s);
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) out[i] = (x[i] - denoised[i]) / s;
        cache.put(key, out);
        return out;
    }

    float[] step1(float[] x, float t, float tNext, Map<String, float[]> cache) {
        float h = tNext - t;
        float[] eps = eps(cache, "eps", x, t);
        float c = sigma(tNext) * F32.expm1(h);
        float[] o = new float[x.length];
        for (int i = 0; i < o.length; i++) o[i] = x[i] - c * eps[i];
        return o;
    }

    float[] step2(float[] x, float t, float tNext, double r1, Map<String, float[]> cache) {
        float h = tNext - t;
        float[] eps = eps(cache, "eps", x, t);
        float s1 = t + (float) r1 * h;
        float c1 = sigma(s1) * F32.expm1((float) r1 * h);
        float[] u1 = new float[x.length];
        for (int i = 0; i < u1.length; i++) u1[i] = x[i] - c1 * eps[i];
        float[] epsR1 = eps(cache, "eps_r1", u1, s1);
        float c = sigma(tNext) * F32.expm1(h);
        float c2 = sigma(tNext) / (float) (2 * r1) * F32.expm1(h);
        float[] o = new float[x.length];
        for (int i = 0; i < o.length; i++) o[i] = (x[i] - c * eps[i]) - c2 * (epsR1[i] - eps[i]);
        return o;
    }

    float[] step3(float[] x, float t, float tNext, Map<String, float[]> cache) {
        final double r1 = 1.0 / 3;
        final double r2 = 2.0 / 3;
        float h = tNext - t;
        float[] eps = eps(cache, "eps", x, t);
        float s1 = t + (float) r1 * h;
        float s2 = t + (float) r2 * h;
        float c1 = sigma(s1) * F32.expm1((float) r1 * h);
        float[] u1 = new float[x.length];
        for (int i = 0; i < u1.length; i++) u1[i] = x[i] - c1 * eps[i];
        float[] epsR1 = eps(cache, "eps_r1", u1, s1);
        float r2h = (float) r2 * h;
        float c2a = sigma(s2) * F32.expm1(r2h);
        float c2b = sigma(s2) * (float) (r2 / r1) * (F32.expm1(r2h) / r2h - 1);
        float[] u2 = new float[x.length];
        for (int i = 0; i < u2.length; i++) u2[i] = (x[i] - c2a * eps[i]) - c2b * (epsR1[i] - eps[i]);
        float[] epsR2 = eps(cache, "eps_r2", u2, s2);
        float c = sigma(tNext) * F32.expm1(h);
        float c3 = sigma(tNext) / (float) r2 * (F32.expm1(h) / h - 1);
        float[] o = new float[x.length];
        for (int i = 0; i < o.length; i++) o[i] = (x[i] - c * eps[i]) - c3 * (epsR2[i] - eps[i]);
        return o;
    }

    /** x + su * s_noise * noise, with su a Python 0 when there is no noise. */
    private static float[] addNoise(float[] x, float su, float sNoise, float[] noise) {
        float k = su * sNoise;
        float[] o = new float[x.length];
        for (int i = 0; i < o.length; i++) o[i] = x[i] + k * noise[i];
        return o;
    }

    /** DPM-Solver-fast: NFE {@code nfe} spread over steps of order 3 (and a final 2/1), uniform in t. */
    float[] fast(float[] x, float tStart, float tEnd, int nfe, double eta, float sNoise) {
        if (!(tEnd > tStart) && eta != 0) {
            throw new IllegalArgumentException("dpm_fast: eta must be 0 for reverse sampling (sigma_min = sigma_max here); got eta = " + eta);
        }
        int m = nfe / 3 + 1;
        float[] ts = TorchLinspace.of(tStart, tEnd, m + 1);
        int[] orders;
        if (nfe % 3 == 0) {
            orders = new int[m];
            java.util.Arrays.fill(orders, 3);
            orders[m - 2] = 2;
            orders[m - 1] = 1;
        } else {
            orders = new int[m];
            java.util.Arrays.fill(orders, 3);
            orders[m - 1] = nfe % 3;
        }
        for (int i = 0; i < orders.length; i++) {
            Map<String, float[]> cache = new HashMap<>();
            float t = ts[i];
            float tNext = ts[i + 1];
            float tNextUsed;
            float su;
            if (eta != 0) {
                AncestralSplit a = AncestralSplit.of(sigma(t), sigma(tNext), eta);
                tNextUsed = Math.min(tEnd, t(a.down()));
                float sn = sigma(tNext);
                float snu = sigma(tNextUsed);
                su = F32.sqrt(sn * sn - snu * snu);
            } else {
                tNextUsed = tNext;
                su = 0f;
            }
            float[] eps = eps(cache, "eps", x, t);
            float st = sigma(t);
            float[] denoised = new float[x.length];
            for (int j = 0; j < x.length; j++) denoised[j] = x[j] - st * eps[j];
            run.step(i, orders.length, sigma(t), sigma(t), x, denoised);
            x = switch (orders[i]) {
                case 1 -> step1(x, t, tNextUsed, cache);
                case 2 -> step2(x, t, tNextUsed, 0.5, cache);
                default -> step3(x, t, tNextUsed, cache);
            };
            x = addNoise(x, su, sNoise, run.noise(sigma(t), sigma(tNext)));
        }
        return x;
    }

    /**
     * DPM-Solver-12 or -23 with adaptive steps: a PID controller on the scaled error between the lower- and
     * higher-order solutions accepts or rejects each step and sets the next step size. The listener is called
     * after every attempt with the state after it, as in the reference.
     */
    float[] adaptive(float[] x, float tStart, float tEnd, int order, double rtol, double atol, double hInit,
                     double pcoeff, double icoeff, double dcoeff, double acceptSafety, double eta, float sNoise) {
        if (order != 2 && order != 3) throw new IllegalArgumentException("dpm_adaptive: order should be 2 or 3, got " + order);
        boolean forward = tEnd > tStart;
        if (!forward && eta != 0) throw new IllegalArgumentException("dpm_adaptive: eta must be 0 for reverse sampling; got eta = " + eta);
        hInit = Math.abs(hInit) * (forward ? 1 : -1);
        float atolF = (float) atol;
        float rtolF = (float) rtol;
        float s = tStart;
        float[] xPrev = x;
        PidStepSizeController pid = new PidStepSizeController(hInit, pcoeff, icoeff, dcoeff, eta != 0 ? 1.5 : order, acceptSafety);
        int steps = 0;
        float bound = forward ? tEnd - 1e-5f : tEnd + 1e-5f;
        while (forward ? s < bound : s > bound) {
            Map<String, float[]> cache = new HashMap<>();
            float sh = s + (float) pid.h();
            float t = forward ? Math.min(tEnd, sh) : Math.max(tEnd, sh);
            float tUsed;
            float su;
            if (eta != 0) {
                AncestralSplit a = AncestralSplit.of(sigma(s), sigma(t), eta);
                tUsed = Math.min(tEnd, t(a.down()));
                float st = sigma(t);
                float stu = sigma(tUsed);
                su = F32.sqrt(st * st - stu * stu);
            } else {
                tUsed = t;
                su = 0f;
            }
            float[] eps = eps(cache, "eps", x, s);
            float ss = sigma(s);
            float[] denoised = new float[x.length];
            for (int j = 0; j < x.length; j++) denoised[j] = x[j] - ss * eps[j];
            float[] xLow;
            float[] xHigh;
            if (order == 2) {
                xLow = step1(x, s, tUsed, cache);
                xHigh = step2(x, s, tUsed, 0.5, cache);
            } else {
                xLow = step2(x, s, tUsed, 1.0 / 3, cache);
                xHigh = step3(x, s, tUsed, cache);
            }
            float[] scaled = new float[x.length];
            for (int j = 0; j < x.length; j++) {
                float delta = Math.max(atolF, rtolF * Math.max(Math.abs(xLow[j]), Math.abs(xPrev[j])));
                scaled[j] = (xLow[j] - xHigh[j]) / delta;
            }
            float error = TorchMath.norm(scaled) / (float) Math.sqrt(x.length);
            boolean accept = pid.proposeStep(error);
            if (accept) {
                xPrev = xLow;
                x = addNoise(xHigh, su, sNoise, run.noise(sigma(s), sigma(t)));
                s = t;
            }
            steps++;
            run.step(steps - 1, -1, sigma(s), sigma(s), x, denoised);
        }
        return x;
    }

    /** The PID step-size controller of k-diffusion (Söderlind's digital filters), in double as the reference. */
    static final class PidStepSizeController {
        private double h;
        private final double b1;
        private final double b2;
        private final double b3;
        private final double acceptSafety;
        private final double eps = 1e-8;
        private double[] errs;

        PidStepSizeController(double h, double pcoeff, double icoeff, double dcoeff, double order, double acceptSafety) {
            this.h = h;
            this.b1 = (pcoeff + icoeff + dcoeff) / order;
            this.b2 = -(pcoeff + 2 * dcoeff) / order;
            this.b3 = dcoeff / order;
            this.acceptSafety = acceptSafety;
        }

        double h() {
            return h;
        }

        boolean proposeStep(float error) {
            double invError = 1 / ((double) error + eps);
            if (errs == null) errs = new double[] {invError, invError, invError};
            errs[0] = invError;
            double factor = StrictMath.pow(errs[0], b1) * StrictMath.pow(errs[1], b2) * StrictMath.pow(errs[2], b3);
            factor = 1 + StrictMath.atan(factor - 1);
            boolean accept = factor >= acceptSafety;
            if (accept) {
                errs[2] = errs[1];
                errs[1] = errs[0];
            }
            h *= factor;
            return accept;
        }
    }
}

package jdiffusion.schedulers.diffusers;

import jdiffusion.samplers.step.Float32Math;

/** The forward (noising) process in the forms the classes use, row by row over a batch. */
final class Forward {

    private Forward() {
    }

    /** x = x0 + noise sigma, sigma looked up by each row's timestep (the Karras-style classes). */
    static float[] addNoiseVe(BaseRun run, float[] original, float[] noise, double[] ts, BaseRun.IndexRule rule) {
        int len = BaseRun.rowLength(original, ts, run.className);
        float[] out = new float[original.length];
        for (int r = 0; r < ts.length; r++) {
            float sigma = run.sigmas[run.indexForTimestep(ts[r], rule)];
            for (int k = r * len; k < (r + 1) * len; k++) out[k] = original[k] + noise[k] * sigma;
        }
        return out;
    }

    /** x = alpha_t x0 + sigma_t noise with alpha_t, sigma_t from sigma (the multistep solvers). */
    static float[] addNoiseAlphaSigma(BaseRun run, float[] original, float[] noise, double[] ts, boolean flow) {
        int len = BaseRun.rowLength(original, ts, run.className);
        float[] out = new float[original.length];
        for (int r = 0; r < ts.length; r++) {
            float sigma = run.sigmas[run.indexForTimestep(ts[r], BaseRun.IndexRule.SECOND_IF_REPEATED_ELSE_LAST)];
            float alphaT = flow ? 1 - sigma : 1 / Float32Math.sqrt(sigma * sigma + 1);
            float sigmaT = flow ? sigma : sigma * alphaT;
            for (int k = r * len; k < (r + 1) * len; k++) out[k] = alphaT * original[k] + sigmaT * noise[k];
        }
        return out;
    }

    /** x = sqrt(alpha-bar_t) x0 + sqrt(1 - alpha-bar_t) noise, indexed by the timestep itself (DDPM-like). */
    static float[] addNoiseVp(float[] alphasCumprod, float[] original, float[] noise, double[] ts, String className) {
        int len = BaseRun.rowLength(original, ts, className);
        float[] out = new float[original.length];
        for (int r = 0; r < ts.length; r++) {
            float ac = alphasCumprod[timestepIndex(ts[r], alphasCumprod.length, className)];
            float a = Float32Math.sqrt(ac);
            float s = Float32Math.sqrt(1 - ac);
            for (int k = r * len; k < (r + 1) * len; k++) out[k] = a * original[k] + s * noise[k];
        }
        return out;
    }

    /** v = sqrt(alpha-bar_t) noise - sqrt(1 - alpha-bar_t) x0, indexed by the timestep itself. */
    static float[] velocityVp(float[] alphasCumprod, float[] sample, float[] noise, double[] ts, String className) {
        int len = BaseRun.rowLength(sample, ts, className);
        float[] out = new float[sample.length];
        for (int r = 0; r < ts.length; r++) {
            float ac = alphasCumprod[timestepIndex(ts[r], alphasCumprod.length, className)];
            float a = Float32Math.sqrt(ac);
            float s = Float32Math.sqrt(1 - ac);
            for (int k = r * len; k < (r + 1) * len; k++) out[k] = a * noise[k] - s * sample[k];
        }
        return out;
    }

    private static int timestepIndex(double t, int n, String className) {
        if (t != Math.rint(t) || t < -n || t >= n) {
            throw new IllegalArgumentException(className + ": timestep " + t + " is not an integer in [0, " + n + ")");
        }
        int i = (int) t;
        return i < 0 ? i + n : i;
    }
}

package jdiffusion.core.pipeline;

/**
 * Classifier-free guidance (Ho &amp; Salimans 2022) on a model output laid out [uncond x batch, cond x batch],
 * with diffusers' order of float32 operations: {@code uncond + scale * (cond - uncond)}; then, when asked,
 * guidance rescale (Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps are Flawed",
 * section 3.4): the guided prediction rescaled to the conditional one's standard deviation per image and
 * mixed back by the rescale factor.
 */
final class Guidance {

    private Guidance() {
    }

    /** The guided output [batch * n] from {@code out} [2 * batch * n]. */
    static float[] combine(float[] out, int batch, int n, float scale, double rescale) {
        int half = batch * n;
        float[] g = new float[half];
        for (int i = 0; i < half; i++) {
            float u = out[i];
            float c = out[half + i];
            g[i] = u + scale * (c - u);
        }
        if (rescale > 0) {
            for (int b = 0; b < batch; b++) rescale(g, out, half + b * n, b * n, n, rescale);
        }
        return g;
    }

    /** The unconditional half of {@code out}. */
    static float[] uncond(float[] out, int batch, int n) {
        return java.util.Arrays.copyOf(out, batch * n);
    }

    /** diffusers' {@code rescale_noise_cfg} for one image: std over all of its elements (Bessel-corrected). */
    private static void rescale(float[] guided, float[] out, int condOff, int off, int n, double factor) {
        double stdText = std(out, condOff, n);
        double stdCfg = std(guided, off, n);
        float ratio = (float) (stdText / stdCfg);
        float f = (float) factor;
        float keep = (float) (1 - factor);
        for (int i = 0; i < n; i++) {
            float cfg = guided[off + i];
            float rescaled = cfg * ratio;
            guided[off + i] = f * rescaled + keep * cfg;
        }
    }

    private static double std(float[] a, int off, int n) {
        double mean = 0;
        for (int i = 0; i < n; i++) mean += a[off + i];
        mean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            double d = a[off + i] - mean;
            ss += d * d;
        }
        return Math.sqrt(ss / Math.max(1, n - 1));
    }
}

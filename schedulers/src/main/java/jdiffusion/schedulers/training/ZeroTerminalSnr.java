package jdiffusion.schedulers.training;

import jdiffusion.core.schedule.NoiseSchedule;

/**
 * Rescales betas to zero terminal SNR: Algorithm 1 of Lin et al. (2024), "Common Diffusion Noise Schedules
 * and Sample Steps are Flawed". sqrt(alpha-bar) is shifted so its last value is 0 and scaled so its first
 * is unchanged; the betas are recovered from the new alpha-bar. float32 throughout, as diffusers'
 * {@code rescale_zero_terminal_snr} runs in torch.
 */
public final class ZeroTerminalSnr {

    private ZeroTerminalSnr() {
    }

    /** The rescaled betas (the last one is exactly 1). */
    public static float[] rescale(float[] betas) {
        int n = betas.length;
        float[] ac = NoiseSchedule.fromBetas(betas).alphasCumprod();
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) Math.sqrt(ac[i]);
        }
        float s0 = s[0];
        float sT = s[n - 1];
        for (int i = 0; i < n; i++) {
            s[i] -= sT;
        }
        float scale = s0 / (s0 - sT);
        for (int i = 0; i < n; i++) {
            s[i] *= scale;
        }
        float[] alphaBar = new float[n];
        for (int i = 0; i < n; i++) {
            alphaBar[i] = s[i] * s[i];
        }
        float[] out = new float[n];
        out[0] = 1 - alphaBar[0];
        for (int i = 1; i < n; i++) {
            out[i] = 1 - alphaBar[i] / alphaBar[i - 1];
        }
        return out;
    }
}

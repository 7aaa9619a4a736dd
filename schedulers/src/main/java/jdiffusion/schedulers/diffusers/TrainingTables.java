package jdiffusion.schedulers.diffusers;

import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.schedulers.training.BetaSchedules;
import jdiffusion.schedulers.training.ZeroTerminalSnr;

/**
 * A class's training noise schedule from its config ({@code trained_betas} or {@code beta_schedule} with
 * {@code beta_start}/{@code beta_end}, optionally rescaled to zero terminal SNR), and the float32 tables
 * derived from it the way diffusers derives them.
 */
final class TrainingTables {

    final float[] betas;
    /** alpha-bar_t, float32. */
    final float[] alphasCumprod;
    final NoiseSchedule schedule;

    private TrainingTables(float[] betas, float[] alphasCumprod) {
        this.betas = betas;
        this.alphasCumprod = alphasCumprod;
        this.schedule = NoiseSchedule.of(betas, alphasCumprod);
    }

    /**
     * Reads the schedule options. {@code zeroSnrOption} says whether the class has
     * {@code rescale_betas_zero_snr}; {@code tinyLast} whether it then replaces the final alpha-bar 0 by
     * 2^-24 (Euler, DPM-Solver, UniPC) to keep sigma finite.
     */
    static TrainingTables read(Options o, double defaultStart, double defaultEnd, String defaultSchedule,
                               boolean zeroSnrOption, boolean tinyLast, String... allowedSchedules) {
        int n = o.integer("num_train_timesteps", 1000);
        if (n < 2) throw o.invalid("num_train_timesteps", n, "at least 2");
        float[] betas = o.floats("trained_betas");
        if (betas == null) {
            String name = o.choice("beta_schedule", defaultSchedule, allowedSchedules);
            betas = BetaSchedules.get(name).betas(n, o.real("beta_start", defaultStart), o.real("beta_end", defaultEnd));
        }
        boolean rescale = zeroSnrOption && o.flag("rescale_betas_zero_snr", false);
        if (rescale) betas = ZeroTerminalSnr.rescale(betas);
        float[] ac = NoiseSchedule.fromBetas(betas).alphasCumprod();
        if (rescale && tinyLast) ac[ac.length - 1] = 0x1p-24f;
        return new TrainingTables(betas, ac);
    }

    int size() {
        return alphasCumprod.length;
    }

    /** sigma_t = ((1 - alpha-bar_t) / alpha-bar_t) ** 0.5 in float32, ascending in t. */
    float[] sigmas() {
        float[] s = new float[alphasCumprod.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.sqrt((1 - alphasCumprod[i]) / alphasCumprod[i]);
        }
        return s;
    }

    /** sigma of timestep 0, the smallest trained noise level (diffusers' {@code sigma_min} final sigma). */
    float sigmaMin() {
        float a = alphasCumprod[0];
        return (float) Math.sqrt((1 - a) / a);
    }

}

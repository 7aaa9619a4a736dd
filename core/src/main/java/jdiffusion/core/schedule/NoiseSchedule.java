package jdiffusion.core.schedule;

/**
 * A training noise schedule (the forward process of Ho et al. 2020): betas, and the derived
 * {@code alphas_cumprod} (alpha-bar) and sigma = sqrt((1 - alpha-bar) / alpha-bar), all float32 as
 * diffusers and torch hold them. Immutable; accessors return copies.
 */
public final class NoiseSchedule {

    private final float[] betas;
    private final float[] alphasCumprod;

    private NoiseSchedule(float[] betas, float[] alphasCumprod) {
        this.betas = betas;
        this.alphasCumprod = alphasCumprod;
    }

    /**
     * The schedule for {@code betas}, with alpha-bar accumulated as torch's CPU {@code cumprod} does:
     * a double running product rounded to float32 at each output.
     */
    public static NoiseSchedule fromBetas(float[] betas) {
        float[] ac = new float[betas.length];
        double p = 1.0;
        for (int i = 0; i < betas.length; i++) {
            float alpha = 1.0f - betas[i];
            p *= alpha;
            ac[i] = (float) p;
        }
        return new NoiseSchedule(betas.clone(), ac);
    }

    /** A schedule given both tables (e.g. read from a file). */
    public static NoiseSchedule of(float[] betas, float[] alphasCumprod) {
        if (betas.length != alphasCumprod.length) {
            throw new IllegalArgumentException("betas has " + betas.length + " entries, alphas_cumprod " + alphasCumprod.length);
        }
        return new NoiseSchedule(betas.clone(), alphasCumprod.clone());
    }

    public int numTrainTimesteps() {
        return betas.length;
    }

    public float[] betas() {
        return betas.clone();
    }

    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** sigma_t = sqrt((1 - alpha-bar_t) / alpha-bar_t), computed in float32 as torch does. */
    public float[] sigmas() {
        float[] s = new float[alphasCumprod.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.sqrt((1.0f - alphasCumprod[i]) / alphasCumprod[i]);
        }
        return s;
    }
}

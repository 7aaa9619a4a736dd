package jdiffusion.samplers.step;

/**
 * The ancestral step of k-diffusion's {@code sample_euler_ancestral} / {@code sample_dpm_2_ancestral}
 * (Karras et al. 2022 noise levels, ancestral sampling of Ho et al. 2020): split the move from sigma to
 * sigma_next into a deterministic part down to sigma_down and fresh noise of size sigma_up, with
 * sigma_up = sqrt(sigma_next^2 (sigma^2 - sigma_next^2) / sigma^2) and sigma_down = sqrt(sigma_next^2 - sigma_up^2).
 */
public final class AncestralStep {

    private AncestralStep() {
    }

    /** sigma_up for the move from {@code sigma} to {@code sigmaNext}. */
    public static float sigmaUp(float sigma, float sigmaNext) {
        return Float32Math.sqrt(sigmaNext * sigmaNext * (sigma * sigma - sigmaNext * sigmaNext) / (sigma * sigma));
    }

    /** sigma_down for the move, given sigma_up. */
    public static float sigmaDown(float sigmaNext, float sigmaUp) {
        return Float32Math.sqrt(sigmaNext * sigmaNext - sigmaUp * sigmaUp);
    }

    /** x + noise sigma_up. */
    public static float[] addNoise(float[] x, float[] noise, float sigmaUp) {
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x[i] + noise[i] * sigmaUp;
        }
        return out;
    }
}

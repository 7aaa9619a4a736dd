package jdiffusion.samplers.step;

/**
 * The noise levels of k-diffusion's DPM2 samplers ({@code sample_dpm_2}, {@code sample_dpm_2_ancestral}):
 * the second model call of each step is made at the geometric midpoint of the step,
 * sigma_mid = exp(lerp(log sigma, log sigma_next, 1/2)) (Lu et al. 2022, DPM-Solver-2, in the sigma
 * parameterisation of Karras et al. 2022).
 */
public final class Dpm2Step {

    private Dpm2Step() {
    }

    /** exp((log a + log b) / 2) as {@code a.log().lerp(b.log(), 0.5).exp()} in float32. */
    public static float midpoint(float a, float b) {
        float la = Float32Math.log(a);
        float lb = Float32Math.log(b);
        return Float32Math.exp(lb - (lb - la) * 0.5f);
    }

    /**
     * The midpoint of each sigma and its predecessor, {@code sigmas.log().lerp(sigmas.roll(1).log(), 0.5).exp()}:
     * element k pairs sigmas[k] with sigmas[k - 1] (element 0 with the last).
     */
    public static float[] midpoints(float[] sigmas) {
        int n = sigmas.length;
        float[] out = new float[n];
        for (int k = 0; k < n; k++) out[k] = midpoint(sigmas[k], sigmas[(k - 1 + n) % n]);
        return out;
    }
}

package jdiffusion.samplers;

/**
 * The split of a step from {@code sigmaFrom} to {@code sigmaTo} into a deterministic step down to
 * {@code down} and fresh noise of standard deviation {@code up}, with {@code down^2 + up^2 = sigmaTo^2}
 * (k-diffusion's {@code get_ancestral_step}; eta = 1 is the DDPM posterior, eta = 0 no noise, as DDIM's eta
 * in Song et al. 2021, eq. 16, written for sigma).
 */
record AncestralStep(float down, float up) {

    /** In float32 as torch computes it; {@code eta = 0} gives (sigmaTo, 0) without arithmetic. */
    static AncestralStep of(float sigmaFrom, float sigmaTo, double eta) {
        if (eta == 0) return new AncestralStep(sigmaTo, 0f);
        float from2 = sigmaFrom * sigmaFrom;
        float to2 = sigmaTo * sigmaTo;
        float up = (float) eta * F32.sqrt(to2 * (from2 - to2) / from2);
        up = F32.pyMin(sigmaTo, up);
        float down = F32.sqrt(to2 - up * up);
        return new AncestralStep(down, up);
    }
}

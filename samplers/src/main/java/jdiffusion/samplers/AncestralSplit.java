package jdiffusion.samplers;

/**
 * The split of a step from {@code sigmaFrom} to {@code sigmaTo} into a deterministic step down to
 * {@code down} and fresh noise of standard deviation {@code up}, with {@code down^2 + up^2 = sigmaTo^2}
 * (k-diffusion's {@code get_ancestral_step}; eta = 1 is the DDPM posterior, eta = 0 no noise, as DDIM's eta
 * in Song et al. 2021, eq. 16, written for sigma). The sigmas come from the shared
 * {@link jdiffusion.samplers.step.AncestralStep}, scaled by eta and capped at sigmaTo as k-diffusion does.
 */
record AncestralSplit(float down, float up) {

    /** In float32 as torch computes it; {@code eta = 0} gives (sigmaTo, 0) without arithmetic. */
    static AncestralSplit of(float sigmaFrom, float sigmaTo, double eta) {
        if (eta == 0) return new AncestralSplit(sigmaTo, 0f);
        float up = (float) eta * jdiffusion.samplers.step.AncestralStep.sigmaUp(sigmaFrom, sigmaTo);
        up = F32.pyMin(sigmaTo, up);
        return new AncestralSplit(jdiffusion.samplers.step.AncestralStep.sigmaDown(sigmaTo, up), up);
    }
}

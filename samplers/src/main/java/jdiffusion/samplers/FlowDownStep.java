package jdiffusion.samplers;

/**
 * The ancestral split for rectified flow (ComfyUI's {@code _RF} samplers): step down to
 * t_down = t_next (1 + (t_next / t - 1) eta), then x is scaled by alpha_next / alpha_down (alpha = 1 - t) and
 * noise of scale sqrt(t_next^2 - t_down^2 alpha_next^2 / alpha_down^2) restores the marginal at t_next.
 */
record FlowDownStep(float down, float alphaNext, float alphaDown, float renoise) {

    static FlowDownStep of(float sigma, float sigmaNext, double eta) {
        float ratio = 1.0f + (sigmaNext / sigma - 1.0f) * (float) eta;
        float down = sigmaNext * ratio;
        float alphaNext = 1.0f - sigmaNext;
        float alphaDown = 1.0f - down;
        float renoise = F32.sqrt(sigmaNext * sigmaNext - down * down * (alphaNext * alphaNext) / (alphaDown * alphaDown));
        return new FlowDownStep(down, alphaNext, alphaDown, renoise);
    }
}

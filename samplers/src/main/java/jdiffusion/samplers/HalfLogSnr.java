package jdiffusion.samplers;

import jdiffusion.core.schedule.ModelSampling;

/**
 * The half log signal-to-noise ratio lambda = log(alpha / sigma) the exponential-integrator samplers step in
 * (Lu et al. 2022), for variance-exploding sigmas (lambda = -log sigma) and for flow times
 * (lambda = log((1 - t) / t)), as ComfyUI's {@code sigma_to_half_log_snr} and its inverse.
 */
final class HalfLogSnr {

    private HalfLogSnr() {
    }

    static float lambda(float sigma, boolean flow) {
        return flow ? -F32.logit(sigma) : -F32.log(sigma);
    }

    /** lambda for a whole vector of sigmas, as torch computes it on a tensor. */
    static float[] lambdas(float[] sigmas, boolean flow) {
        float[] out;
        if (flow) {
            out = TorchMath.logit(sigmas);
        } else {
            out = new float[sigmas.length];
            for (int i = 0; i < out.length; i++) out[i] = F32.log(sigmas[i]);
        }
        for (int i = 0; i < out.length; i++) out[i] = -out[i];
        return out;
    }

    static float sigma(float lambda, boolean flow) {
        return flow ? F32.sigmoid(-lambda) : F32.exp(-lambda);
    }

    /**
     * ComfyUI's {@code offset_first_sigma_for_snr}: on flow models a first sigma of 1 (infinite noise, lambda
     * = -inf) is replaced by {@code percentToSigma(1e-4)}. Returns the array itself when unchanged.
     */
    static float[] offsetFirstSigma(float[] sigmas, ModelSampling ms) {
        if (sigmas.length <= 1 || ms == null || !ms.isFlow() || !(sigmas[0] >= 1f)) return sigmas;
        float[] s = sigmas.clone();
        s[0] = (float) ms.percentToSigma(1e-4);
        return s;
    }
}

package jdiffusion.samplers;

import java.util.List;

/**
 * DEIS, the diffusion exponential integrator sampler (Zhang &amp; Chen 2023, arXiv:2204.13902), in ComfyUI's
 * form ({@code sample_deis} from zju-pi/diff-sampler): multistep steps in sigma whose coefficients integrate the
 * Lagrange polynomials through past steps, either against the VP exponential-integrator kernel
 * ({@code deis_mode = tab}, numerical quadrature) or in sigma directly ({@code rhoab}, closed form); orders up
 * to {@code max_order} (default 3). As the reference, the listener's {@code x} is the initial latent.
 *
 * <p>Where ComfyUI's {@code rhoab} coefficient lists do not fit the step's order (max_order 2 or 3 after the
 * first max_order steps, where ComfyUI fails to unpack them), the coefficients of the fitting order are used.
 */
public final class DeisSampler extends KSampler {

    public DeisSampler() {
        super("deis", List.of(), "DEIS multistep exponential integrator, tab or rhoab coefficients (max_order, deis_mode)",
                "max_order", "deis_mode");
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        int maxOrder = r.intOption("max_order", 3);
        if (maxOrder < 1 || maxOrder > 4) throw r.options().invalid("max_order", maxOrder, "1, 2, 3 or 4");
        String mode = r.options().getChoice("deis_mode", "tab", "tab", "rhoab");
        float[][] coeffs = mode.equals("tab")
                ? DeisCoefficients.tab(sigmas, maxOrder)
                : DeisCoefficients.rhoab(sigmas, maxOrder);
        float[] xNext = x;
        IpndmSampler.History buffer = new IpndmSampler.History(maxOrder - 1);
        for (int i = 0; i < sigmas.length - 1; i++) {
            float tCur = sigmas[i];
            float tNext = sigmas[i + 1];
            float[] xCur = xNext;
            float[] denoised = r.denoise(xCur, tCur);
            r.step(i, tCur, tCur, x, denoised);
            float[] d = V.toD(xCur, tCur, denoised);
            int order = Math.min(maxOrder, i + 1);
            if (tNext <= 0) order = 1;
            float[] o = new float[x.length];
            if (order == 1) {
                float dt = tNext - tCur;
                for (int j = 0; j < o.length; j++) o[j] = xCur[j] + dt * d[j];
            } else {
                float[] c = coeffs[i];
                if (c.length != order) c = DeisCoefficients.rhoabStep(sigmas, i, order - 1);
                for (int j = 0; j < o.length; j++) {
                    float v = xCur[j] + c[0] * d[j];
                    for (int k = 1; k < order; k++) v = v + c[k] * buffer.back(k)[j];
                    o[j] = v;
                }
            }
            xNext = o;
            buffer.push(d);
        }
        return xNext;
    }
}

package jdiffusion.samplers.step;

/**
 * The generalised (DDIM) update of Song et al. (2021), "Denoising Diffusion Implicit Models", eq. 12:
 * x_{t-1} = sqrt(alpha-bar_{t-1}) x0 + sqrt(1 - alpha-bar_{t-1} - sigma_t^2) eps + sigma_t z, with
 * sigma_t = eta sqrt((1 - alpha-bar_{t-1}) / (1 - alpha-bar_t)) sqrt(1 - alpha-bar_t / alpha-bar_{t-1})
 * (eq. 16); eta = 0 is the deterministic DDIM sampler, eta = 1 DDPM.
 */
public final class DdimStep {

    private DdimStep() {
    }

    /** sigma_t^2 / eta^2 of eq. 16. */
    public static float variance(float alphaProdT, float alphaProdPrev) {
        float betaProdT = 1 - alphaProdT;
        float betaProdPrev = 1 - alphaProdPrev;
        return (betaProdPrev / betaProdT) * (1 - alphaProdT / alphaProdPrev);
    }

    /** The update without its noise term; {@code stdDev} is sigma_t. */
    public static float[] step(float[] x0, float[] eps, float alphaProdPrev, float stdDev) {
        float dirCoeff = Float32Math.sqrt(1 - alphaProdPrev - stdDev * stdDev);
        float x0Coeff = Float32Math.sqrt(alphaProdPrev);
        float[] out = new float[x0.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x0Coeff * x0[i] + dirCoeff * eps[i];
        }
        return out;
    }

    /** The noise term: x + stdDev z. */
    public static float[] addNoise(float[] x, float stdDev, float[] noise) {
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x[i] + stdDev * noise[i];
        }
        return out;
    }
}

package jdiffusion.samplers.step;

import java.util.List;

/**
 * The pseudo numerical methods of Liu et al. (2022), "Pseudo Numerical Methods for Diffusion Models on
 * Manifolds" (PNDM): the pseudo linear multistep combination of past noise estimates (eq. 12, the
 * Adams-Bashforth weights of orders 1 to 4), the pseudo Runge-Kutta weights 1/6, 1/3, 1/3, 1/6, and the
 * transfer x_t to x_{t-delta} of eq. 11.
 */
public final class PlmsStep {

    private PlmsStep() {
    }

    /**
     * The Adams-Bashforth combination of the most recent estimates (last element newest):
     * e1; (3 e1 - e2) / 2; (23 e1 - 16 e2 + 5 e3) / 12; (55 e1 - 59 e2 + 37 e3 - 9 e4) / 24.
     */
    public static float[] combine(List<float[]> ets) {
        int k = ets.size();
        float[] e1 = ets.get(k - 1);
        float[] out = new float[e1.length];
        if (k == 1) return e1.clone();
        float[] e2 = ets.get(k - 2);
        if (k == 2) {
            for (int i = 0; i < out.length; i++) out[i] = (3 * e1[i] - e2[i]) / 2;
            return out;
        }
        float[] e3 = ets.get(k - 3);
        if (k == 3) {
            for (int i = 0; i < out.length; i++) out[i] = (23 * e1[i] - 16 * e2[i] + 5 * e3[i]) / 12;
            return out;
        }
        float[] e4 = ets.get(k - 4);
        float w = (float) (1.0 / 24);
        for (int i = 0; i < out.length; i++) out[i] = w * (55 * e1[i] - 59 * e2[i] + 37 * e3[i] - 9 * e4[i]);
        return out;
    }

    /** (e + previous) / 2: the second-order start of PLMS. */
    public static float[] average(float[] e, float[] previous) {
        float[] out = new float[e.length];
        for (int i = 0; i < out.length; i++) out[i] = (e[i] + previous[i]) / 2;
        return out;
    }

    /** acc + w e, where a null {@code acc} is zero. */
    public static float[] accumulate(float[] acc, double w, float[] e) {
        float wf = (float) w;
        float[] out = new float[e.length];
        for (int i = 0; i < out.length; i++) out[i] = acc == null ? wf * e[i] : acc[i] + wf * e[i];
        return out;
    }

    /**
     * Eq. 11 of Liu et al.: x_{t-delta} = sqrt(alpha-bar_{t-delta} / alpha-bar_t) x_t
     * - (alpha-bar_{t-delta} - alpha-bar_t) e / (alpha-bar_t sqrt(1 - alpha-bar_{t-delta})
     * + sqrt(alpha-bar_t (1 - alpha-bar_t) alpha-bar_{t-delta})).
     */
    public static float[] transfer(float[] sample, float[] eps, float alphaProdT, float alphaProdPrev) {
        float betaProdT = 1 - alphaProdT;
        float betaProdPrev = 1 - alphaProdPrev;
        float sampleCoeff = Float32Math.sqrt(alphaProdPrev / alphaProdT);
        float denom = alphaProdT * Float32Math.sqrt(betaProdPrev) + Float32Math.sqrt(alphaProdT * betaProdT * alphaProdPrev);
        float diff = alphaProdPrev - alphaProdT;
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) out[i] = sampleCoeff * sample[i] - diff * eps[i] / denom;
        return out;
    }
}

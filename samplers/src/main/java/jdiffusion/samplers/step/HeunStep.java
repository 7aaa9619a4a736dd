package jdiffusion.samplers.step;

/**
 * The second-order (trapezoidal) correction of Karras et al. (2022), Algorithm 1, line 8: after an Euler
 * predictor with derivative d, the derivative d' at the predicted point, and x_next = x + (d + d') / 2 dt.
 */
public final class HeunStep {

    private HeunStep() {
    }

    /** (d + d') / 2. */
    public static float[] averageDerivative(float[] d, float[] dPrime) {
        float[] out = new float[d.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (d[i] + dPrime[i]) / 2;
        }
        return out;
    }
}

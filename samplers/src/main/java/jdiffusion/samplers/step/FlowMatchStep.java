package jdiffusion.samplers.step;

/**
 * Sampling a rectified-flow / flow-matching model (Lipman et al. 2023, "Flow Matching for Generative
 * Modeling"; Liu et al. 2023, "Flow Straight and Fast"), x_t = (1 - t) x0 + t eps with the network
 * predicting the velocity v = eps - x0: the Euler step x + (t_next - t) v, or the stochastic step that
 * re-noises the predicted x0 = x - t v to t_next with fresh noise.
 */
public final class FlowMatchStep {

    private FlowMatchStep() {
    }

    /** x + dt v. */
    public static float[] euler(float[] sample, float[] velocity, float dt) {
        float[] out = new float[sample.length];
        for (int i = 0; i < out.length; i++) out[i] = sample[i] + dt * velocity[i];
        return out;
    }

    /** (1 - t_next) (x - t v) + t_next noise. */
    public static float[] stochastic(float[] sample, float[] velocity, float sigma, float sigmaNext, float[] noise) {
        float[] x0 = Terms.of(sample).minus(sigma, velocity).get();
        return Terms.of(1.0f - sigmaNext, x0).plus(sigmaNext, noise).get();
    }

    /** The forward process sigma noise + (1 - sigma) x0. */
    public static float[] noise(float[] x0, float[] noise, float sigma) {
        return Terms.of(sigma, noise).plus(1.0f - sigma, x0).get();
    }
}

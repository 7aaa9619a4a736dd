package jdiffusion.samplers;

import jdiffusion.samplers.step.EulerStep;

/** Small update formulas several samplers share. */
final class Steps {

    private Steps() {
    }

    /** An Euler step x + d * dt (Karras et al. 2022, Algorithm 1 line 5), shared with the diffusers face. */
    static float[] euler(float[] x, float[] d, float dt) {
        return EulerStep.advance(x, d, dt);
    }

    /** x + noise * s_noise * sigma_up: the ancestral re-noising. */
    static float[] addNoise(float[] x, float[] noise, float sNoise, float sigmaUp) {
        float[] o = new float[x.length];
        for (int i = 0; i < o.length; i++) o[i] = x[i] + (noise[i] * sNoise) * sigmaUp;
        return o;
    }
}

package jdiffusion.samplers;

/** Small update formulas several samplers share. */
final class Steps {

    private Steps() {
    }

    /** An Euler step x + d * dt (Karras et al. 2022, Algorithm 1 line 5). */
    static float[] euler(float[] x, float[] d, float dt) {
        float[] o = new float[x.length];
        for (int i = 0; i < o.length; i++) o[i] = x[i] + d[i] * dt;
        return o;
    }

    /** x + noise * s_noise * sigma_up: the ancestral re-noising. */
    static float[] addNoise(float[] x, float[] noise, float sNoise, float sigmaUp) {
        float[] o = new float[x.length];
        for (int i = 0; i < o.length; i++) o[i] = x[i] + (noise[i] * sNoise) * sigmaUp;
        return o;
    }
}

package jdiffusion.core.schedule;

/** What a denoising network predicts, which fixes how its output becomes {@code D(x; sigma)}. */
public enum Parameterization {
    /** The added noise (DDPM; SD 1.x, most SDXL). */
    EPSILON,
    /** v = alpha * eps - sigma * x0 (Salimans &amp; Ho 2022; SD 2.x 768). */
    V_PREDICTION,
    /** The clean sample itself. */
    SAMPLE,
    /** Rectified flow, x_t = (1 - t) x0 + t eps, predicting the velocity (SD3, Flux). */
    FLOW
}

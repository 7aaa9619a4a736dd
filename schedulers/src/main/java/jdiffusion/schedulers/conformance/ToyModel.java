package jdiffusion.schedulers.conformance;

/**
 * The deterministic stand-in for a network that drives the reference trajectories:
 * s = float32(t) / 1000, u = a x + b s, out = u / (1 + |u|), each operation rounded to float32 (no fused
 * multiply-add), so it is bit-exact across languages.
 */
final class ToyModel {

    private final float[] a;
    private final float[] b;

    ToyModel(float[] a, float[] b) {
        this.a = a;
        this.b = b;
    }

    float[] apply(float[] x, double t) {
        float s = (float) t / 1000f;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float ax = a[i] * x[i];
            float bs = b[i] * s;
            float u = ax + bs;
            out[i] = u / (1f + Math.abs(u));
        }
        return out;
    }
}

package jdiffusion.schedulers;

/** torch's pow of a float32 tensor by a Python float: the special exponents, else powf. */
final class Pow {

    private Pow() {
    }

    static float pow(float x, double e) {
        if (e == 1) return x;
        if (e == 2) return x * x;
        if (e == 3) return x * x * x;
        if (e == 0.5) return (float) Math.sqrt(x);
        if (e == -1) return 1.0f / x;
        if (e == -0.5) return 1.0f / (float) Math.sqrt(x);
        if (e == -2) return 1.0f / (x * x);
        return (float) Math.pow(x, (float) e);
    }
}

package jdiffusion.schedulers.training;

import java.util.function.DoubleUnaryOperator;

/**
 * Betas that discretise a continuous alpha-bar(t), t in [0, 1]: beta_i = min(1 - alpha-bar(t_{i+1}) /
 * alpha-bar(t_i), max_beta), computed in double and rounded to float32 (diffusers' {@code betas_for_alpha_bar}).
 */
final class AlphaBarBetas {

    private AlphaBarBetas() {
    }

    static float[] betas(int n, DoubleUnaryOperator alphaBar, double maxBeta) {
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            double t1 = (double) i / n;
            double t2 = (double) (i + 1) / n;
            b[i] = (float) Math.min(1 - alphaBar.applyAsDouble(t2) / alphaBar.applyAsDouble(t1), maxBeta);
        }
        return b;
    }
}

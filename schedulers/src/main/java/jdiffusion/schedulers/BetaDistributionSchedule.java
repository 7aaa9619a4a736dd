package jdiffusion.schedulers;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.Config;
import jdiffusion.core.schedule.ModelSampling;

/**
 * Timesteps at the quantiles of a Beta(alpha, beta) distribution (Lee et al. 2024, "Beta Sampling is All You
 * Need", arXiv:2407.12173), rounded to training steps, repeats dropped, then 0 (ComfyUI's
 * {@code beta_scheduler}; alpha = beta = 0.6 by default). Options {@code alpha}, {@code beta}.
 */
public final class BetaDistributionSchedule extends KSchedule {

    public BetaDistributionSchedule() {
        super("beta", List.of(), "timesteps at Beta(alpha, beta) quantiles (Lee et al. 2024), alpha = beta = 0.6", "alpha", "beta");
    }

    @Override
    float[] compute(ModelSampling ms, int n, Config o) {
        double a = o.getDouble("alpha", 0.6);
        double b = o.getDouble("beta", 0.6);
        if (!(a > 0) || !(b > 0)) throw o.invalid(a > 0 ? "beta" : "alpha", a > 0 ? b : a, "a positive number");
        float[] table = require(ms, name()).sigmaTable();
        int total = table.length - 1;
        double step = 1.0 / n;
        List<Float> sigs = new ArrayList<>();
        double last = -1;
        for (int i = 0; i < n; i++) {
            double q = 1 - i * step;
            double t = Math.rint(IncompleteBeta.inverse(q, a, b) * total);
            if (t != last) sigs.add(table[(int) t]);
            last = t;
        }
        float[] s = new float[sigs.size() + 1];
        for (int i = 0; i < sigs.size(); i++) s[i] = sigs.get(i);
        return s;
    }
}

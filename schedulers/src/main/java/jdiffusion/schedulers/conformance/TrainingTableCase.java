package jdiffusion.schedulers.conformance;

import java.util.Map;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.schedule.NoiseSchedule;
import jdiffusion.schedulers.training.BetaSchedules;
import jdiffusion.schedulers.training.ZeroTerminalSnr;

/**
 * One training table ({@code alphas_cumprod/<name>.json}): betas from the named beta schedule, optionally
 * rescaled to zero terminal SNR (and, for the {@code _last_2e-24} tables, the final alpha-bar set to 2^-24),
 * and alpha-bar by the double-accumulated cumulative product.
 */
final class TrainingTableCase implements ConformanceCase {

    private final String id;
    private final Map<String, Object> c;

    TrainingTableCase(String id, Map<String, Object> c) {
        this.id = id;
        this.c = c;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CaseResult run() {
        try {
            int n = (int) Values.number(c.get("num_train_timesteps"));
            float[] betas = BetaSchedules.get(String.valueOf(c.get("beta_schedule")))
                    .betas(n, Values.number(c.get("beta_start")), Values.number(c.get("beta_end")));
            boolean zeroSnr = Boolean.TRUE.equals(c.get("rescale_betas_zero_snr"));
            if (zeroSnr) betas = ZeroTerminalSnr.rescale(betas);
            float[] ac = NoiseSchedule.fromBetas(betas).alphasCumprod();
            if (zeroSnr && String.valueOf(c.get("name")).endsWith("_last_2e-24")) ac[n - 1] = 0x1p-24f;
            Comparison cmp = new Comparison(1e-6);
            cmp.values("betas", betas, Values.floats(c.get("betas")));
            cmp.values("alphas_cumprod", ac, Values.floats(c.get("alphas_cumprod")));
            if (!cmp.ok()) return CaseResult.failed(cmp.maxRelError(), cmp.failure());
            return new CaseResult(CaseResult.Outcome.PASSED, cmp.maxRelError(), cmp.bitExact(), cmp.bitExact() ? "" : "first inexact: " + cmp.firstInexact());
        } catch (RuntimeException e) {
            return CaseResult.failed(Double.NaN, "threw " + e);
        }
    }
}

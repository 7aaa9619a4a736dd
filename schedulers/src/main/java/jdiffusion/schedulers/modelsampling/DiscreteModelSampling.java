package jdiffusion.schedulers.modelsampling;

import java.util.Objects;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.Parameterization;
import jdiffusion.samplers.TorchLinspace;
import jdiffusion.samplers.TorchMath;

/**
 * A model trained on 1000 (or N) discrete timesteps with sigma_t = sqrt((1 - alpha-bar_t) / alpha-bar_t), as
 * ComfyUI's {@code ModelSamplingDiscrete} (with EPS or V_PREDICTION): the float32 tables {@code sigmas} and
 * {@code log_sigmas}, {@code timestep(sigma)} = the index of the nearest log sigma, {@code sigma(t)} = linear
 * interpolation in log sigma, all in float32 as torch computes them. Immutable.
 */
public final class DiscreteModelSampling implements ModelSampling {

    private final Parameterization parameterization;
    private final float[] sigmas;     // [N], ascending
    private final float[] logSigmas;  // [N]

    private DiscreteModelSampling(Parameterization parameterization, float[] sigmas, float[] logSigmas) {
        this.parameterization = Objects.requireNonNull(parameterization);
        if (parameterization == Parameterization.FLOW) {
            throw new IllegalArgumentException("a discrete variance-exploding model sampling cannot be FLOW; use FlowModelSampling");
        }
        if (sigmas.length < 2 || sigmas.length != logSigmas.length) {
            throw new IllegalArgumentException("need at least 2 sigmas and as many log sigmas, got " + sigmas.length + " and " + logSigmas.length);
        }
        this.sigmas = sigmas;
        this.logSigmas = logSigmas;
    }

    /** From explicit float32 tables (e.g. read from a file). */
    public static DiscreteModelSampling ofSigmas(Parameterization p, float[] sigmas, float[] logSigmas) {
        return new DiscreteModelSampling(p, sigmas.clone(), logSigmas.clone());
    }

    /**
     * From float32 betas (a diffusers table): alpha-bar by torch's CPU cumprod (a double running product rounded
     * to float32 at each step), then sigmas and their logs in float32.
     */
    public static DiscreteModelSampling fromBetas(Parameterization p, float[] betas) {
        int n = betas.length;
        float[] sigmas = new float[n];
        float[] logs = new float[n];
        double prod = 1.0;
        for (int i = 0; i < n; i++) {
            float alpha = 1.0f - betas[i];
            prod *= alpha;
            float ac = (float) prod;
            sigmas[i] = (float) Math.sqrt((1.0f - ac) / ac);
            logs[i] = TorchMath.log(sigmas[i]);
        }
        return new DiscreteModelSampling(p, sigmas, logs);
    }

    /**
     * From float64 betas (ComfyUI's own schedules): alpha-bar and sigmas in float64, then rounded to float32;
     * log sigmas taken in float64 before rounding.
     */
    public static DiscreteModelSampling fromBetas(Parameterization p, double[] betas) {
        int n = betas.length;
        float[] sigmas = new float[n];
        float[] logs = new float[n];
        double prod = 1.0;
        for (int i = 0; i < n; i++) {
            prod *= 1.0 - betas[i];
            double s = Math.sqrt((1 - prod) / prod);
            sigmas[i] = (float) s;
            logs[i] = (float) Math.log(s);
        }
        return new DiscreteModelSampling(p, sigmas, logs);
    }

    /**
     * ComfyUI's {@code make_beta_schedule} in float64: {@code linear} (Stable Diffusion's: a linspace of
     * square roots, squared; diffusers calls it scaled_linear), {@code scaled_linear} (the same), {@code sqrt_linear}
     * (linear in beta), {@code sqrt} (square roots of a linspace), {@code cosine} (Nichol &amp; Dhariwal 2021,
     * offset {@code cosineS}, betas clipped to 0.999) and {@code squaredcos_cap_v2} (the same from alpha-bar directly).
     */
    public static double[] betaSchedule(String schedule, int timesteps, double linearStart, double linearEnd, double cosineS) {
        double[] b = new double[timesteps];
        switch (schedule) {
            case "linear", "scaled_linear" -> {
                double[] l = TorchLinspace.ofDouble(Math.sqrt(linearStart), Math.sqrt(linearEnd), timesteps);
                for (int i = 0; i < timesteps; i++) b[i] = l[i] * l[i];
            }
            case "sqrt_linear" -> b = TorchLinspace.ofDouble(linearStart, linearEnd, timesteps);
            case "sqrt" -> {
                double[] l = TorchLinspace.ofDouble(linearStart, linearEnd, timesteps);
                for (int i = 0; i < timesteps; i++) b[i] = Math.sqrt(l[i]);
            }
            case "cosine" -> {
                double[] ac = new double[timesteps + 1];
                for (int i = 0; i <= timesteps; i++) {
                    double t = (double) i / timesteps + cosineS;
                    double c = Math.cos(t / (1 + cosineS) * Math.PI / 2);
                    ac[i] = c * c;
                }
                for (int i = 0; i < timesteps; i++) {
                    b[i] = Math.min(Math.max(1 - (ac[i + 1] / ac[0]) / (ac[i] / ac[0]), 0), 0.999);
                }
            }
            case "squaredcos_cap_v2" -> {
                for (int i = 0; i < timesteps; i++) {
                    double t1 = (double) i / timesteps;
                    double t2 = (double) (i + 1) / timesteps;
                    b[i] = Math.min(1 - glide(t2) / glide(t1), 0.999);
                }
            }
            default -> throw new IllegalArgumentException("unknown beta schedule \"" + schedule
                    + "\"; expected linear, scaled_linear, sqrt_linear, sqrt, cosine or squaredcos_cap_v2");
        }
        return b;
    }

    private static double glide(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** Stable Diffusion 1.x/2.x as ComfyUI builds it: linear 0.00085..0.012 over 1000 steps, in float64. */
    public static DiscreteModelSampling stableDiffusion(Parameterization p) {
        return fromBetas(p, betaSchedule("linear", 1000, 0.00085, 0.012, 8e-3));
    }

    @Override
    public Parameterization parameterization() {
        return parameterization;
    }

    @Override
    public float sigmaMin() {
        return sigmas[0];
    }

    @Override
    public float sigmaMax() {
        return sigmas[sigmas.length - 1];
    }

    /** The index of the table entry nearest in log sigma (the first on ties), as a double. */
    @Override
    public double timestep(double sigma) {
        float logSigma = TorchMath.log((float) sigma);
        int best = 0;
        float bestDist = Float.POSITIVE_INFINITY;
        for (int i = 0; i < logSigmas.length; i++) {
            float d = Math.abs(logSigma - logSigmas[i]);
            if (d < bestDist) {
                bestDist = d;
                best = i;
            }
        }
        return best;
    }

    /** exp((1 - w) log sigma_lo + w log sigma_hi), all float32; the timestep is clamped to the table. */
    @Override
    public double sigma(double timestep) {
        float t = (float) timestep;
        t = Math.max(0f, Math.min((float) (sigmas.length - 1), t));
        int lo = (int) Math.floor(t);
        int hi = (int) Math.ceil(t);
        float w = t - (float) Math.floor(t);
        float logSigma = (1 - w) * logSigmas[lo] + w * logSigmas[hi];
        return TorchMath.exp(logSigma);
    }

    /** ComfyUI's percent_to_sigma: 0 is the noisy end (a huge sigma), 1 the clean end (0). */
    @Override
    public double percentToSigma(double percent) {
        if (percent <= 0.0) return 999999999.9;
        if (percent >= 1.0) return 0.0;
        return sigma((float) ((1.0 - percent) * 999.0));
    }

    @Override
    public float[] sigmaTable() {
        return sigmas.clone();
    }

    /** The float32 log sigmas (copy). */
    public float[] logSigmaTable() {
        return logSigmas.clone();
    }
}

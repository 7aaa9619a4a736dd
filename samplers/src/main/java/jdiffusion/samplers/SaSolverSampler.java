package jdiffusion.samplers;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.schedule.ModelSampling;

/**
 * SA-Solver, the stochastic Adams solver of Xue et al. (2023, arXiv:2309.05019), as ComfyUI's
 * {@code sample_sa_solver}: a multistep predictor ({@code predictor_order}, default 3) and corrector
 * ({@code corrector_order}, default 4) in half-logSNR, with stochasticity tau = {@code eta} (default 1) for
 * sigmas between the model's 20 % and 80 % points ({@code sde_start_percent}, {@code sde_end_percent}) and 0
 * elsewhere; {@code simple_order_2} uses the paper's simplified second-order coefficients. {@link Pece}
 * re-evaluates the model after each correction (predict-evaluate-correct-evaluate).
 */
public class SaSolverSampler extends KSampler {

    private final boolean pece;

    public SaSolverSampler() {
        this("sa_solver", false);
    }

    SaSolverSampler(String name, boolean pece) {
        super(name, List.of(), "SA-Solver: stochastic Adams predictor-corrector" + (pece ? " in PECE mode" : "")
                        + " (eta, s_noise, predictor_order, corrector_order, simple_order_2)",
                "eta", "s_noise", "predictor_order", "corrector_order", "simple_order_2", "sde_start_percent", "sde_end_percent");
        this.pece = pece;
    }

    @Override
    public final boolean isStochastic() {
        return true;
    }

    @Override
    final float[] run(SamplerRun r, float[] x, float[] sigmas) {
        if (sigmas.length <= 1) return x.clone();
        double sNoiseD = r.option("s_noise", 1.0);
        float sNoise = (float) sNoiseD;
        int predictorOrder = r.intOption("predictor_order", 3);
        int correctorOrder = r.intOption("corrector_order", 4);
        boolean simpleOrder2 = r.options().getBoolean("simple_order_2", false);
        double eta = r.option("eta", 1.0);
        if (predictorOrder < 1 || predictorOrder > 6) throw r.options().invalid("predictor_order", predictorOrder, "1 to 6");
        if (correctorOrder < 0 || correctorOrder > 6) throw r.options().invalid("corrector_order", correctorOrder, "0 to 6");
        ModelSampling ms = r.modelSampling();
        boolean flow = ms.isFlow();
        double startSigma = ms.percentToSigma(r.option("sde_start_percent", 0.2));
        double endSigma = ms.percentToSigma(r.option("sde_end_percent", 0.8));
        sigmas = HalfLogSnr.offsetFirstSigma(sigmas, flow ? ms : null);
        float[] lambdas = HalfLogSnr.lambdas(sigmas, flow);

        int maxUsedOrder = Math.max(predictorOrder, correctorOrder);
        float[] xPred = x;
        float h = 0f;
        double tau = 0.0;
        float[] noise = null;
        List<float[]> preds = new ArrayList<>();
        boolean lowerOrderToEnd = sigmas[sigmas.length - 1] == 0;
        for (int i = 0; i < sigmas.length - 1; i++) {
            float[] denoised = r.denoise(xPred, sigmas[i]);
            r.step(i, sigmas[i], sigmas[i], xPred, denoised);
            preds.add(denoised);
            while (preds.size() > maxUsedOrder) preds.remove(0);
            int pou = Math.min(predictorOrder, preds.size());
            int cou = (i == 0 || (sigmas[i + 1] == 0 && !pece)) ? 0 : Math.min(correctorOrder, preds.size());
            if (lowerOrderToEnd) {
                pou = Math.min(pou, sigmas.length - 2 - i);
                cou = Math.min(cou, sigmas.length - 1 - i);
            }

            // Corrector
            if (cou == 0) {
                x = xPred;
            } else {
                float[] b = SaSolverCoefficients.b(sigmas[i], slice(lambdas, i - cou + 1, i + 1), lambdas[i - 1], lambdas[i],
                        tau, simpleOrder2, true);
                float[] res = V.dot(last(preds, cou), b);
                float k = sigmas[i] / sigmas[i - 1] * F32.exp((float) -(tau * tau) * h);
                float[] o = new float[x.length];
                for (int j = 0; j < o.length; j++) o[j] = k * x[j] + res[j];
                if (tau > 0 && sNoiseD > 0) o = V.add(o, noise);
                x = o;
                if (pece) {
                    denoised = r.denoise(x, sigmas[i]);
                    preds.set(preds.size() - 1, denoised);
                }
            }

            // Predictor
            if (sigmas[i + 1] == 0) {
                x = denoised;
            } else {
                double s = sigmas[i + 1];
                tau = eta > 0 && startSigma >= s && s >= endSigma ? eta : 0.0;
                float[] b = SaSolverCoefficients.b(sigmas[i + 1], slice(lambdas, i - pou + 1, i + 1), lambdas[i], lambdas[i + 1],
                        tau, simpleOrder2, false);
                float[] res = V.dot(last(preds, pou), b);
                h = lambdas[i + 1] - lambdas[i];
                float k = sigmas[i + 1] / sigmas[i] * F32.exp((float) -(tau * tau) * h);
                float[] o = new float[x.length];
                for (int j = 0; j < o.length; j++) o[j] = k * x[j] + res[j];
                if (tau > 0 && sNoiseD > 0) {
                    float[] n = r.noise(sigmas[i], sigmas[i + 1]);
                    float c = F32.sqrt(-F32.expm1((float) (-2 * (tau * tau)) * h));
                    noise = new float[x.length];
                    for (int j = 0; j < o.length; j++) {
                        noise[j] = ((n[j] * sigmas[i + 1]) * c) * sNoise;
                        o[j] = o[j] + noise[j];
                    }
                }
                xPred = o;
            }
        }
        return x;
    }

    private static float[] slice(float[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }

    private static float[][] last(List<float[]> list, int k) {
        return list.subList(list.size() - k, list.size()).toArray(new float[0][]);
    }

    /** {@code sa_solver_pece}: predict-evaluate-correct-evaluate. */
    public static final class Pece extends SaSolverSampler {
        public Pece() {
            super("sa_solver_pece", true);
        }
    }
}

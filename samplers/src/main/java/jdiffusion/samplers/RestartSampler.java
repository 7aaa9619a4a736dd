package jdiffusion.samplers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.samplers.step.HeunStep;

/**
 * Restart sampling (Xu et al. 2023, "Restart Sampling for Improving Generative Processes", arXiv:2306.14878),
 * as A1111's {@code restart_sampler}: Heun steps down the schedule, and at chosen points a jump back up
 * to a higher sigma with fresh noise followed by Heun steps down again (a restart interval, repeated).
 * Option {@code restart_list}: entries [min_sigma, restart_steps, restart_times, max_sigma]. Without it, as
 * A1111, schedules of 20 or more steps get one restart interval from 0.1 to 2 (two for 36 or more steps) and
 * the main schedule becomes a Karras schedule between the given sigma_max and sigma_min with correspondingly
 * fewer steps, so that the total stays near the requested count; shorter schedules run plain Heun.
 */
public final class RestartSampler extends KSampler {

    public RestartSampler() {
        super("restart", List.of(), "Restart sampling (Xu et al. 2023): Heun with noisy jumps back up (restart_list, s_noise)",
                "restart_list", "s_noise");
    }

    @Override
    public boolean isStochastic() {
        return true;
    }

    @Override
    public boolean choosesOwnSteps() {
        return true;
    }

    /** k-diffusion's Karras schedule (rho = 7) in float32, with the trailing 0. */
    static float[] karras(int n, float sigmaMin, float sigmaMax) {
        float[] ramp = TorchLinspace.of(0f, 1f, n);
        double rho = 7.0;
        double minInv = Math.pow(sigmaMin, 1 / rho);
        double maxInv = Math.pow(sigmaMax, 1 / rho);
        float[] s = new float[n + 1];
        for (int i = 0; i < n; i++) s[i] = F32.pow((float) maxInv + ramp[i] * (float) (minInv - maxInv), rho);
        return s;
    }

    private static int nearest(float[] sigmas, double key) {
        int best = 0;
        float bestDist = Float.POSITIVE_INFINITY;
        for (int i = 0; i < sigmas.length; i++) {
            float d = Math.abs(sigmas[i] - (float) key);
            if (d < bestDist) {
                bestDist = d;
                best = i;
            }
        }
        return best;
    }

    @Override
    float[] run(SamplerRun r, float[] x, float[] sigmas) {
        float sNoise = (float) r.option("s_noise", 1.0);
        int steps = sigmas.length - 1;
        List<double[]> entries = new ArrayList<>();
        List<?> given = r.options().getList("restart_list");
        if (given != null) {
            for (Object o : given) {
                if (!(o instanceof List<?> l) || l.size() != 4) {
                    throw r.options().invalid("restart_list", given, "a list of [min_sigma, restart_steps, restart_times, max_sigma]");
                }
                double[] e = new double[4];
                for (int k = 0; k < 4; k++) {
                    if (!(l.get(k) instanceof Number num)) throw r.options().invalid("restart_list", given, "numbers in each entry");
                    e[k] = num.doubleValue();
                }
                entries.add(e);
            }
        } else if (steps >= 20) {
            int restartSteps = 9;
            int restartTimes = 1;
            if (steps >= 36) {
                restartSteps = steps / 4;
                restartTimes = 2;
            }
            sigmas = karras(steps - restartSteps * restartTimes, sigmas[sigmas.length - 2], sigmas[0]);
            entries.add(new double[] {0.1, restartSteps + 1, restartTimes, 2});
        }
        Map<Integer, double[]> byIndex = new LinkedHashMap<>();
        for (double[] e : entries) byIndex.put(nearest(sigmas, e[0]), e);

        List<float[]> stepList = new ArrayList<>();
        for (int i = 0; i < sigmas.length - 1; i++) {
            stepList.add(new float[] {sigmas[i], sigmas[i + 1]});
            double[] e = byIndex.get(i + 1);
            if (e == null) continue;
            int restartSteps = (int) e[1];
            int restartTimes = (int) e[2];
            int minIdx = i + 1;
            int maxIdx = nearest(sigmas, e[3]);
            if (maxIdx < minIdx) {
                float[] k = karras(restartSteps, sigmas[minIdx], sigmas[maxIdx]);
                float[] restart = java.util.Arrays.copyOf(k, k.length - 1);
                for (int rep = 0; rep < restartTimes; rep++) {
                    for (int j = 0; j < restart.length - 1; j++) stepList.add(new float[] {restart[j], restart[j + 1]});
                }
            }
        }

        Float last = null;
        int total = stepList.size();
        for (int id = 0; id < total; id++) {
            float old = stepList.get(id)[0];
            float next = stepList.get(id)[1];
            if (last == null) {
                last = old;
            } else if (last < old) {
                float[] eps = r.randn();
                float scale = F32.sqrt(old * old - last * last);
                float[] o = new float[x.length];
                for (int j = 0; j < o.length; j++) o[j] = x[j] + (eps[j] * sNoise) * scale;
                x = o;
            }
            float[] denoised = r.denoise(x, old);
            float[] d = V.toD(x, old, denoised);
            r.step(id, total, old, old, x, denoised);
            float dt = next - old;
            if (next == 0) {
                x = Steps.euler(x, d, dt);
            } else {
                float[] x2 = Steps.euler(x, d, dt);
                float[] d2 = V.toD(x2, next, r.denoise(x2, next));
                x = Steps.euler(x, HeunStep.averageDerivative(d, d2), dt);
            }
            last = next;
        }
        return x;
    }
}

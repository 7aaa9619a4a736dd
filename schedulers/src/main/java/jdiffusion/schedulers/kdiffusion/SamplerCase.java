package jdiffusion.schedulers.kdiffusion;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.Config;
import jdiffusion.core.conformance.CaseResult;
import jdiffusion.core.conformance.ConformanceCase;
import jdiffusion.core.plugin.Registry;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.sampling.Sampler;
import jdiffusion.core.sampling.SamplingContext;
import jdiffusion.core.sampling.Sigmas;
import jdiffusion.core.sampling.StepListener;
import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.samplers.noise.ReplayNoise;

/**
 * One sampler trajectory: the sampler the reference file names (ComfyUI names are aliases of ours) runs from
 * the case's x_start over its sigmas with the toy denoiser and the recorded noise played back; every callback
 * (index, sigma, sigma_hat, x, denoised), the final latent, the model-call sigmas and the noise requests
 * (count, interval, position among the model calls) are compared.
 */
final class SamplerCase implements ConformanceCase {

    private final Map<String, Object> c;
    private final String samplerName;
    private final Map<String, Object> model;
    private final Registry<Sampler> samplers;
    private final Map<String, ModelSampling> modelSamplings;

    SamplerCase(Map<String, Object> c, String samplerName, Map<String, Object> model, Registry<Sampler> samplers,
                Map<String, ModelSampling> modelSamplings) {
        this.c = c;
        this.samplerName = samplerName;
        this.model = model;
        this.samplers = samplers;
        this.modelSamplings = modelSamplings;
    }

    @Override
    public String id() {
        return String.valueOf(c.get("id"));
    }

    private record Step(int index, float sigma, float sigmaHat, float[] x, float[] denoised) {
    }

    private record NoiseCall(float sigma, float sigmaNext, int afterModelCalls) {
    }

    @Override
    public CaseResult run() {
        Sampler sampler = samplers.get(samplerName);
        String msName = String.valueOf(c.get("model_sampling"));
        ModelSampling ms = modelSamplings.get(msName);
        if (ms == null) return CaseResult.failed(Double.NaN, "no model sampling " + msName + " in this set");
        float[] a = Cases.floats(model.get("a"));
        float[] b = Cases.floats(model.get("b"));
        float[] cc = Cases.floats(model.get("c"));
        float[] bUncond = null;
        float scale = 1f;
        if (c.get("cfg") instanceof Map<?, ?> cfg) {
            bUncond = Cases.floats(model.get("b_uncond"));
            scale = (float) Cases.number(cfg.get("cond_scale"));
        }
        ToyDenoiser denoiser = new ToyDenoiser(a, b, cc, bUncond, scale, ms);
        List<float[]> noises = new ArrayList<>();
        if (c.get("noises") instanceof List<?> l) {
            for (Object n : l) noises.add(Cases.floats(n));
        }
        ReplayNoise replay = new ReplayNoise(noises);
        List<NoiseCall> noiseCalls = new ArrayList<>();
        NoiseSource noise = new NoiseSource() {
            @Override
            public float[] next(int n) {
                noiseCalls.add(new NoiseCall(Float.NaN, Float.NaN, denoiser.calls().size()));
                return replay.next(n);
            }

            @Override
            public float[] next(int n, float sigma, float sigmaNext) {
                noiseCalls.add(new NoiseCall(sigma, sigmaNext, denoiser.calls().size()));
                return replay.next(n, sigma, sigmaNext);
            }
        };
        List<Step> steps = new ArrayList<>();
        StepListener listener = s -> steps.add(new Step(s.index(), s.sigma(), s.sigmaHat(), s.x().clone(), s.denoised().clone()));
        Map<String, Object> opts = c.get("options") instanceof Map<?, ?> ? Cases.map(c.get("options")) : Map.of();
        SamplingContext ctx = new SamplingContext(noise, listener, Config.of(id() + " options", new LinkedHashMap<>(opts)));
        float[] sigmas = Cases.floats(c.get("sigmas"));
        float[] xStart = Cases.floats(c.get("x_start"));
        float[] xBefore = xStart.clone();
        float[] out;
        try {
            out = sampler.sample(denoiser, xStart, Sigmas.of(sigmas), ctx);
        } catch (RuntimeException e) {
            if (c.containsKey("error")) {
                return new CaseResult(CaseResult.Outcome.PASSED_ERROR, 0, false, "rejected: " + e.getMessage());
            }
            if (Boolean.TRUE.equals(c.get("nonfinite"))) {
                return new CaseResult(CaseResult.Outcome.PASSED_NONFINITE, 0, false, "rejected: " + e.getMessage());
            }
            return CaseResult.failed(Double.NaN, "threw " + e);
        }
        if (c.containsKey("error")) {
            Map<String, Object> error = Cases.map(c.get("error"));
            if (Cases.accidental(error) && allFinite(out)) {
                return new CaseResult(CaseResult.Outcome.DIVERGES_FROM_REFERENCE_BUG, 0, false,
                        "reference fails (" + error.get("type") + ": " + error.get("message") + "); jdiffusion gives a finite result");
            }
            return CaseResult.failed(Double.NaN, "the reference rejects this (" + error.get("message") + "); jdiffusion returned a result");
        }
        if (!java.util.Arrays.equals(xBefore, xStart)) return CaseResult.failed(Double.NaN, "the sampler modified its input x");
        if (Boolean.TRUE.equals(c.get("nonfinite"))) {
            return allFinite(out)
                    ? CaseResult.failed(Double.NaN, "reference final is non-finite, jdiffusion's is finite")
                    : new CaseResult(CaseResult.Outcome.PASSED_NONFINITE, 0, false, "non-finite as the reference");
        }

        double tolFinal = Math.max(1e-6, 10 * Cases.check(c, "fp64_final_max_rel_diff"));
        double tolTraj = Math.max(tolFinal, 10 * Cases.check(c, "fp64_traj_max_rel_diff"));
        Compare cmp = new Compare();

        List<Object> callbacks = Cases.list(c.get("callbacks"));
        List<Object> trajX = Cases.list(c.get("trajectory_x"));
        List<Object> trajD = Cases.list(c.get("trajectory_denoised"));
        if (steps.size() != callbacks.size()) {
            cmp.miss(steps.size() + " listener calls vs reference " + callbacks.size() + " callbacks");
        } else {
            for (int k = 0; k < steps.size(); k++) {
                Map<String, Object> cb = Cases.map(callbacks.get(k));
                Step s = steps.get(k);
                if (s.index() != (int) Cases.number(cb.get("i"))) cmp.miss("callback " + k + ": index " + s.index() + " vs " + cb.get("i"));
                cmp.value("callback " + k + " sigma", s.sigma(), Cases.number(cb.get("sigma")), tolTraj);
                cmp.value("callback " + k + " sigma_hat", s.sigmaHat(), Cases.number(cb.get("sigma_hat")), tolTraj);
                cmp.array("trajectory_x[" + k + "]", s.x(), Cases.doubles(trajX.get(k)), tolTraj);
                cmp.array("trajectory_denoised[" + k + "]", s.denoised(), Cases.doubles(trajD.get(k)), tolTraj);
            }
        }

        cmp.array("final", out, Cases.doubles(c.get("final")), tolFinal);

        double[] callSigmas = Cases.doubles(c.get("model_call_sigmas"));
        List<Float> calls = denoiser.calls();
        if (calls.size() != callSigmas.length) {
            cmp.miss(calls.size() + " model calls vs reference " + callSigmas.length);
        } else {
            for (int k = 0; k < calls.size(); k++) cmp.value("model call " + k + " sigma", calls.get(k), callSigmas[k], tolTraj);
        }

        List<Object> refNoise = c.get("noise_calls") instanceof List<?> ? Cases.list(c.get("noise_calls")) : List.of();
        if (noiseCalls.size() != refNoise.size()) {
            cmp.miss(noiseCalls.size() + " noise draws vs reference " + refNoise.size());
        } else {
            for (int k = 0; k < noiseCalls.size(); k++) {
                Map<String, Object> rn = Cases.map(refNoise.get(k));
                NoiseCall nc = noiseCalls.get(k);
                if (nc.afterModelCalls() != (int) Cases.number(rn.get("after_model_calls"))) {
                    cmp.miss("noise draw " + k + " after " + nc.afterModelCalls() + " model calls vs reference " + rn.get("after_model_calls"));
                }
                if (rn.get("sigma") != null) {
                    cmp.value("noise draw " + k + " sigma", nc.sigma(), Cases.number(rn.get("sigma")), tolTraj);
                    cmp.value("noise draw " + k + " sigma_next", nc.sigmaNext(), Cases.number(rn.get("sigma_next")), tolTraj);
                } else if (!Float.isNaN(nc.sigma())) {
                    cmp.miss("noise draw " + k + " has an interval; the reference draws it without one (" + rn.get("kind") + ")");
                }
            }
        }
        if (!cmp.ok()) return CaseResult.failed(cmp.maxRelError(), cmp.firstMiss());
        return new CaseResult(CaseResult.Outcome.PASSED, cmp.maxRelError(), cmp.bitExact(),
                cmp.bitExact() ? "" : String.format("max rel err %.3g (tolerance %.3g)", cmp.maxRelError(), tolTraj));
    }

    private static boolean allFinite(float[] v) {
        for (float f : v) if (!Float.isFinite(f)) return false;
        return true;
    }
}

package jdiffusion.schedulers.diffusers;

import java.util.LinkedHashMap;
import java.util.Map;
import jdiffusion.core.scheduler.SchedulerRun;
import jdiffusion.core.tensor.DType;

/**
 * State every run keeps: the schedule {@code set_timesteps} produced and diffusers' step index, which (as in
 * diffusers) is found from the first timestep the run is stepped at and then counts up.
 */
abstract class BaseRun implements SchedulerRun {

    /** How a class finds the step index of a timestep. */
    enum IndexRule {
        /** The only occurrence, or the second when the timestep repeats (Euler, Heun, KDPM2, LMS, ...). */
        SECOND_IF_REPEATED,
        /** As SECOND_IF_REPEATED, and the last step when absent (the multistep solvers). */
        SECOND_IF_REPEATED_ELSE_LAST
    }

    final String className;
    double[] timesteps;
    DType timestepType;
    float[] sigmas;
    double initNoiseSigma = 1.0;
    int numInferenceSteps;
    final Map<String, double[]> internals = new LinkedHashMap<>();
    int stepIndex = -1;
    private int nextLoopIndex = -1;

    BaseRun(String className) {
        this.className = className;
    }

    @Override
    public double[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public DType timestepType() {
        return timestepType;
    }

    @Override
    public float[] sigmas() {
        return sigmas == null ? null : sigmas.clone();
    }

    @Override
    public double initNoiseSigma() {
        return initNoiseSigma;
    }

    @Override
    public int numInferenceSteps() {
        return numInferenceSteps;
    }

    @Override
    public Map<String, double[]> internalSchedules() {
        Map<String, double[]> copy = new LinkedHashMap<>();
        internals.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** The timestep of loop index {@code i}, checking that steps come in order. */
    double timestepAt(int i) {
        if (i < 0 || i >= timesteps.length) {
            throw new IllegalArgumentException(className + ": step index " + i + " is outside 0.." + (timesteps.length - 1));
        }
        return timesteps[i];
    }

    /**
     * Marks loop index {@code i} as stepped; steps must come in order, each once. The first step may be at any
     * index: img2img and inpainting begin part-way through the schedule (diffusers' {@code set_begin_index}).
     */
    void consume(int i) {
        if (nextLoopIndex < 0) nextLoopIndex = i;
        if (i != nextLoopIndex) {
            throw new IllegalStateException(className + ": step(" + i + ") called out of order; expected step(" + nextLoopIndex + ")");
        }
        nextLoopIndex++;
    }

    /** diffusers' {@code _init_step_index}: the index of the timestep, the first time it is needed. */
    void initStepIndex(double t, IndexRule rule) {
        if (stepIndex < 0) stepIndex = indexForTimestep(t, rule);
    }

    int indexForTimestep(double t, IndexRule rule) {
        int first = -1;
        int second = -1;
        for (int k = 0; k < timesteps.length; k++) {
            if (timesteps[k] == t) {
                if (first < 0) first = k;
                else if (second < 0) second = k;
            }
        }
        if (first < 0) {
            if (rule == IndexRule.SECOND_IF_REPEATED_ELSE_LAST) return timesteps.length - 1;
            throw new IllegalArgumentException(className + ": timestep " + t + " is not in the schedule");
        }
        return second >= 0 ? second : first;
    }

    /** The sigma at {@code index}, failing clearly where diffusers would index past its schedule. */
    float sigmaAt(int index) {
        if (index < 0 || index >= sigmas.length) {
            throw new IllegalStateException(className + ": the schedule has no sigma at step " + index + " (" + sigmas.length
                    + " sigmas); a repeated first timestep made the run start " + Math.max(0, stepIndex) + " steps in");
        }
        return sigmas[index];
    }

    static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /** Splits a batch into {@code rows} equal rows, for the forward process. */
    static int rowLength(float[] x, double[] timesteps, String className) {
        if (timesteps.length == 0 || x.length % timesteps.length != 0) {
            throw new IllegalArgumentException(className + ": " + x.length + " values cannot be split into " + timesteps.length + " rows, one per timestep");
        }
        return x.length / timesteps.length;
    }
}

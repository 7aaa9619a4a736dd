package jdiffusion.schedulers.conformance;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.sampling.NoiseSource;

/**
 * Hands out the recorded noise tensors in order (the reference's noise-replay contract) and records at
 * which loop step each was drawn.
 */
final class ReplayedNoise implements NoiseSource {

    private final List<float[]> noises;
    private final List<Integer> drawnAtStep = new ArrayList<>();
    private int next;
    private int currentStep;

    ReplayedNoise(List<float[]> noises) {
        this.noises = noises;
    }

    void atStep(int step) {
        currentStep = step;
    }

    @Override
    public float[] next(int n) {
        if (next >= noises.size()) {
            throw new IllegalStateException("drew noise tensor " + (next + 1) + " at step " + currentStep + " but the reference recorded only " + noises.size());
        }
        float[] z = noises.get(next++);
        if (z.length != n) {
            throw new IllegalStateException("noise tensor " + next + " has " + z.length + " values, " + n + " were asked for");
        }
        drawnAtStep.add(currentStep);
        return z.clone();
    }

    int drawn() {
        return next;
    }

    List<Integer> drawnAtStep() {
        return drawnAtStep;
    }
}

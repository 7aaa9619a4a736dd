package jdiffusion.samplers.noise;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.core.sampling.NoiseSource;

/**
 * Recorded noise played back in order: how reference trajectories drawn with another generator are reproduced
 * (each request takes the next tensor, whatever its interval). Records the interval of every request, and
 * fails clearly when more tensors are asked for than were recorded.
 */
public final class ReplayNoise implements NoiseSource {

    /** One request: its interval, or NaNs for a draw without one. */
    public record Request(float sigma, float sigmaNext) {
    }

    private final List<float[]> recorded;
    private final List<Request> requests = new ArrayList<>();
    private int position;

    public ReplayNoise(List<float[]> recorded) {
        this.recorded = List.copyOf(recorded);
    }

    @Override
    public float[] next(int n) {
        return take(n, new Request(Float.NaN, Float.NaN));
    }

    @Override
    public float[] next(int n, float sigma, float sigmaNext) {
        return take(n, new Request(sigma, sigmaNext));
    }

    private float[] take(int n, Request r) {
        if (position >= recorded.size()) {
            throw new IllegalStateException("noise request " + (position + 1) + " but only " + recorded.size() + " tensors were recorded");
        }
        float[] v = recorded.get(position);
        if (v.length != n) {
            throw new IllegalStateException("recorded noise " + position + " has " + v.length + " values, " + n + " requested");
        }
        position++;
        requests.add(r);
        return v.clone();
    }

    /** How many tensors were taken so far. */
    public int consumed() {
        return position;
    }

    /** The requests made so far, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }
}

package jdiffusion.tck;

import jdiffusion.core.schedule.ModelSampling;
import jdiffusion.core.schedule.Parameterization;

/**
 * A rectified-flow model sampling with SD3's static shift: sigma(t) = shift t / (1 + (shift - 1) t) for flow
 * times t = timestep / 1000, computed in double, for contract tests of flow samplers.
 */
public final class ToyFlowModelSampling implements ModelSampling {

    /** SD3's shift of 3. */
    public static final ToyFlowModelSampling SD3 = new ToyFlowModelSampling(3.0);

    private final double shift;

    public ToyFlowModelSampling(double shift) {
        this.shift = shift;
    }

    @Override
    public Parameterization parameterization() {
        return Parameterization.FLOW;
    }

    @Override
    public float sigmaMin() {
        return (float) sigma(1);
    }

    @Override
    public float sigmaMax() {
        return 1f;
    }

    @Override
    public double timestep(double sigma) {
        return sigma * 1000;
    }

    @Override
    public double sigma(double timestep) {
        double t = timestep / 1000;
        return shift * t / (1 + (shift - 1) * t);
    }

    @Override
    public double percentToSigma(double percent) {
        if (percent <= 0) return 1.0;
        if (percent >= 1) return 0.0;
        return sigma((1 - percent) * 1000);
    }

    @Override
    public float[] sigmaTable() {
        float[] s = new float[1000];
        for (int i = 0; i < s.length; i++) s[i] = (float) sigma(i + 1);
        return s;
    }
}

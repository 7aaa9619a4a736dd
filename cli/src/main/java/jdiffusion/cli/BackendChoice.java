package jdiffusion.cli;

import java.util.Arrays;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.BackendProvider;
import jdiffusion.core.plugin.Plugins;
import jdiffusion.core.tensor.Tensor;

/**
 * A backend named on the command line as {@code NAME[:OPTIONS]} ({@code cpu}, {@code opencl:0},
 * {@code opencl:nvidia}), and the agreement of two backends' outputs.
 */
record BackendChoice(String name, String options) {

    /** Splits {@code NAME[:OPTIONS]} at the first colon. */
    static BackendChoice parse(String spec) {
        int colon = spec.indexOf(':');
        return colon < 0 ? new BackendChoice(spec.trim(), "") : new BackendChoice(spec.substring(0, colon).trim(), spec.substring(colon + 1));
    }

    /** Creates the backend; an unknown name lists the known ones, an unavailable one says why. */
    Backend create(Plugins plugins, int threads) {
        BackendProvider provider = plugins.backends().get(name);
        if (!provider.isAvailable()) {
            throw new IllegalArgumentException("backend " + name + " is not available: " + provider.unavailableReason());
        }
        return provider.create(options, threads);
    }

    @Override
    public String toString() {
        return options.isEmpty() ? name : name + ":" + options;
    }

    /** The largest |actual - expected| relative to the largest |expected| (0 when both are all zeros). */
    static double maxRelativeError(Tensor expected, Tensor actual) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            throw new IllegalStateException("outputs differ in shape: " + Arrays.toString(expected.shape()) + " and "
                    + Arrays.toString(actual.shape()));
        }
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) e[i] - a[i]);
            if (Double.isNaN(d)) return Double.NaN;
            maxDiff = Math.max(maxDiff, d);
            maxRef = Math.max(maxRef, Math.abs(e[i]));
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }
}

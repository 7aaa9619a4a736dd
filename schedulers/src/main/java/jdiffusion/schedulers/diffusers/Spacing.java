package jdiffusion.schedulers.diffusers;

/**
 * diffusers' {@code timestep_spacing} options (table 2 of Lin et al. 2024, "Common Diffusion Noise
 * Schedules and Sample Steps are Flawed"): {@code linspace}, {@code leading} (with {@code steps_offset}) and
 * {@code trailing}, in the three variants the classes use. All results are descending.
 */
final class Spacing {

    private Spacing() {
    }

    static final String[] NAMES = {"linspace", "leading", "trailing"};

    /**
     * The integer spacing of DDPM, DDIM and PNDM: linspace(0, T-1, n) rounded; (0..n-1) * (T // n) + offset;
     * round(arange(T, 0, -T/n)) - 1.
     */
    static double[] integer(String spacing, int t, int n, int stepsOffset) {
        switch (spacing) {
            case "linspace":
                return Numpy.reverse(Numpy.round(Numpy.linspace(0, t - 1, n)));
            case "leading": {
                int ratio = t / n;
                double[] out = new double[n];
                for (int i = 0; i < n; i++) out[i] = (double) (n - 1 - i) * ratio + stepsOffset;
                return out;
            }
            case "trailing": {
                double[] a = Numpy.round(Numpy.arange(t, 0, -((double) t / n)));
                for (int i = 0; i < a.length; i++) a[i] -= 1;
                return a;
            }
            default:
                throw new IllegalArgumentException(spacing);
        }
    }

    /**
     * The float32 spacing of the Euler, Heun, KDPM2 and LMS classes: linspace(0, T-1, n) in float32 (not
     * rounded); the leading and trailing values as {@link #integer}.
     */
    static double[] float32(String spacing, int t, int n, int stepsOffset) {
        if (spacing.equals("linspace")) {
            double[] l = Numpy.linspace(0, t - 1, n);
            double[] out = new double[n];
            for (int i = 0; i < n; i++) out[i] = (float) l[n - 1 - i];
            return out;
        }
        return integer(spacing, t, n, stepsOffset);
    }

    /**
     * The spacing of the multistep solvers (DPM-Solver, DEIS, UniPC, SA-Solver): linspace and leading take
     * n + 1 points up to {@code last} and drop the final one, so the schedule never reaches 0; trailing
     * steps by T/n down from {@code last}.
     */
    static double[] multistep(String spacing, int t, int last, int n, int stepsOffset) {
        switch (spacing) {
            case "linspace": {
                double[] l = Numpy.reverse(Numpy.round(Numpy.linspace(0, last - 1, n + 1)));
                double[] out = new double[n];
                System.arraycopy(l, 0, out, 0, n);
                return out;
            }
            case "leading": {
                int ratio = last / (n + 1);
                double[] out = new double[n];
                for (int i = 0; i < n; i++) out[i] = (double) (n - i) * ratio + stepsOffset;
                return out;
            }
            case "trailing": {
                double[] a = Numpy.round(Numpy.arange(last, 0, -((double) t / n)));
                for (int i = 0; i < a.length; i++) a[i] -= 1;
                return a;
            }
            default:
                throw new IllegalArgumentException(spacing);
        }
    }
}

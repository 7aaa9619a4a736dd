package jdiffusion.schedulers.diffusers;

/** The timestep schedules of LCM and TCD: evenly skipping through the distillation schedule. */
final class ConsistencyTimesteps {

    private ConsistencyTimesteps() {
    }

    /**
     * The origin schedule (ascending): k - 1, 2k - 1, ... for {@code int(original * strength)} steps with
     * k = T / original, or 0 .. int(T strength) - 1 when {@code allTrain}; then n of them, descending, at
     * floor(linspace(0, len, n, endpoint=False)).
     */
    static double[] schedule(Options o, String className, int t, int original, double strength, boolean allTrain, int n) {
        if (!allTrain && original > t) {
            throw o.error("original_inference_steps = " + original + " cannot be larger than num_train_timesteps = " + t);
        }
        long[] origin;
        if (allTrain) {
            int len = (int) (t * strength);
            origin = new long[Math.max(len, 0)];
            for (int i = 0; i < origin.length; i++) origin[i] = i;
        } else {
            int k = t / original;
            int len = (int) (original * strength);
            origin = new long[Math.max(len, 0)];
            for (int i = 0; i < origin.length; i++) origin[i] = (long) (i + 1) * k - 1;
        }
        if (n > t) throw o.error("num_inference_steps = " + n + " cannot be larger than num_train_timesteps = " + t);
        if (origin.length / n < 1) {
            throw o.error("original_inference_steps x strength = " + original + " x " + strength + " is smaller than num_inference_steps = " + n
                    + "; reduce num_inference_steps below " + (int) (original * strength) + " or increase strength");
        }
        if (n > original) {
            throw o.error("num_inference_steps = " + n + " cannot be larger than original_inference_steps = " + original);
        }
        double[] idx = Numpy.linspace(0, origin.length, n, false);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int j = (int) Math.floor(idx[i]);
            out[i] = origin[origin.length - 1 - j];
        }
        return out;
    }
}

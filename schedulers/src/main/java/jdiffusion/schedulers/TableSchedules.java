package jdiffusion.schedulers;

/** The tail handling the AYS and GITS nodes share. */
final class TableSchedules {

    private TableSchedules() {
    }

    /**
     * Keeps the last round(steps * denoise) + 1 sigmas (all of them for denoise 1; none for denoise &lt;= 0),
     * sets the last to 0, rounds to float32.
     */
    static float[] finish(double[] sigmas, int steps, double denoise) {
        int total = steps;
        if (denoise < 1.0) {
            if (denoise <= 0.0) throw new IllegalArgumentException("denoise must be above 0 (it keeps round(steps * denoise) steps), got " + denoise);
            total = (int) Math.rint(steps * denoise);
        }
        int keep = Math.min(total + 1, sigmas.length);
        float[] s = new float[keep];
        for (int i = 0; i < keep; i++) s[i] = (float) sigmas[sigmas.length - keep + i];
        s[keep - 1] = 0f;
        return s;
    }
}

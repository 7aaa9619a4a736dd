package jdiffusion.samplers.random;

/**
 * The "NV" noise of A1111's web UI: the Philox 4x32-10 counter-based generator (Salmon et al. 2011,
 * "Parallel random numbers: as easy as 1, 2, 3") with a Box-Muller transform, laid out as A1111's
 * {@code rng_philox.py} lays it out to imitate {@code torch.randn(..., device="cuda")}: element i of the
 * k-th draw uses counter (k, 0, i, 0) and key = the 64-bit seed; the first two output words give one
 * normal value (the sine branch), computed in double and rounded to float32. Not thread-safe.
 */
public final class PhiloxGenerator {

    private static final long M0 = 0xD2511F53L;
    private static final long M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    // The float32 constants rng_philox.py multiplies with, widened to double as numpy does.
    private static final double TWO_POW32_INV = 2.3283064e-10f;
    private static final double TWO_POW32_INV_2PI = (float) (2.3283064e-10 * 6.2831855);
    private static final double HALF_TWO_POW32_INV = 2.3283064e-10f / 2f;
    private static final double HALF_TWO_POW32_INV_2PI = (float) (2.3283064e-10 * 6.2831855) / 2f;

    private final long seed;
    private int offset;

    public PhiloxGenerator(long seed) {
        this.seed = seed;
    }

    /** The next draw of {@code n} standard-normal float32 values (one counter offset per draw). */
    public float[] randn(int n) {
        float[] out = new float[n];
        int[] c = new int[4];
        for (int i = 0; i < n; i++) {
            c[0] = offset;
            c[1] = 0;
            c[2] = i;
            c[3] = 0;
            philox(c, (int) seed, (int) (seed >>> 32));
            out[i] = boxMuller(c[0], c[1]);
        }
        offset++;
        return out;
    }

    /** Ten Philox rounds on {@code c}, bumping the key by the Weyl constants between rounds. */
    static void philox(int[] c, int k0, int k1) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long v1 = (c[0] & 0xffffffffL) * M0;
            long v2 = (c[2] & 0xffffffffL) * M1;
            int c1 = c[1];
            int c3 = c[3];
            c[0] = (int) (v2 >>> 32) ^ c1 ^ k0;
            c[1] = (int) v2;
            c[2] = (int) (v1 >>> 32) ^ c3 ^ k1;
            c[3] = (int) v1;
        }
    }

    private static float boxMuller(int x, int y) {
        double u = (x & 0xffffffffL) * TWO_POW32_INV + HALF_TWO_POW32_INV;
        double v = (y & 0xffffffffL) * TWO_POW32_INV_2PI + HALF_TWO_POW32_INV_2PI;
        double s = Math.sqrt(-2.0 * StrictMath.log(u));
        return (float) (s * StrictMath.sin(v));
    }
}

package jdiffusion.samplers.noise;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import jdiffusion.core.sampling.NoiseSource;
import jdiffusion.core.sampling.Sigmas;

/**
 * Noise from a seeded Brownian motion W over [sigma_min, sigma_max], as k-diffusion's
 * {@code BrownianTreeNoiseSampler}: the noise for a step from sigma to sigma_next is
 * (W(sigma_next) - W(sigma)) / sqrt(|sigma_next - sigma|). W is fixed by the seed and the interval alone
 * (a Brownian tree: W(sigma_max) drawn first, then each midpoint by a Brownian bridge from its own seeded
 * stream, down to intervals below 1e-6 of the range, and finally the queried point by a bridge between the
 * bracketing points, seeded by the point itself, as torchsde's BrownianTree does), so an SDE sampler sees the
 * same path whatever its step count or schedule, and finer steps refine rather than redraw it. Not
 * bit-compatible with torchsde.
 *
 * <p>{@link #next(int)} (draws without an interval) comes from an independent seeded stream. One run at a time.
 */
public final class BrownianTreeNoise implements NoiseSource {

    /** Tree levels: intervals of (sigma_max - sigma_min) / 2^20 at the bottom. */
    private static final int DEPTH = 20;
    private static final int CACHE = 8;
    private static final int NODE_CACHE = 512;

    private final long seed;
    private final double t0;
    private final double t1;
    private final GaussianNoise plain;
    private int size = -1;
    private double[] wEnd;
    private final Map<Double, double[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Double, double[]> eldest) {
            return size() > CACHE;
        }
    };
    /** W at recently visited midpoints, keyed by level and index: queries near each other share their path. */
    private final Map<Long, double[]> nodes = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, double[]> eldest) {
            return size() > NODE_CACHE;
        }
    };

    /** A tree over [sigmaMin, sigmaMax] (0 &lt;= sigmaMin &lt; sigmaMax) for {@code seed}. */
    public BrownianTreeNoise(long seed, double sigmaMin, double sigmaMax) {
        if (!(sigmaMin >= 0) || !(sigmaMax > sigmaMin) || Double.isInfinite(sigmaMax)) {
            throw new IllegalArgumentException("Brownian tree needs 0 <= sigma_min < sigma_max < infinity, got ["
                    + sigmaMin + ", " + sigmaMax + "]");
        }
        this.seed = seed;
        this.t0 = sigmaMin;
        this.t1 = sigmaMax;
        this.plain = new GaussianNoise(mix(seed, -1, 0));
    }

    /**
     * The tree k-diffusion's SDE samplers build for a schedule: from its smallest positive sigma to its
     * largest.
     */
    public static BrownianTreeNoise forSigmas(long seed, Sigmas sigmas) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int i = 0; i < sigmas.size(); i++) {
            float s = sigmas.get(i);
            if (s > 0) min = Math.min(min, s);
            max = Math.max(max, s);
        }
        if (min == Double.POSITIVE_INFINITY || !(max > min)) {
            throw new IllegalArgumentException("a Brownian tree needs at least two distinct positive sigmas, got " + sigmas);
        }
        return new BrownianTreeNoise(seed, min, max);
    }

    @Override
    public float[] next(int n) {
        return plain.next(n);
    }

    @Override
    public float[] next(int n, float sigma, float sigmaNext) {
        ensureSize(n);
        double a = sigma;
        double b = sigmaNext;
        double[] wa = w(a);
        double[] wb = w(b);
        double scale = Math.sqrt(Math.abs(b - a));
        float[] out = new float[n];
        if (scale == 0) return out;
        for (int i = 0; i < n; i++) out[i] = (float) ((wb[i] - wa[i]) / scale);
        return out;
    }

    private void ensureSize(int n) {
        if (size == -1) {
            size = n;
            SplittableRandom random = new SplittableRandom(mix(seed, 0, 0));
            double sd = Math.sqrt(t1 - t0);
            wEnd = new double[n];
            for (int i = 0; i < n; i++) wEnd[i] = sd * random.nextGaussian();
        } else if (size != n) {
            throw new IllegalArgumentException("this Brownian tree holds " + size + " values per draw, asked for " + n);
        }
    }

    /** W(t), W(t0) = 0, by descending the tree of midpoints; a seeded bridge sample between the two nearest at the bottom. */
    private double[] w(double t) {
        double slack = (t1 - t0) * 1e-6;
        if (t < t0 - slack || t > t1 + slack) {
            throw new IllegalArgumentException("sigma " + t + " lies outside this Brownian tree's interval [" + t0 + ", " + t1
                    + "]; build the tree from the sampling run's sigmas");
        }
        t = Math.max(t0, Math.min(t1, t));
        double[] hit = cache.get(t);
        if (hit != null) return hit;
        double a = t0;
        double b = t1;
        double[] wa = new double[size];
        double[] wb = wEnd;
        long index = 0;
        for (int level = 1; level <= DEPTH && t != a && t != b; level++) {
            double m = (a + b) / 2;
            long key = ((long) level << 44) ^ index;
            double[] wm = nodes.get(key);
            if (wm == null) {
                SplittableRandom random = new SplittableRandom(mix(seed, level, index));
                double sd = Math.sqrt((b - a) / 4);
                wm = new double[size];
                for (int i = 0; i < size; i++) wm[i] = (wa[i] + wb[i]) / 2 + sd * random.nextGaussian();
                nodes.put(key, wm);
            }
            if (t < m) {
                b = m;
                wb = wm;
                index = 2 * index;
            } else {
                a = m;
                wa = wm;
                index = 2 * index + 1;
            }
        }
        double[] out;
        if (t == a) {
            out = wa;
        } else if (t == b) {
            out = wb;
        } else {
            double f = (t - a) / (b - a);
            double sd = Math.sqrt((t - a) * (b - t) / (b - a));
            SplittableRandom random = new SplittableRandom(mix(seed, DEPTH + 1, Double.doubleToLongBits(t)));
            out = new double[size];
            for (int i = 0; i < size; i++) out[i] = wa[i] + f * (wb[i] - wa[i]) + sd * random.nextGaussian();
        }
        cache.put(t, out);
        return out;
    }

    private static long mix(long seed, int level, long index) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h ^= (level + 0x632BE59BD9B4E019L) * 0xBF58476D1CE4E5B9L;
        h ^= (index + 0x3C6EF372FE94F82AL) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return h;
    }
}

package jdiffusion.samplers.random;

/**
 * torch's CPU random generator ({@code torch.Generator()} / {@code torch.manual_seed}) as far as
 * {@code torch.randn} uses it: MT19937 and torch's two normal samplers, so that a seed gives the same
 * float32 numbers, bit for bit, as {@code torch.randn(shape, generator=torch.Generator().manual_seed(seed))}
 * on an x86 CPU. Not thread-safe: one generator per run.
 *
 * <ul>
 *   <li>{@code numel >= 16}: every element first gets a uniform float {@code (bits & 0xffffff) * 2^-24};
 *       then each block of 16 becomes 8 Box-Muller pairs (element j with j + 8), computed in float with
 *       the AVX2 {@code log}/{@code sincos} of {@link AvxMathFun}. When numel is not a multiple of 16 the
 *       last 16 elements are re-drawn and transformed again, overlapping the previous block.</li>
 *   <li>{@code numel < 16}: one double normal per element, Box-Muller on 53-bit uniforms in double
 *       precision; every other value is the cached second output of the previous pair. The cache lives in
 *       the generator, across calls.</li>
 * </ul>
 */
public final class TorchCpuGenerator {

    private static final float TWO_PI_F = (float) (2.0 * Math.PI);
    private static final double TWO_POW_M24 = 0x1.0p-24;
    private static final double TWO_POW_M53 = 0x1.0p-53;

    private final Mt19937 engine;
    private boolean hasCachedNormal;
    private double cachedNormal;
    private final float[] sincos = new float[2];

    /** The generator after {@code manual_seed(seed)} (torch uses the seed's low 32 bits). */
    public TorchCpuGenerator(long seed) {
        this.engine = new Mt19937(seed);
    }

    /** {@code torch.randn(n)} in float32: the next {@code n} standard-normal values. */
    public float[] randn(int n) {
        float[] out = new float[n];
        if (n >= 16) {
            normalFill(out);
        } else {
            for (int i = 0; i < n; i++) out[i] = (float) nextDoubleNormal();
        }
        return out;
    }

    /** A uniform float in [0, 1) from 24 random bits, as torch's {@code uniform_real_distribution<float>}. */
    private float nextFloatUniform() {
        return (float) ((engine.nextInt() & 0xffffff) * TWO_POW_M24);
    }

    private void normalFill(float[] data) {
        int size = data.length;
        for (int i = 0; i < size; i++) data[i] = nextFloatUniform();
        for (int i = 0; i + 16 <= size; i += 16) normalFill16(data, i);
        if (size % 16 != 0) {
            int start = size - 16;
            for (int i = 0; i < 16; i++) data[start + i] = nextFloatUniform();
            normalFill16(data, start);
        }
    }

    /** Box-Muller on 8 pairs: u1 = 1 - data[j] (so log never sees 0), u2 = data[j + 8]. */
    private void normalFill16(float[] data, int off) {
        for (int j = 0; j < 8; j++) {
            float u1 = 1f - data[off + j];
            float u2 = data[off + j + 8];
            float radius = (float) Math.sqrt(-2f * AvxMathFun.log(u1));
            float theta = TWO_PI_F * u2;
            AvxMathFun.sincos(theta, sincos);
            // mean 0, std 1 through torch's final fused multiply-add (it only turns -0 into +0)
            data[off + j] = Math.fma(radius * sincos[1], 1f, 0f);
            data[off + j + 8] = Math.fma(radius * sincos[0], 1f, 0f);
        }
    }

    /** torch's {@code normal_distribution<double>}: Box-Muller in double, caching the sine branch. */
    private double nextDoubleNormal() {
        if (hasCachedNormal) {
            hasCachedNormal = false;
            return cachedNormal;
        }
        double u1 = (engine.nextLong() & ((1L << 53) - 1)) * TWO_POW_M53;
        double u2 = (engine.nextLong() & ((1L << 53) - 1)) * TWO_POW_M53;
        double r = Math.sqrt(-2.0 * StrictMath.log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        cachedNormal = r * StrictMath.sin(theta);
        hasCachedNormal = true;
        return r * StrictMath.cos(theta);
    }
}

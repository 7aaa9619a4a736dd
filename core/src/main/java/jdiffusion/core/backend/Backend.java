package jdiffusion.core.backend;

import java.util.Set;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;

/**
 * The operations Stable Diffusion's networks need, implemented once per compute device.
 *
 * <p>Every operation returns a new tensor and leaves its inputs unchanged. Activations are float32;
 * weight arguments ({@code weight}, {@code bias}, {@code gamma}, {@code beta}) may also be float16 or
 * bfloat16 where the backend declares {@link Capability#FLOAT16_WEIGHTS} / {@link Capability#BFLOAT16_WEIGHTS},
 * and are then converted inside the kernel. A backend instance is thread-safe. Shapes that do not fit
 * raise {@link IllegalArgumentException} naming the operation and the shapes.
 */
public interface Backend extends AutoCloseable {

    /** The name it was created under, e.g. {@code cpu} or {@code opencl:0}. */
    String name();

    Set<Capability> capabilities();

    /** A tensor of this backend holding a copy of (or, for host backends, the same memory as) {@code host}. */
    Tensor fromHost(Tensor host);

    /** A host tensor with this tensor's elements (the same tensor for host backends). */
    Tensor toHost(Tensor tensor);

    /** A zero-filled float32 tensor. */
    Tensor zeros(int... shape);

    // ---- linear algebra -------------------------------------------------------------------------

    /** {@code x @ weight^T + bias}: x [..., in], weight [out, in], bias [out] or null; result [..., out]. */
    Tensor linear(Tensor x, Tensor weight, Tensor bias);

    /**
     * Batched matrix product: a [..., M, K] times b [..., K, N] (or b [..., N, K] when {@code transposeB});
     * b has the same leading dimensions as a, or none (one matrix for the whole batch); result [..., M, N].
     */
    Tensor matmul(Tensor a, Tensor b, boolean transposeB);

    /** 2-D convolution: x [N, C, H, W], weight [O, C/groups, kh, kw], bias [O] or null. */
    Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params);

    // ---- normalisation ---------------------------------------------------------------------------

    /**
     * Group normalisation over [N, C, ...] with per-channel affine gamma/beta [C] (either may be null):
     * each of the {@code groups} groups of C/groups channels is normalised with its own mean and biased
     * variance, {@code (x - mean) / sqrt(var + eps)}.
     */
    Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps);

    /** Layer normalisation over the last dimension, affine gamma/beta [last] (either may be null). */
    Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps);

    /** Softmax over the last dimension (max-subtracted, so large inputs do not overflow). */
    Tensor softmax(Tensor x);

    /**
     * Scaled dot-product attention, {@code softmax(q k^T * scale [+ causal mask]) v}, per head.
     * q [B, Lq, H*D], k [B, Lk, H*D], v [B, Lk, H*Dv] with heads split from the last dimension (diffusers'
     * {@code head_to_batch_dim} layout); result [B, Lq, H*Dv]. {@code causal} masks key j for query i when
     * j &gt; i. Long sequences are processed in tiles without materialising the [Lq, Lk] score matrix.
     */
    Tensor attention(Tensor q, Tensor k, Tensor v, int heads, float scale, boolean causal);

    // ---- activations -----------------------------------------------------------------------------

    /** x * sigmoid(x). */
    Tensor silu(Tensor x);

    /** GELU: exact, x * (1 + erf(x / sqrt 2)) / 2, or the tanh approximation. */
    Tensor gelu(Tensor x, boolean tanhApproximation);

    /** CLIP's quick GELU, x * sigmoid(1.702 x). */
    Tensor quickGelu(Tensor x);

    /** GEGLU: splits the last dimension in halves (value, gate) and returns value * gelu(gate). */
    Tensor geglu(Tensor x);

    // ---- shape -----------------------------------------------------------------------------------

    /**
     * Nearest-neighbour resize of [N, C, H, W] to [N, C, outH, outW] as PyTorch's
     * {@code interpolate(size=(outH, outW), mode="nearest")}: source index floor(dst * (float) in / out),
     * so 2x is each pixel repeated and other sizes match diffusers' {@code upsample_size} path.
     */
    Tensor upsampleNearest(Tensor x, int outH, int outW);

    /** Concatenation along {@code dim} (negative counts from the end); the other dimensions must agree. */
    Tensor concat(int dim, Tensor... parts);

    /** Elements {@code [start, start + length)} along {@code dim} (PyTorch's {@code narrow}), as a new tensor. */
    Tensor narrow(Tensor x, int dim, int start, int length);

    /**
     * Zero padding of the last two dimensions (W then H) of [..., H, W], as PyTorch's
     * {@code F.pad(x, (left, right, top, bottom))}; result [..., top + H + bottom, left + W + right].
     */
    Tensor pad2d(Tensor x, int left, int right, int top, int bottom);

    /** Rows {@code ids} of {@code weight} [V, D] (a token embedding lookup); result [ids.length, D]. */
    Tensor embedding(Tensor weight, int[] ids);

    /** The axes reordered: result dimension i is input dimension {@code order[i]}. */
    Tensor permute(Tensor x, int... order);

    // ---- elementwise -----------------------------------------------------------------------------

    /** a + b with NumPy broadcasting. */
    Tensor add(Tensor a, Tensor b);

    /** a * b with NumPy broadcasting. */
    Tensor mul(Tensor a, Tensor b);

    /** a - b with NumPy broadcasting. */
    Tensor sub(Tensor a, Tensor b);

    /** a * s. */
    Tensor scale(Tensor a, float s);

    /** e^x elementwise. */
    Tensor exp(Tensor x);

    /** x limited to [min, max] elementwise (PyTorch's {@code clamp}). */
    Tensor clamp(Tensor x, float min, float max);

    /**
     * Sinusoidal timestep embedding as diffusers' {@code get_timestep_embedding}: for each timestep t,
     * freq_k = exp(-ln(maxPeriod) * k / (half - downscaleFreqShift)), emb = scale * [sin(t f), cos(t f)],
     * swapped to [cos, sin] when {@code flipSinToCos}; result [timesteps.length, dim].
     */
    Tensor timestepEmbedding(float[] timesteps, int dim, boolean flipSinToCos, float downscaleFreqShift,
                             float scale, int maxPeriod);

    /** The elements converted to {@code dtype} (float32, float16 or bfloat16; round to nearest even). */
    Tensor convert(Tensor x, DType dtype);

    /**
     * How the most recent operation ran, in a few words, for benchmarks and diagnostics: e.g. which kernel
     * variant a device backend chose for a matrix product, and whether it was tuned. Empty when the backend
     * has nothing to add, which the default says.
     */
    default String lastOperationNote() {
        return "";
    }

    /**
     * Waits until every operation issued so far has finished. Device backends return from operations as soon
     * as the work is queued; timing them needs this. Host backends finish each operation before returning,
     * so the default does nothing.
     */
    default void synchronize() {
    }

    /** Releases native resources; tensors created by this backend must not be used afterwards. */
    @Override
    void close();
}

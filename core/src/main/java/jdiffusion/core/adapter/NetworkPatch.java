package jdiffusion.core.adapter;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdiffusion.core.backend.Backend;
import jdiffusion.core.backend.Conv2dParams;
import jdiffusion.core.tensor.DType;
import jdiffusion.core.tensor.Tensor;

/**
 * Every adapter change to one network: the patches of each changed layer (by module path, e.g.
 * {@code down_blocks.0.attentions.0.proj_in}), how they are applied, and the input embeddings of added
 * tokens (textual inversion; text encoders only).
 *
 * <p>A network applies it in its Linear and Conv2d layers through three calls: {@link #weight} and
 * {@link #bias} when it builds a layer (the merged weights in {@link ApplyMode#MERGED}, the base ones
 * otherwise), and {@link #forward} after computing the layer's output (which adds the patches' output
 * changes in {@link ApplyMode#RUNTIME}, and is the identity otherwise).
 *
 * @param network        the network's name ({@link Networks})
 * @param mode           merged into the weights or applied at run time
 * @param layers         module path -> its patches, in the order the adapters were given
 * @param addedTokens    [n, hidden] input embeddings of n added tokens, which get the ids
 *                       vocabSize .. vocabSize + n - 1 in order; null when none (or not a text encoder)
 */
public record NetworkPatch(String network, ApplyMode mode, Map<String, List<LayerPatch>> layers, Tensor addedTokens) {

    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public NetworkPatch {
        Map<String, List<LayerPatch>> copy = new LinkedHashMap<>();
        layers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        layers = java.util.Collections.unmodifiableMap(copy);
    }

    /** A patch that changes nothing. */
    public static NetworkPatch none(String network) {
        return new NetworkPatch(network, ApplyMode.MERGED, Map.of(), null);
    }

    /** Whether it changes nothing. */
    public boolean isEmpty() {
        return layers.isEmpty() && addedTokens == null;
    }

    /** The patches of one layer (empty when it is unchanged). */
    public List<LayerPatch> patches(String module) {
        return layers.getOrDefault(module, List.of());
    }

    /**
     * The weight a layer computes with: in {@link ApplyMode#MERGED}, a new tensor W + sum of the patches'
     * weight deltas, computed in float32 and stored in the base weight's dtype (as merging into a float16
     * model does elsewhere); otherwise {@code base} itself.
     */
    public Tensor weight(String module, Tensor base) {
        List<LayerPatch> ps = patches(module);
        if (mode != ApplyMode.MERGED || ps.isEmpty()) return base;
        float[] w = base.toFloatArray();
        for (LayerPatch p : ps) addInto(w, p.weightDelta(), module + ".weight", base);
        return store(w, base);
    }

    /** The bias a layer computes with, merged as {@link #weight} does; {@code base} may be null. */
    public Tensor bias(String module, Tensor base) {
        List<LayerPatch> ps = patches(module);
        if (mode != ApplyMode.MERGED || ps.isEmpty()) return base;
        float[] b = null;
        for (LayerPatch p : ps) {
            Tensor d = p.biasDelta();
            if (d == null) continue;
            if (b == null) b = base == null ? new float[d.dim(0)] : base.toFloatArray();
            addInto(b, d, module + ".bias", base);
        }
        if (b == null) return base;
        return base == null ? Tensor.wrap(b, b.length) : store(b, base);
    }

    /**
     * A layer's output with the run-time changes: {@code y} plus every patch's output delta in
     * {@link ApplyMode#RUNTIME}, {@code y} itself otherwise.
     *
     * @param x    the layer's input
     * @param y    the layer's output with the base weights
     * @param conv the layer's geometry for a convolution, null for a Linear layer
     */
    public Tensor forward(Backend backend, String module, Tensor x, Tensor y, Conv2dParams conv) {
        List<LayerPatch> ps = patches(module);
        if (mode != ApplyMode.RUNTIME || ps.isEmpty()) return y;
        Tensor out = y;
        for (LayerPatch p : ps) out = backend.add(out, p.outputDelta(backend, x, y, conv));
        return out;
    }

    private static void addInto(float[] acc, Tensor delta, String what, Tensor base) {
        if (delta.numel() != acc.length) {
            throw new IllegalStateException("patch for " + what + " has shape " + Arrays.toString(delta.shape())
                    + ", the layer has " + (base == null ? acc.length + " elements" : Arrays.toString(base.shape())));
        }
        float[] d = delta.toFloatArray();
        for (int i = 0; i < acc.length; i++) acc[i] += d[i];
    }

    private static Tensor store(float[] values, Tensor like) {
        int[] shape = like.shape();
        return switch (like.dtype()) {
            case FLOAT16, BFLOAT16 -> {
                MemorySegment m = MemorySegment.ofArray(new short[values.length]);
                boolean half = like.dtype() == DType.FLOAT16;
                for (int i = 0; i < values.length; i++) {
                    m.setAtIndex(I16, i, half ? Float.floatToFloat16(values[i]) : toBfloat16(values[i]));
                }
                yield Tensor.of(like.dtype(), shape, m);
            }
            default -> Tensor.wrap(values, shape);
        };
    }

    /** Round to nearest even, as torch's float -> bfloat16 conversion. */
    private static short toBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}

package jdiffusion.adapters.lora.internal;

import java.util.Arrays;
import jdiffusion.core.tensor.Tensor;

/**
 * One module's weight change as an adapter file stores it: low-rank factors (LoRA, LoCon), a Hadamard
 * product of two low-rank products (LoHa), a Kronecker product (LoKr), or the full difference. Each
 * rebuilds its delta for a layer's weight shape, scale (alpha / r) included, strength not included.
 */
public sealed interface ModuleChange permits ModuleChange.LowRank, ModuleChange.Hadamard,
        ModuleChange.Kronecker, ModuleChange.FullDiff {

    /** The file's key of each part of this change, for messages. */
    java.util.Map<Part, String> keys();

    /** The key of {@code part}, or of the first part when the file has no such key. */
    default String key(Part part) {
        String k = keys().get(part);
        return k != null ? k : keys().values().iterator().next();
    }

    /** The multiplier alpha / r (or 1) the file's convention gives this change. */
    double scale();

    /** Checks that the change fits a layer whose weight has shape {@code w}. */
    void check(int[] w);

    /** The weight delta at strength 1, flattened in the layer weight's row-major order. */
    float[] delta(int[] w);

    /** The bias delta at strength 1, or null. */
    default float[] biasDelta() {
        return null;
    }

    /** A LoRA/LoCon: up [out, r(, 1, 1)] times down [r, in(, kh, kw)], or up x mid x down (Tucker) for a convolution. */
    record LowRank(java.util.Map<Part, String> keys, Tensor up, Tensor down, Tensor mid, Tensor upBias, double scale) implements ModuleChange {

        public int rank() {
            return down.dim(0);
        }

        @Override
        public void check(int[] w) {
            int out = w[0];
            long rest = Tensor.count(w) / out;
            int r = rank();
            if (up.dim(0) != out || up.numel() % out != 0) {
                throw mismatch(key(Part.LORA_UP), "up " + Arrays.toString(up.shape()), w, "its first dimension must be the layer's " + out + " outputs");
            }
            int upRank = (int) (up.numel() / out);
            if (mid == null) {
                if (upRank != r) throw mismatch(key(Part.LORA_UP), "up " + Arrays.toString(up.shape()) + " and down " + Arrays.toString(down.shape()), w, "their ranks differ");
                if (down.numel() != r * rest || (down.rank() == 4 && w.length == 4 && down.dim(1) != w[1])) {
                    throw mismatch(key(Part.LORA_DOWN), "down " + Arrays.toString(down.shape()), w, "it must take the layer's inputs");
                }
            } else {
                if (w.length != 4 || mid.rank() != 4) {
                    throw mismatch(key(Part.LORA_MID), "mid " + Arrays.toString(mid.shape()), w, "a Tucker core needs a convolution");
                }
                int in = w[1];
                if (down.numel() != (long) r * in || mid.dim(1) != r || mid.dim(0) != upRank
                        || mid.dim(2) != w[2] || mid.dim(3) != w[3]) {
                    throw mismatch(key(Part.LORA_MID), "down " + Arrays.toString(down.shape()) + ", mid " + Arrays.toString(mid.shape())
                            + ", up " + Arrays.toString(up.shape()), w, "they do not compose to the layer's weight");
                }
            }
            if (upBias != null && upBias.numel() != out) {
                throw mismatch(key(Part.LORA_UP_BIAS), "up bias " + Arrays.toString(upBias.shape()), w, "it must have the layer's " + out + " outputs");
            }
        }

        @Override
        public float[] delta(int[] w) {
            int out = w[0];
            int r = rank();
            float[] d;
            if (mid == null) {
                int rest = (int) (Tensor.count(w) / out);
                d = Dense.matmul(up.toFloatArray(), out, r, down.toFloatArray(), rest);
            } else {
                int upRank = (int) (up.numel() / out);
                int in = w[1];
                // W[i, j, s] = sum_{m, n} up[i, m] mid[m, n, s] down[n, j]
                d = Dense.tucker(mid.toFloatArray(), upRank, r, w[2] * w[3],
                        Dense.transpose(up.toFloatArray(), out, upRank), out, down.toFloatArray(), in);
            }
            Dense.scaleInPlace(d, scale);
            return d;
        }

        @Override
        public float[] biasDelta() {
            if (upBias == null) return null;
            float[] b = upBias.toFloatArray();
            Dense.scaleInPlace(b, scale);
            return b;
        }
    }

    /**
     * A LoHa: (w1a @ w1b) * (w2a @ w2b), elementwise, with w1a [out, r], w1b [r, in*kh*kw]; in the Tucker
     * form w1a [r, out], w1b [r, in] and t1 [r, r, kh, kw] (likewise for w2).
     */
    record Hadamard(java.util.Map<Part, String> keys, Tensor w1a, Tensor w1b, Tensor w2a, Tensor w2b, Tensor t1, Tensor t2, double scale)
            implements ModuleChange {

        @Override
        public void check(int[] w) {
            long n = Tensor.count(w);
            int out = w[0];
            if (t1 != null) {
                if (w.length != 4 || t2 == null) throw mismatch(key(Part.HADA_T1), "hada_t1 " + Arrays.toString(t1.shape()), w, "a Tucker LoHa needs a convolution and both cores");
                checkTucker(t1, w1a, w1b, w, "hada_w1", Part.HADA_T1);
                checkTucker(t2, w2a, w2b, w, "hada_w2", Part.HADA_T2);
                return;
            }
            if (w1a.dim(0) != out || w2a.dim(0) != out) {
                throw mismatch(key(w1a.dim(0) != out ? Part.HADA_W1_A : Part.HADA_W2_A), "hada_w1_a " + Arrays.toString(w1a.shape()) + " / hada_w2_a " + Arrays.toString(w2a.shape()), w,
                        "their first dimension must be the layer's " + out + " outputs");
            }
            if (w1a.numel() / out * (n / out) != w1b.numel() || w2a.numel() / out * (n / out) != w2b.numel()) {
                throw mismatch(key(Part.HADA_W1_B), "hada_w1_b " + Arrays.toString(w1b.shape()) + " / hada_w2_b " + Arrays.toString(w2b.shape()), w,
                        "they must take the layer's " + (n / out) + " inputs");
            }
        }

        private void checkTucker(Tensor t, Tensor a, Tensor b, int[] wShape, String what, Part part) {
            int r0 = t.dim(0);
            int r1 = t.dim(1);
            if (t.rank() != 4 || t.dim(2) != wShape[2] || t.dim(3) != wShape[3]
                    || a.numel() != (long) r0 * wShape[0] || b.numel() != (long) r1 * wShape[1]) {
                throw mismatch(key(part), what + " Tucker factors " + Arrays.toString(t.shape()) + ", " + Arrays.toString(a.shape())
                        + ", " + Arrays.toString(b.shape()), wShape, "they do not compose to the layer's weight");
            }
        }

        @Override
        public float[] delta(int[] w) {
            float[] m1 = product(w1a, w1b, t1, w);
            float[] m2 = product(w2a, w2b, t2, w);
            for (int i = 0; i < m1.length; i++) m1[i] = (float) ((double) m1[i] * m2[i] * scale);
            return m1;
        }

        private static float[] product(Tensor a, Tensor b, Tensor t, int[] w) {
            int out = w[0];
            if (t == null) {
                int r = (int) (a.numel() / out);
                return Dense.matmul(a.toFloatArray(), out, r, b.toFloatArray(), (int) (b.numel() / r));
            }
            // einsum("i j k l, j r, i p -> p r k l", t, b, a)
            return Dense.tucker(t.toFloatArray(), t.dim(0), t.dim(1), t.dim(2) * t.dim(3), a.toFloatArray(), out,
                    b.toFloatArray(), w[1]);
        }
    }

    /**
     * A LoKr: kron(w1, w2) with w1 [a, c] (or w1a @ w1b) and w2 [b, d(, kh, kw)] (or w2a @ w2b, or the Tucker
     * form t2 with w2a [r, b], w2b [r, d]); a*b = out and c*d*kh*kw = in*kh*kw.
     */
    record Kronecker(java.util.Map<Part, String> keys, Tensor w1, Tensor w1a, Tensor w1b, Tensor w2, Tensor w2a, Tensor w2b, Tensor t2, double scale)
            implements ModuleChange {

        private int[] w1Shape() {
            return w1 != null ? new int[]{w1.dim(0), (int) (w1.numel() / w1.dim(0))} : new int[]{w1a.dim(0), (int) (w1b.numel() / w1b.dim(0))};
        }

        private int w2Rows() {
            if (w2 != null) return w2.dim(0);
            return t2 != null ? (int) (w2a.numel() / t2.dim(0)) : w2a.dim(0);
        }

        private long w2Numel() {
            if (w2 != null) return w2.numel();
            if (t2 != null) return (long) w2Rows() * (w2b.numel() / t2.dim(1)) * t2.dim(2) * t2.dim(3);
            return (long) w2a.dim(0) * (w2b.numel() / w2b.dim(0));
        }

        @Override
        public void check(int[] w) {
            int[] s1 = w1Shape();
            int b = w2Rows();
            long n = Tensor.count(w);
            long w2Cols = w2Numel() / b;
            if ((long) s1[0] * b != w[0] || (long) s1[1] * w2Cols != n / w[0]
                    || (w1 == null && w1a.dim(1) != w1b.dim(0))
                    || (w2 == null && t2 == null && w2a.dim(1) != w2b.dim(0))) {
                throw mismatch(key(w1 != null ? Part.LOKR_W1 : Part.LOKR_W1_A), "kron of w1 " + Arrays.toString(s1) + " and w2 [" + b + ", " + w2Cols + "]", w,
                        "their Kronecker product does not have the layer's shape");
            }
        }

        @Override
        public float[] delta(int[] w) {
            int[] s1 = w1Shape();
            float[] a = w1 != null ? w1.toFloatArray()
                    : Dense.matmul(w1a.toFloatArray(), w1a.dim(0), w1a.dim(1), w1b.toFloatArray(), s1[1]);
            int b = w2Rows();
            float[] w2v;
            if (w2 != null) {
                w2v = w2.toFloatArray();
            } else if (t2 != null) {
                // einsum("i j k l, j r, i p -> p r k l", t2, w2b, w2a)
                int d = (int) (w2b.numel() / t2.dim(1));
                w2v = Dense.tucker(t2.toFloatArray(), t2.dim(0), t2.dim(1), t2.dim(2) * t2.dim(3), w2a.toFloatArray(), b,
                        w2b.toFloatArray(), d);
            } else {
                w2v = Dense.matmul(w2a.toFloatArray(), w2a.dim(0), w2a.dim(1), w2b.toFloatArray(), (int) (w2b.numel() / w2b.dim(0)));
            }
            // kron of 2-D views gives the same layout as PEFT's 4-D kron of w1[:, :, None, None] and w2.
            float[] d = Dense.kron(a, s1[0], s1[1], w2v, b, w2v.length / b, 1);
            Dense.scaleInPlace(d, scale);
            return d;
        }
    }

    /** A full weight difference ({@code .diff}) and optionally a bias difference ({@code .diff_b}). */
    record FullDiff(java.util.Map<Part, String> keys, Tensor diff, Tensor diffBias) implements ModuleChange {

        @Override
        public double scale() {
            return 1;
        }

        @Override
        public void check(int[] w) {
            if (diff != null && diff.numel() != Tensor.count(w)) {
                throw mismatch(key(Part.DIFF), "diff " + Arrays.toString(diff.shape()), w, "it must have the weight's shape");
            }
            if (diffBias != null && diffBias.numel() != w[0]) {
                throw mismatch(key(Part.DIFF_B), "diff_b " + Arrays.toString(diffBias.shape()), w, "it must have the layer's " + w[0] + " outputs");
            }
        }

        @Override
        public float[] delta(int[] w) {
            return diff == null ? new float[(int) Tensor.count(w)] : diff.toFloatArray();
        }

        @Override
        public float[] biasDelta() {
            return diffBias == null ? null : diffBias.toFloatArray();
        }
    }

    /** A change that does not fit the layer its key names. */
    final class ShapeMismatch extends RuntimeException {
        private final String key;

        ShapeMismatch(String key, String message) {
            super(message);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    static ShapeMismatch mismatch(String key, String what, int[] w, String why) {
        return new ShapeMismatch(key, key + ": " + what + " does not fit a layer with weight " + Arrays.toString(w) + " (" + why + ")");
    }
}

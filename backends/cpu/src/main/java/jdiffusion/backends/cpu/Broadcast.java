package jdiffusion.backends.cpu;

import jdiffusion.core.tensor.Tensor;

/**
 * The iteration plan for a NumPy-broadcast binary operation: the output shape with adjacent
 * dimensions merged wherever both operands step through them the same way, so the common cases
 * (equal shapes, a bias over the last dimension, a per-channel [N, C, 1, 1] term) become one or two
 * long runs with unit or zero stride.
 */
final class Broadcast {

    /** Merged dimension sizes, outermost first; the last is the inner run. */
    final int[] sizes;
    /** Element strides of a and b per merged dimension (0 where broadcast). */
    final int[] strideA;
    final int[] strideB;
    /** The full output shape. */
    final int[] outShape;

    Broadcast(int[] a, int[] b) {
        outShape = Tensor.broadcastShape(a, b);
        int rank = outShape.length;
        int[] sa = strides(a, rank);
        int[] sb = strides(b, rank);
        int[] ms = new int[Math.max(1, rank)];
        int[] ma = new int[ms.length];
        int[] mb = new int[ms.length];
        int n = 0;
        for (int d = 0; d < rank; d++) {
            if (outShape[d] == 1) continue;
            if (n > 0 && ma[n - 1] == sa[d] * outShape[d] && mb[n - 1] == sb[d] * outShape[d]) {
                // Merge with the previous (outer) dimension: it steps over exactly this one.
                ms[n - 1] *= outShape[d];
                ma[n - 1] = sa[d];
                mb[n - 1] = sb[d];
            } else {
                ms[n] = outShape[d];
                ma[n] = sa[d];
                mb[n] = sb[d];
                n++;
            }
        }
        if (n == 0) {
            ms[0] = 1;
            n = 1;
        }
        sizes = java.util.Arrays.copyOf(ms, n);
        strideA = java.util.Arrays.copyOf(ma, n);
        strideB = java.util.Arrays.copyOf(mb, n);
    }

    /** Row-major strides of {@code shape} right-aligned to {@code rank}, 0 for size-1 or missing dimensions. */
    private static int[] strides(int[] shape, int rank) {
        int[] s = new int[rank];
        int stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[rank - shape.length + i] = shape[i] == 1 ? 0 : stride;
            stride *= shape[i];
        }
        return s;
    }

    /** Number of inner runs. */
    int outerCount() {
        int n = 1;
        for (int i = 0; i < sizes.length - 1; i++) n *= sizes[i];
        return n;
    }

    /** Length of each inner run. */
    int inner() {
        return sizes[sizes.length - 1];
    }

    /** Offset in a (which = 0) or b (which = 1) of the start of inner run {@code run}. */
    int offset(int run, int which) {
        int[] st = which == 0 ? strideA : strideB;
        int off = 0;
        for (int d = sizes.length - 2; d >= 0; d--) {
            int i = run % sizes[d];
            run /= sizes[d];
            off += i * st[d];
        }
        return off;
    }
}

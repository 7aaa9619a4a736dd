package jdiffusion.backends.cpu;

/**
 * Axis permutation as copies: input dimensions that stay adjacent are merged first, so the layouts SD
 * switches between ([B, C, H*W] and [B, H*W, C], heads in and out of the batch) become either runs
 * copied whole or batches of 2-D transposes done in cache-sized blocks.
 */
final class Permute {

    private static final int BLOCK = 32;

    private Permute() {
    }

    /** y = x permuted: output dimension i is input dimension order[i]; shapes already checked. */
    static void permute(Parallel par, float[] x, int xo, int[] shape, int[] order, float[] y) {
        // Merge input dimensions i, i+1 that appear as consecutive output dimensions.
        int rank = shape.length;
        int[] groupOf = new int[rank];   // merged group index per input dimension
        int[] gSize = new int[rank];
        int count = 0;
        for (int i = 0; i < rank; i++) {
            boolean joins = i > 0 && position(order, i) == position(order, i - 1) + 1;
            if (joins) {
                groupOf[i] = count - 1;
                gSize[count - 1] *= shape[i];
            } else {
                groupOf[i] = count;
                gSize[count++] = shape[i];
            }
        }
        int groups = count;
        int[] gOrder = new int[groups];  // output group j is input group gOrder[j]
        int j = 0;
        for (int o : order) {
            int g = groupOf[o];
            if (j == 0 || gOrder[j - 1] != g) gOrder[j++] = g;
        }
        int n = y.length;
        if (groups == 1) {
            System.arraycopy(x, xo, y, 0, n);
            return;
        }
        int[] inStride = new int[groups];
        int s = 1;
        for (int g = groups - 1; g >= 0; g--) {
            inStride[g] = s;
            s *= gSize[g];
        }
        if (gOrder[groups - 1] == groups - 1) {
            // The innermost input run stays innermost: copy whole runs.
            int run = gSize[groups - 1];
            int runs = n / Math.max(1, run);
            par.forRange(runs, Math.max(1, (1 << 15) / Math.max(1, run)), (from, to) -> {
                for (int r = from; r < to; r++) {
                    System.arraycopy(x, xo + sourceOffset(r, gOrder, gSize, inStride, groups - 1), y, r * run, run);
                }
            });
            return;
        }
        // Output's two innermost groups a (rows) x b (columns), read as a b x a matrix per outer index:
        // a blocked transpose when b's input stride is 1, otherwise a strided gather.
        int ga = gOrder[groups - 2], gb = gOrder[groups - 1];
        int rows = gSize[ga], cols = gSize[gb];
        int sa = inStride[ga], sb = inStride[gb];
        int outer = n / Math.max(1, rows * cols);
        int outerGroups = groups - 2;
        par.forEach(outer, t -> {
            int base = xo + sourceOffset(t, gOrder, gSize, inStride, outerGroups);
            int dst = t * rows * cols;
            for (int r0 = 0; r0 < rows; r0 += BLOCK) {
                int r1 = Math.min(rows, r0 + BLOCK);
                for (int c0 = 0; c0 < cols; c0 += BLOCK) {
                    int c1 = Math.min(cols, c0 + BLOCK);
                    for (int r = r0; r < r1; r++) {
                        int src = base + r * sa;
                        int d = dst + r * cols;
                        for (int c = c0; c < c1; c++) y[d + c] = x[src + c * sb];
                    }
                }
            }
        });
    }

    private static int position(int[] order, int dim) {
        for (int i = 0; i < order.length; i++) if (order[i] == dim) return i;
        throw new IllegalArgumentException("dimension " + dim + " missing from the permutation");
    }

    /** Input offset of outer index {@code flat} over output groups [0, count). */
    private static int sourceOffset(int flat, int[] gOrder, int[] gSize, int[] inStride, int count) {
        int off = 0;
        for (int j = count - 1; j >= 0; j--) {
            int g = gOrder[j];
            off += (flat % gSize[g]) * inStride[g];
            flat /= gSize[g];
        }
        return off;
    }
}

package jdiffusion.backends.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import jdiffusion.core.tensor.DType;

/**
 * Blocked, packed, multi-threaded single-precision matrix product C += A B^T, the engine under linear,
 * matmul and conv2d (Goto and van de Geijn, "Anatomy of High-Performance Matrix Multiplication", 2008).
 *
 * <p>Both operands are seen as rows of length K ({@link Panels}): A's rows are C's rows, B's rows are
 * C's columns. They are packed into contiguous micro-panels (A: {@link #MR} rows, B: {@link #NR} rows,
 * k-major) a cache block at a time, converting float16/bfloat16 and gathering im2col columns on the way;
 * a register-blocked micro-kernel then keeps an MR x NR tile of C in vector registers over the whole
 * depth of a block. C is split into (batch, row block, column block) tiles handed out to the threads.
 */
final class Gemm {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Columns of C per micro-tile: two vectors. */
    static final int NR = 2 * L;
    /**
     * Rows of C per micro-tile: 2 x MR accumulators plus three must fit the vector registers (32 with
     * AVX-512: 14 measured best against 8 and 12; 16 with AVX2: 4).
     */
    static final int MR = L >= 16 ? 14 : 4;

    /** Depth of a cache block: an A micro-panel (MR x KC floats) stays in L1, a B block (KC x NC) in L2. */
    static final int KC = 256;
    /** Rows of an A block (MC x KC floats stay in L2). */
    static final int MC = 196;
    /** Columns of a B block. */
    static final int NC = 1024;

    private Gemm() {
    }

    /** One operand as rows of length K, able to pack itself into micro-panels. */
    abstract static class Panels {

        /**
         * Writes rows [r0, r0 + nr) and depth [k0, k0 + kc) of batch item {@code g} k-major into
         * {@code dst[off + kk * width + r]}, with zeros for rows nr..width-1.
         */
        abstract void pack(int g, int r0, int nr, int k0, int kc, float[] dst, int off, int width);
    }

    /** Element (g, r, k) = a[off + g * batchStride + r * ld + k]: row-major rows (activations, matmul a). */
    static Panels rows(float[] a, int off, int ld, long batchStride) {
        return new Panels() {
            @Override
            void pack(int g, int r0, int nr, int k0, int kc, float[] dst, int o, int width) {
                int base = Math.toIntExact(off + g * batchStride + (long) r0 * ld + k0);
                for (int r = 0; r < nr; r++) {
                    int src = base + r * ld;
                    for (int kk = 0; kk < kc; kk++) dst[o + kk * width + r] = a[src + kk];
                }
                zeroRows(dst, o, nr, kc, width);
            }
        };
    }

    /** Element (g, r, k) = a[off + g * batchStride + k * ld + r]: column-major rows (matmul b not transposed). */
    static Panels columns(float[] a, int off, int ld, long batchStride) {
        return new Panels() {
            @Override
            void pack(int g, int r0, int nr, int k0, int kc, float[] dst, int o, int width) {
                int base = Math.toIntExact(off + g * batchStride + (long) k0 * ld + r0);
                if (nr == width && width == NR) {
                    // Whole panels: two vector moves per depth step beat System.arraycopy's call.
                    for (int kk = 0; kk < kc; kk++) {
                        int src = base + kk * ld;
                        int d = o + kk * NR;
                        FloatVector.fromArray(S, a, src).intoArray(dst, d);
                        FloatVector.fromArray(S, a, src + L).intoArray(dst, d + L);
                    }
                    return;
                }
                for (int kk = 0; kk < kc; kk++) {
                    System.arraycopy(a, base + kk * ld, dst, o + kk * width, nr);
                    if (nr < width) Arrays.fill(dst, o + kk * width + nr, o + (kk + 1) * width, 0f);
                }
            }
        };
    }

    /**
     * Element (r, k) = element r * ld + k of a float32/float16/bfloat16 segment (weights: [out, in] for
     * linear, [O, C*kh*kw] for conv2d), converted to float32 as it is packed.
     */
    static Panels weightRows(DType dtype, MemorySegment m, int ld) {
        return new Panels() {
            @Override
            void pack(int g, int r0, int nr, int k0, int kc, float[] dst, int o, int width) {
                float[] row = new float[kc];
                for (int r = 0; r < nr; r++) {
                    Conversions.toFloat(dtype, m, (long) (r0 + r) * ld + k0, row, 0, kc);
                    for (int kk = 0; kk < kc; kk++) dst[o + kk * width + r] = row[kk];
                }
                zeroRows(dst, o, nr, kc, width);
            }
        };
    }

    static void zeroRows(float[] dst, int off, int nr, int kc, int width) {
        if (nr == width) return;
        for (int kk = 0; kk < kc; kk++) Arrays.fill(dst, off + kk * width + nr, off + (kk + 1) * width, 0f);
    }

    /** A whole operand packed once (weights shared by every tile): per depth block, per micro-panel. */
    record Prepacked(float[] data, int paddedRows) {
        int offset(int k0, int kc, int panel, int width) {
            return k0 * paddedRows + panel * width * kc;
        }
    }

    /** Packs all rows of {@code p} (batch item 0) into depth blocks of {@code kcs}, in parallel over panels. */
    static Prepacked prepack(Parallel par, Panels p, int rows, int k, int kcBlock, int width) {
        int panels = (rows + width - 1) / width;
        int padded = panels * width;
        float[] data = new float[Math.multiplyExact(padded, k)];
        par.forRange(panels, 8, (from, to) -> {
            for (int k0 = 0; k0 < k; k0 += kcBlock) {
                int kc = Math.min(kcBlock, k - k0);
                for (int pi = from; pi < to; pi++) {
                    int r0 = pi * width;
                    p.pack(0, r0, Math.min(width, rows - r0), k0, kc, data, k0 * padded + pi * width * kc, width);
                }
            }
        });
        return new Prepacked(data, padded);
    }

    /** Depth of each cache block for depth k: equal blocks of at most {@link #KC}. */
    static int depthBlock(int k) {
        int blocks = Math.max(1, (k + KC - 1) / KC);
        return (k + blocks - 1) / blocks;
    }

    private static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[3][]);

    private static float[] buffer(int which, int size) {
        float[][] b = BUFFERS.get();
        if (b[which] == null || b[which].length < size) b[which] = new float[size];
        return b[which];
    }

    /**
     * C[g] = A[g] B[g]^T + bias for g in [0, batch): A is m x k, B is n x k (as {@link Panels}), C[g] is
     * m x n at {@code c[cOff + g * cBatchStride]} with row stride ldc; C's previous contents are ignored.
     * The bias is {@code rowBias[rowBiasOff + i]} per row i and/or {@code colBias[j]} per column j (either
     * may be null). {@code aShared} / {@code bShared} pack that operand once for all tiles (it must then
     * be the same for every batch item: weights).
     */
    static void multiply(Parallel par, int batch, int m, int n, int k, Panels a, boolean aShared, Panels b,
                         boolean bShared, float[] rowBias, int rowBiasOff, float[] colBias,
                         float[] c, int cOff, long cBatchStride, int ldc) {
        run(par, batch, m, n, k, a, aShared, null, b, bShared, rowBias, rowBiasOff, colBias, c, cOff, cBatchStride, ldc);
    }

    /**
     * {@link #multiply} with A already packed by {@code prepack(par, a, m, k, depthBlock(k), MR)}, so one
     * packing serves many products (the Winograd convolution's transformed weights).
     */
    static void multiply(Parallel par, int batch, int m, int n, int k, Prepacked a, Panels b, float[] rowBias,
                         int rowBiasOff, float[] colBias, float[] c, int cOff, long cBatchStride, int ldc) {
        run(par, batch, m, n, k, null, true, a, b, false, rowBias, rowBiasOff, colBias, c, cOff, cBatchStride, ldc);
    }

    private static void run(Parallel par, int batch, int m, int n, int k, Panels a, boolean aShared, Prepacked givenA,
                            Panels b, boolean bShared, float[] rowBias, int rowBiasOff, float[] colBias,
                            float[] c, int cOff, long cBatchStride, int ldc) {
        if (batch == 0 || m == 0 || n == 0) return;
        if (k == 0) {
            for (int g = 0; g < batch; g++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        c[Math.toIntExact(cOff + g * cBatchStride + (long) i * ldc + j)] =
                                (rowBias == null ? 0 : rowBias[rowBiasOff + i]) + (colBias == null ? 0 : colBias[j]);
                    }
                }
            }
            return;
        }
        int kcBlock = depthBlock(k);
        long flops = 2L * batch * m * n * k;
        boolean parallel = flops > 2_000_000L && par.threads() > 1;
        // The operand packed per tile is packed once per tile and depth block, so a tile spans as much
        // of the prepacked operand as L2 allows: up to 2048 columns when B is shared (linear), up to 768
        // rows when A is (conv2d).
        int mBlocks, nBlocks;
        if (bShared && !aShared) {
            mBlocks = (m + MC - 1) / MC;
            nBlocks = (n + 2047) / 2048;  // a KC x 2048 B block is 2 MB at most
        } else if (aShared && !bShared) {
            mBlocks = (m + 767) / 768;
            nBlocks = (n + NC - 1) / NC;
        } else {
            mBlocks = (m + MC - 1) / MC;
            nBlocks = (n + NC - 1) / NC;
        }
        if (parallel) {
            // A few tiles per thread, so the dynamic schedule balances uneven ones; split the dimension
            // whose operand is prepacked first (that costs no extra packing).
            int wanted = par.threads() * 3;
            boolean splitRowsFirst = !aShared || bShared;
            for (int pass = 0; pass < 2; pass++) {
                if ((pass == 0) == splitRowsFirst) {
                    while ((long) batch * mBlocks * nBlocks < wanted && (m + mBlocks) / (mBlocks + 1) >= 2 * MR) mBlocks++;
                } else {
                    while ((long) batch * mBlocks * nBlocks < wanted && (n + nBlocks) / (nBlocks + 1) >= 2 * NR) nBlocks++;
                }
            }
        }
        int mc = roundUp((m + mBlocks - 1) / mBlocks, MR);
        int nc = roundUp((n + nBlocks - 1) / nBlocks, NR);
        int mb = (m + mc - 1) / mc;
        int nb = (n + nc - 1) / nc;
        Prepacked packedA = givenA != null ? givenA : aShared ? prepack(par, a, m, k, kcBlock, MR) : null;
        Prepacked packedB = bShared ? prepack(par, b, n, k, kcBlock, NR) : null;
        int tiles = Math.multiplyExact(batch * mb, nb);
        IntConsumerTile body = tile -> {
            int g = tile / (mb * nb);
            int rest = tile % (mb * nb);
            int i0 = (rest / nb) * mc;
            int j0 = (rest % nb) * nc;
            tile(g, i0, Math.min(mc, m - i0), j0, Math.min(nc, n - j0), k, kcBlock, a, packedA, b, packedB,
                    rowBias, rowBiasOff, colBias, c, Math.toIntExact(cOff + g * cBatchStride), ldc);
        };
        if (parallel) {
            par.forEach(tiles, body::run);
        } else {
            for (int t = 0; t < tiles; t++) body.run(t);
        }
    }

    private interface IntConsumerTile {
        void run(int tile);
    }

    private static void tile(int g, int i0, int mRows, int j0, int nCols, int k, int kcBlock, Panels a,
                             Prepacked packedA, Panels b, Prepacked packedB, float[] rowBias, int rowBiasOff,
                             float[] colBias, float[] c, int cOff, int ldc) {
        int mPanels = (mRows + MR - 1) / MR;
        int nPanels = (nCols + NR - 1) / NR;
        float[] bufA = packedA == null ? buffer(0, mPanels * MR * kcBlock) : null;
        float[] bufB = packedB == null ? buffer(1, nPanels * NR * kcBlock) : null;
        float[] edge = buffer(2, MR * NR);
        for (int k0 = 0; k0 < k; k0 += kcBlock) {
            int kc = Math.min(kcBlock, k - k0);
            boolean first = k0 == 0;
            float[] rb = first ? rowBias : null;
            float[] cb = first ? colBias : null;
            float[] aData;
            int aBase;
            if (packedA == null) {
                for (int p = 0; p < mPanels; p++) {
                    int r0 = i0 + p * MR;
                    a.pack(g, r0, Math.min(MR, i0 + mRows - r0), k0, kc, bufA, p * MR * kc, MR);
                }
                aData = bufA;
                aBase = 0;
            } else {
                aData = packedA.data();
                aBase = packedA.offset(k0, kc, i0 / MR, MR);
            }
            float[] bData;
            int bBase;
            if (packedB == null) {
                for (int p = 0; p < nPanels; p++) {
                    int r0 = j0 + p * NR;
                    b.pack(g, r0, Math.min(NR, j0 + nCols - r0), k0, kc, bufB, p * NR * kc, NR);
                }
                bData = bufB;
                bBase = 0;
            } else {
                bData = packedB.data();
                bBase = packedB.offset(k0, kc, j0 / NR, NR);
            }
            // An A micro-panel stays in L1 while the block's B panels stream past it from L2, and C is
            // written a row strip at a time (measured faster than B panel outer for both conv2d and matmul).
            for (int ip = 0; ip < mPanels; ip++) {
                int rows = Math.min(MR, mRows - ip * MR);
                int ao = aBase + ip * MR * kc;
                for (int jp = 0; jp < nPanels; jp++) {
                    int cols = Math.min(NR, nCols - jp * NR);
                    int bo = bBase + jp * NR * kc;
                    int co = cOff + (i0 + ip * MR) * ldc + j0 + jp * NR;
                    int ri = rowBiasOff + i0 + ip * MR;
                    int cj = j0 + jp * NR;
                    if (rows == MR && cols == NR) {
                        kernel(aData, ao, bData, bo, kc, c, co, ldc, !first, rb, ri, cb, cj);
                    } else {
                        kernel(aData, ao, bData, bo, kc, edge, 0, NR, false, null, 0, null, 0);
                        for (int r = 0; r < rows; r++) {
                            float rv = rb == null ? 0f : rb[ri + r];
                            for (int q = 0; q < cols; q++) {
                                float v = edge[r * NR + q];
                                if (first) {
                                    c[co + r * ldc + q] = v + rv + (cb == null ? 0f : cb[cj + q]);
                                } else {
                                    c[co + r * ldc + q] += v;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** The register-blocked micro-kernel for this machine's vector width. */
    static void kernel(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
                       boolean accumulate, float[] rowBias, int rb, float[] colBias, int cb) {
        if (MR == 14) {
            kernel14(a, ao, b, bo, kc, c, co, ldc, accumulate, rowBias, rb, colBias, cb);
        } else {
            kernel4(a, ao, b, bo, kc, c, co, ldc, accumulate, rowBias, rb, colBias, cb);
        }
    }

    /**
     * C[4 x 2L] = (accumulate ? C : bias) + A panel (4 per k) B panel (2L per k), in 8 accumulators: the
     * micro-kernel for 16-register (AVX2) machines, otherwise as {@link #kernel14}.
     * Storing instead of accumulating on a tile's first depth block means C is never read cold; the
     * bias then seeds the accumulators: {@code rowBias[rb + r]} per row, {@code colBias[cb + j]} per column.
     */
    static void kernel4(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
                        boolean accumulate, float[] rowBias, int rb, float[] colBias, int cb) {
        FloatVector z0 = colBias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, colBias, cb);
        FloatVector z1 = colBias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, colBias, cb + L);
        FloatVector c00 = z0, c01 = z1, c10 = z0, c11 = z1, c20 = z0, c21 = z1, c30 = z0, c31 = z1;
        if (rowBias != null) {
            c00 = c00.add(rowBias[rb + 0]);
            c01 = c01.add(rowBias[rb + 0]);
            c10 = c10.add(rowBias[rb + 1]);
            c11 = c11.add(rowBias[rb + 1]);
            c20 = c20.add(rowBias[rb + 2]);
            c21 = c21.add(rowBias[rb + 2]);
            c30 = c30.add(rowBias[rb + 3]);
            c31 = c31.add(rowBias[rb + 3]);
        }
        // Indices linear in kk, so the JIT hoists the bounds checks out of the loop.
        for (int kk = 0; kk < kc; kk++) {
            int ai = ao + kk * 4;
            int bi = bo + kk * 2 * L;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
        }
        // Stores written out: a vector passed to a call that is not inlined gets boxed, in the loop too.
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(S, c, co));
            c01 = c01.add(FloatVector.fromArray(S, c, co + L));
            c10 = c10.add(FloatVector.fromArray(S, c, co + 1 * ldc));
            c11 = c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + L));
            c20 = c20.add(FloatVector.fromArray(S, c, co + 2 * ldc));
            c21 = c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + L));
            c30 = c30.add(FloatVector.fromArray(S, c, co + 3 * ldc));
            c31 = c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + L));
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + 1 * ldc);
        c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + L);
    }

    /**
     * C[14 x 2L] = (accumulate ? C : bias) + A panel (14 per k) B panel (2L per k), in 28 of the 32
     * AVX-512 registers (two more hold B, one the broadcast A value). Storing instead of accumulating on
     * a tile's first depth block means C is never read cold; the bias then seeds the accumulators:
     * {@code rowBias[rb + r]} per row, {@code colBias[cb + j]} per column. Indices are linear in kk, so
     * the JIT hoists the bounds checks out of the loop; the stores are written out because a vector
     * passed to a call that is not inlined is boxed, inside the loop too.
     */
    static void kernel14(float[] a, int ao, float[] b, int bo, int kc, float[] c, int co, int ldc,
                        boolean accumulate, float[] rowBias, int rb, float[] colBias, int cb) {
        FloatVector z0 = colBias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, colBias, cb);
        FloatVector z1 = colBias == null ? FloatVector.zero(S) : FloatVector.fromArray(S, colBias, cb + L);
        FloatVector c000 = z0, c001 = z1, c010 = z0, c011 = z1, c020 = z0, c021 = z1, c030 = z0, c031 = z1;
        FloatVector c040 = z0, c041 = z1, c050 = z0, c051 = z1, c060 = z0, c061 = z1, c070 = z0, c071 = z1;
        FloatVector c080 = z0, c081 = z1, c090 = z0, c091 = z1, c100 = z0, c101 = z1, c110 = z0, c111 = z1;
        FloatVector c120 = z0, c121 = z1, c130 = z0, c131 = z1;
        if (rowBias != null) {
            c000 = c000.add(rowBias[rb + 0]);
            c001 = c001.add(rowBias[rb + 0]);
            c010 = c010.add(rowBias[rb + 1]);
            c011 = c011.add(rowBias[rb + 1]);
            c020 = c020.add(rowBias[rb + 2]);
            c021 = c021.add(rowBias[rb + 2]);
            c030 = c030.add(rowBias[rb + 3]);
            c031 = c031.add(rowBias[rb + 3]);
            c040 = c040.add(rowBias[rb + 4]);
            c041 = c041.add(rowBias[rb + 4]);
            c050 = c050.add(rowBias[rb + 5]);
            c051 = c051.add(rowBias[rb + 5]);
            c060 = c060.add(rowBias[rb + 6]);
            c061 = c061.add(rowBias[rb + 6]);
            c070 = c070.add(rowBias[rb + 7]);
            c071 = c071.add(rowBias[rb + 7]);
            c080 = c080.add(rowBias[rb + 8]);
            c081 = c081.add(rowBias[rb + 8]);
            c090 = c090.add(rowBias[rb + 9]);
            c091 = c091.add(rowBias[rb + 9]);
            c100 = c100.add(rowBias[rb + 10]);
            c101 = c101.add(rowBias[rb + 10]);
            c110 = c110.add(rowBias[rb + 11]);
            c111 = c111.add(rowBias[rb + 11]);
            c120 = c120.add(rowBias[rb + 12]);
            c121 = c121.add(rowBias[rb + 12]);
            c130 = c130.add(rowBias[rb + 13]);
            c131 = c131.add(rowBias[rb + 13]);
        }
        for (int kk = 0; kk < kc; kk++) {
            int ai = ao + kk * 14;
            int bi = bo + kk * 2 * L;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai]);
            c000 = b0.fma(x, c000);
            c001 = b1.fma(x, c001);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c010 = b0.fma(x, c010);
            c011 = b1.fma(x, c011);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c020 = b0.fma(x, c020);
            c021 = b1.fma(x, c021);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c030 = b0.fma(x, c030);
            c031 = b1.fma(x, c031);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c040 = b0.fma(x, c040);
            c041 = b1.fma(x, c041);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c050 = b0.fma(x, c050);
            c051 = b1.fma(x, c051);
            x = FloatVector.broadcast(S, a[ai + 6]);
            c060 = b0.fma(x, c060);
            c061 = b1.fma(x, c061);
            x = FloatVector.broadcast(S, a[ai + 7]);
            c070 = b0.fma(x, c070);
            c071 = b1.fma(x, c071);
            x = FloatVector.broadcast(S, a[ai + 8]);
            c080 = b0.fma(x, c080);
            c081 = b1.fma(x, c081);
            x = FloatVector.broadcast(S, a[ai + 9]);
            c090 = b0.fma(x, c090);
            c091 = b1.fma(x, c091);
            x = FloatVector.broadcast(S, a[ai + 10]);
            c100 = b0.fma(x, c100);
            c101 = b1.fma(x, c101);
            x = FloatVector.broadcast(S, a[ai + 11]);
            c110 = b0.fma(x, c110);
            c111 = b1.fma(x, c111);
            x = FloatVector.broadcast(S, a[ai + 12]);
            c120 = b0.fma(x, c120);
            c121 = b1.fma(x, c121);
            x = FloatVector.broadcast(S, a[ai + 13]);
            c130 = b0.fma(x, c130);
            c131 = b1.fma(x, c131);
        }
        if (accumulate) {
            c000 = c000.add(FloatVector.fromArray(S, c, co));
            c001 = c001.add(FloatVector.fromArray(S, c, co + L));
            c010 = c010.add(FloatVector.fromArray(S, c, co + 1 * ldc));
            c011 = c011.add(FloatVector.fromArray(S, c, co + 1 * ldc + L));
            c020 = c020.add(FloatVector.fromArray(S, c, co + 2 * ldc));
            c021 = c021.add(FloatVector.fromArray(S, c, co + 2 * ldc + L));
            c030 = c030.add(FloatVector.fromArray(S, c, co + 3 * ldc));
            c031 = c031.add(FloatVector.fromArray(S, c, co + 3 * ldc + L));
            c040 = c040.add(FloatVector.fromArray(S, c, co + 4 * ldc));
            c041 = c041.add(FloatVector.fromArray(S, c, co + 4 * ldc + L));
            c050 = c050.add(FloatVector.fromArray(S, c, co + 5 * ldc));
            c051 = c051.add(FloatVector.fromArray(S, c, co + 5 * ldc + L));
            c060 = c060.add(FloatVector.fromArray(S, c, co + 6 * ldc));
            c061 = c061.add(FloatVector.fromArray(S, c, co + 6 * ldc + L));
            c070 = c070.add(FloatVector.fromArray(S, c, co + 7 * ldc));
            c071 = c071.add(FloatVector.fromArray(S, c, co + 7 * ldc + L));
            c080 = c080.add(FloatVector.fromArray(S, c, co + 8 * ldc));
            c081 = c081.add(FloatVector.fromArray(S, c, co + 8 * ldc + L));
            c090 = c090.add(FloatVector.fromArray(S, c, co + 9 * ldc));
            c091 = c091.add(FloatVector.fromArray(S, c, co + 9 * ldc + L));
            c100 = c100.add(FloatVector.fromArray(S, c, co + 10 * ldc));
            c101 = c101.add(FloatVector.fromArray(S, c, co + 10 * ldc + L));
            c110 = c110.add(FloatVector.fromArray(S, c, co + 11 * ldc));
            c111 = c111.add(FloatVector.fromArray(S, c, co + 11 * ldc + L));
            c120 = c120.add(FloatVector.fromArray(S, c, co + 12 * ldc));
            c121 = c121.add(FloatVector.fromArray(S, c, co + 12 * ldc + L));
            c130 = c130.add(FloatVector.fromArray(S, c, co + 13 * ldc));
            c131 = c131.add(FloatVector.fromArray(S, c, co + 13 * ldc + L));
        }
        c000.intoArray(c, co);
        c001.intoArray(c, co + L);
        c010.intoArray(c, co + 1 * ldc);
        c011.intoArray(c, co + 1 * ldc + L);
        c020.intoArray(c, co + 2 * ldc);
        c021.intoArray(c, co + 2 * ldc + L);
        c030.intoArray(c, co + 3 * ldc);
        c031.intoArray(c, co + 3 * ldc + L);
        c040.intoArray(c, co + 4 * ldc);
        c041.intoArray(c, co + 4 * ldc + L);
        c050.intoArray(c, co + 5 * ldc);
        c051.intoArray(c, co + 5 * ldc + L);
        c060.intoArray(c, co + 6 * ldc);
        c061.intoArray(c, co + 6 * ldc + L);
        c070.intoArray(c, co + 7 * ldc);
        c071.intoArray(c, co + 7 * ldc + L);
        c080.intoArray(c, co + 8 * ldc);
        c081.intoArray(c, co + 8 * ldc + L);
        c090.intoArray(c, co + 9 * ldc);
        c091.intoArray(c, co + 9 * ldc + L);
        c100.intoArray(c, co + 10 * ldc);
        c101.intoArray(c, co + 10 * ldc + L);
        c110.intoArray(c, co + 11 * ldc);
        c111.intoArray(c, co + 11 * ldc + L);
        c120.intoArray(c, co + 12 * ldc);
        c121.intoArray(c, co + 12 * ldc + L);
        c130.intoArray(c, co + 13 * ldc);
        c131.intoArray(c, co + 13 * ldc + L);
    }
}

package jdiffusion.backends.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scaled dot-product attention, tiled as FlashAttention (Dao et al. 2022, Algorithm 1): for a block of
 * queries, key/value blocks are visited in turn and the softmax is computed online, rescaling the
 * running output and normaliser by exp(m_old - m_new) whenever the running row maximum m grows. Only a
 * [BQ, BK] score tile exists at any time, never the [Lq, Lk] matrix.
 *
 * <p>Per (batch, head), K is packed transposed ([D, Lk], keys contiguous) and V with its rows padded to
 * whole vectors, once; the tasks (batch, head, query block) then share them.
 */
final class Attention {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Queries per task. */
    static final int BQ = 64;
    /** Keys per tile (a BQ x BK score tile is 32 KB: it stays in L1/L2 between its three passes). */
    static final int BK = 128;

    private Attention() {
    }

    private static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }

    /** Layout of one call. */
    record Shape(int batch, int lq, int lk, int heads, int d, int dv, float scale, boolean causal) {
    }

    static void forward(Parallel par, float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, Shape s,
                        float[] out) {
        int lkPad = roundUp(Math.max(1, s.lk()), 2 * L);
        int dvPad = roundUp(s.dv(), L);
        int perHead = s.d() * lkPad + lkPad * dvPad;
        int bh = s.batch() * s.heads();
        float[] packed = new float[Math.multiplyExact(bh, perHead)];
        par.forEach(bh, t -> packHead(t, k, kOff, v, vOff, s, lkPad, dvPad, packed, t * perHead));
        int qBlocks = (s.lq() + BQ - 1) / BQ;
        par.forEach(bh * qBlocks, t -> {
            int head = t / qBlocks;
            int q0 = (t % qBlocks) * BQ;
            queryBlock(head, q0, Math.min(BQ, s.lq() - q0), q, qOff, s, packed, head * perHead, lkPad, dvPad, out);
        });
    }

    /**
     * K^T of head t = b * heads + h in panels of 2L keys ([lkPad / 2L][D][2L], so a score tile reads it
     * sequentially; a plain [D, Lk] layout would put all D rows of a column in one L1 set), then
     * V [lkPad, dvPad]; zero-padded.
     */
    private static void packHead(int t, float[] k, int kOff, float[] v, int vOff, Shape s, int lkPad, int dvPad,
                                 float[] dst, int off) {
        int b = t / s.heads(), h = t % s.heads();
        int kStride = s.heads() * s.d(), vStride = s.heads() * s.dv();
        int panel = 2 * L;
        for (int j = 0; j < s.lk(); j++) {
            int src = kOff + (b * s.lk() + j) * kStride + h * s.d();
            int base = off + (j / panel) * s.d() * panel + j % panel;
            for (int e = 0; e < s.d(); e++) dst[base + e * panel] = k[src + e];
        }
        int vo = off + s.d() * lkPad;
        for (int j = 0; j < s.lk(); j++) {
            System.arraycopy(v, vOff + (b * s.lk() + j) * vStride + h * s.dv(), dst, vo + j * dvPad, s.dv());
        }
    }

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][]);

    private static float[] scratch(int which, int size) {
        float[][] b = SCRATCH.get();
        if (b[which] == null || b[which].length < size) b[which] = new float[size];
        return b[which];
    }

    private static void queryBlock(int head, int q0, int blockRows, float[] q, int qOff, Shape s, float[] packed,
                                   int kt, int lkPad, int dvPad, float[] out) {
        int b = head / s.heads(), h = head % s.heads();
        int d = s.d(), dv = s.dv();
        int vp = kt + d * lkPad;
        // Rows padded to a multiple of 8 with zero queries, so the register tiles need no row tails;
        // the padded rows' results are computed and dropped.
        int realRows = blockRows;
        int rows = roundUp(blockRows, 8);
        float[] qs = scratch(0, rows * d);
        float[] sc = scratch(1, rows * BK);
        float[] o = scratch(2, rows * dvPad);
        float[] stats = scratch(3, 3 * rows);  // running max, normaliser, rescale factor
        int qStride = s.heads() * d;
        for (int i = 0; i < rows; i++) {
            if (i < realRows) {
                int src = qOff + (b * s.lq() + q0 + i) * qStride + h * d;
                for (int e = 0; e < d; e++) qs[i * d + e] = q[src + e] * s.scale();
            } else {
                Arrays.fill(qs, i * d, (i + 1) * d, 0f);
            }
            stats[i] = Float.NEGATIVE_INFINITY;
            stats[rows + i] = 0;
        }
        Arrays.fill(o, 0, rows * dvPad, 0f);
        int keyEnd = s.causal() ? Math.min(s.lk(), q0 + realRows) : s.lk();
        for (int k0 = 0; k0 < keyEnd; k0 += BK) {
            int kn = Math.min(BK, keyEnd - k0);
            int knPad = roundUp(kn, 2 * L);
            scores(qs, rows, d, packed, kt + k0 * d, knPad, sc);
            for (int i = 0; i < rows; i++) {
                // Keys past the end (padding) or after the query (causal) do not take part.
                int valid = s.causal() ? Math.max(0, Math.min(kn, q0 + i + 1 - k0)) : kn;
                Arrays.fill(sc, i * BK + valid, i * BK + knPad, Float.NEGATIVE_INFINITY);
                onlineSoftmax(sc, i * BK, knPad, stats, i, rows);
            }
            accumulate(sc, rows, kn, packed, vp + k0 * dvPad, dvPad, o, stats, rows);
        }
        for (int i = 0; i < realRows; i++) {
            float inv = 1 / stats[rows + i];
            int dst = (b * s.lq() + q0 + i) * s.heads() * dv + h * dv;
            for (int e = 0; e < dv; e++) out[dst + e] = o[i * dvPad + e] * inv;
        }
    }

    /**
     * sc[i, 0..knPad) = qs[i, :] . K[k0 + j, :] for every row i (rows % 8 == 0, knPad % 2L == 0), 8 rows x
     * 2 vectors at a time; kOff is the first key panel of the tile.
     */
    private static void scores(float[] qs, int rows, int d, float[] kt, int kOff, int knPad, float[] sc) {
        for (int i = 0; i < rows; i += 8) {
            int q0 = i * d;
            for (int j = 0; j < knPad; j += 2 * L) {
                FloatVector z = FloatVector.zero(S);
                FloatVector a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
                FloatVector a40 = z, a41 = z, a50 = z, a51 = z, a60 = z, a61 = z, a70 = z, a71 = z;
                int panel = kOff + j * d;
                for (int e = 0; e < d; e++) {
                    int ko = panel + e * 2 * L;
                    FloatVector k0 = FloatVector.fromArray(S, kt, ko);
                    FloatVector k1 = FloatVector.fromArray(S, kt, ko + L);
                    int qi = q0 + e;
                    FloatVector x = FloatVector.broadcast(S, qs[qi]);
                    a00 = k0.fma(x, a00);
                    a01 = k1.fma(x, a01);
                    x = FloatVector.broadcast(S, qs[qi + d]);
                    a10 = k0.fma(x, a10);
                    a11 = k1.fma(x, a11);
                    x = FloatVector.broadcast(S, qs[qi + 2 * d]);
                    a20 = k0.fma(x, a20);
                    a21 = k1.fma(x, a21);
                    x = FloatVector.broadcast(S, qs[qi + 3 * d]);
                    a30 = k0.fma(x, a30);
                    a31 = k1.fma(x, a31);
                    x = FloatVector.broadcast(S, qs[qi + 4 * d]);
                    a40 = k0.fma(x, a40);
                    a41 = k1.fma(x, a41);
                    x = FloatVector.broadcast(S, qs[qi + 5 * d]);
                    a50 = k0.fma(x, a50);
                    a51 = k1.fma(x, a51);
                    x = FloatVector.broadcast(S, qs[qi + 6 * d]);
                    a60 = k0.fma(x, a60);
                    a61 = k1.fma(x, a61);
                    x = FloatVector.broadcast(S, qs[qi + 7 * d]);
                    a70 = k0.fma(x, a70);
                    a71 = k1.fma(x, a71);
                }
                int so = i * BK + j;
                a00.intoArray(sc, so);
                a01.intoArray(sc, so + L);
                a10.intoArray(sc, so + BK);
                a11.intoArray(sc, so + BK + L);
                a20.intoArray(sc, so + 2 * BK);
                a21.intoArray(sc, so + 2 * BK + L);
                a30.intoArray(sc, so + 3 * BK);
                a31.intoArray(sc, so + 3 * BK + L);
                a40.intoArray(sc, so + 4 * BK);
                a41.intoArray(sc, so + 4 * BK + L);
                a50.intoArray(sc, so + 5 * BK);
                a51.intoArray(sc, so + 5 * BK + L);
                a60.intoArray(sc, so + 6 * BK);
                a61.intoArray(sc, so + 6 * BK + L);
                a70.intoArray(sc, so + 7 * BK);
                a71.intoArray(sc, so + 7 * BK + L);
            }
        }
    }

    /**
     * Row i of the tile becomes exp(s - m_new) in place; stats hold m (running max), l (normaliser)
     * and alpha = exp(m_old - m_new), the factor the running output is rescaled by.
     */
    private static void onlineSoftmax(float[] sc, int off, int knPad, float[] stats, int i, int rows) {
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < knPad; j += L) mx = mx.max(FloatVector.fromArray(S, sc, off + j));
        float mOld = stats[i];
        float mNew = Math.max(mOld, mx.reduceLanes(VectorOperators.MAX));
        if (mNew == Float.NEGATIVE_INFINITY) {
            // Every key so far is masked: nothing to add, nothing to rescale.
            Arrays.fill(sc, off, off + knPad, 0f);
            stats[2 * rows + i] = 1;
            return;
        }
        FloatVector m = FloatVector.broadcast(S, mNew);
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0; j < knPad; j += L) {
            FloatVector p = VectorMath.exp(FloatVector.fromArray(S, sc, off + j).sub(m));
            p.intoArray(sc, off + j);
            sum = sum.add(p);
        }
        float alpha = mOld == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(mOld - mNew);
        stats[i] = mNew;
        stats[rows + i] = stats[rows + i] * alpha + VectorMath.sumLanes(sum);
        stats[2 * rows + i] = alpha;
    }

    /**
     * o[i, :] = alpha_i o[i, :] + sum_j p[i, j] V[j, :] (rows % 8 == 0): 8 rows x 3 vectors of the value
     * width at a time (24 accumulators; SD's head width 40 pads to 3 vectors of 16), then 8 x 1.
     */
    private static void accumulate(float[] p, int rows, int kn, float[] vp, int vOff, int dvPad, float[] o,
                                   float[] stats, int statRows) {
        for (int i = 0; i < rows; i += 8) {
            int p0 = i * BK;
            int e = 0;
            for (; e + 3 * L <= dvPad; e += 3 * L) {
                int o0 = i * dvPad + e;
                float al0 = stats[2 * statRows + i + 0];
                float al1 = stats[2 * statRows + i + 1];
                float al2 = stats[2 * statRows + i + 2];
                float al3 = stats[2 * statRows + i + 3];
                float al4 = stats[2 * statRows + i + 4];
                float al5 = stats[2 * statRows + i + 5];
                float al6 = stats[2 * statRows + i + 6];
                float al7 = stats[2 * statRows + i + 7];
                FloatVector c00 = FloatVector.fromArray(S, o, o0).mul(al0);
                FloatVector c01 = FloatVector.fromArray(S, o, o0 + L).mul(al0);
                FloatVector c02 = FloatVector.fromArray(S, o, o0 + 2 * L).mul(al0);
                FloatVector c10 = FloatVector.fromArray(S, o, o0 + 1 * dvPad).mul(al1);
                FloatVector c11 = FloatVector.fromArray(S, o, o0 + 1 * dvPad + L).mul(al1);
                FloatVector c12 = FloatVector.fromArray(S, o, o0 + 1 * dvPad + 2 * L).mul(al1);
                FloatVector c20 = FloatVector.fromArray(S, o, o0 + 2 * dvPad).mul(al2);
                FloatVector c21 = FloatVector.fromArray(S, o, o0 + 2 * dvPad + L).mul(al2);
                FloatVector c22 = FloatVector.fromArray(S, o, o0 + 2 * dvPad + 2 * L).mul(al2);
                FloatVector c30 = FloatVector.fromArray(S, o, o0 + 3 * dvPad).mul(al3);
                FloatVector c31 = FloatVector.fromArray(S, o, o0 + 3 * dvPad + L).mul(al3);
                FloatVector c32 = FloatVector.fromArray(S, o, o0 + 3 * dvPad + 2 * L).mul(al3);
                FloatVector c40 = FloatVector.fromArray(S, o, o0 + 4 * dvPad).mul(al4);
                FloatVector c41 = FloatVector.fromArray(S, o, o0 + 4 * dvPad + L).mul(al4);
                FloatVector c42 = FloatVector.fromArray(S, o, o0 + 4 * dvPad + 2 * L).mul(al4);
                FloatVector c50 = FloatVector.fromArray(S, o, o0 + 5 * dvPad).mul(al5);
                FloatVector c51 = FloatVector.fromArray(S, o, o0 + 5 * dvPad + L).mul(al5);
                FloatVector c52 = FloatVector.fromArray(S, o, o0 + 5 * dvPad + 2 * L).mul(al5);
                FloatVector c60 = FloatVector.fromArray(S, o, o0 + 6 * dvPad).mul(al6);
                FloatVector c61 = FloatVector.fromArray(S, o, o0 + 6 * dvPad + L).mul(al6);
                FloatVector c62 = FloatVector.fromArray(S, o, o0 + 6 * dvPad + 2 * L).mul(al6);
                FloatVector c70 = FloatVector.fromArray(S, o, o0 + 7 * dvPad).mul(al7);
                FloatVector c71 = FloatVector.fromArray(S, o, o0 + 7 * dvPad + L).mul(al7);
                FloatVector c72 = FloatVector.fromArray(S, o, o0 + 7 * dvPad + 2 * L).mul(al7);
                for (int j = 0; j < kn; j++) {
                    int vo = vOff + j * dvPad + e;
                    FloatVector v0 = FloatVector.fromArray(S, vp, vo);
                    FloatVector v1 = FloatVector.fromArray(S, vp, vo + L);
                    FloatVector v2 = FloatVector.fromArray(S, vp, vo + 2 * L);
                    int pj = p0 + j;
                    FloatVector x;
                    x = FloatVector.broadcast(S, p[pj]);
                    c00 = v0.fma(x, c00);
                    c01 = v1.fma(x, c01);
                    c02 = v2.fma(x, c02);
                    x = FloatVector.broadcast(S, p[pj + BK]);
                    c10 = v0.fma(x, c10);
                    c11 = v1.fma(x, c11);
                    c12 = v2.fma(x, c12);
                    x = FloatVector.broadcast(S, p[pj + 2 * BK]);
                    c20 = v0.fma(x, c20);
                    c21 = v1.fma(x, c21);
                    c22 = v2.fma(x, c22);
                    x = FloatVector.broadcast(S, p[pj + 3 * BK]);
                    c30 = v0.fma(x, c30);
                    c31 = v1.fma(x, c31);
                    c32 = v2.fma(x, c32);
                    x = FloatVector.broadcast(S, p[pj + 4 * BK]);
                    c40 = v0.fma(x, c40);
                    c41 = v1.fma(x, c41);
                    c42 = v2.fma(x, c42);
                    x = FloatVector.broadcast(S, p[pj + 5 * BK]);
                    c50 = v0.fma(x, c50);
                    c51 = v1.fma(x, c51);
                    c52 = v2.fma(x, c52);
                    x = FloatVector.broadcast(S, p[pj + 6 * BK]);
                    c60 = v0.fma(x, c60);
                    c61 = v1.fma(x, c61);
                    c62 = v2.fma(x, c62);
                    x = FloatVector.broadcast(S, p[pj + 7 * BK]);
                    c70 = v0.fma(x, c70);
                    c71 = v1.fma(x, c71);
                    c72 = v2.fma(x, c72);
                }
                c00.intoArray(o, o0);
                c01.intoArray(o, o0 + L);
                c02.intoArray(o, o0 + 2 * L);
                c10.intoArray(o, o0 + 1 * dvPad);
                c11.intoArray(o, o0 + 1 * dvPad + L);
                c12.intoArray(o, o0 + 1 * dvPad + 2 * L);
                c20.intoArray(o, o0 + 2 * dvPad);
                c21.intoArray(o, o0 + 2 * dvPad + L);
                c22.intoArray(o, o0 + 2 * dvPad + 2 * L);
                c30.intoArray(o, o0 + 3 * dvPad);
                c31.intoArray(o, o0 + 3 * dvPad + L);
                c32.intoArray(o, o0 + 3 * dvPad + 2 * L);
                c40.intoArray(o, o0 + 4 * dvPad);
                c41.intoArray(o, o0 + 4 * dvPad + L);
                c42.intoArray(o, o0 + 4 * dvPad + 2 * L);
                c50.intoArray(o, o0 + 5 * dvPad);
                c51.intoArray(o, o0 + 5 * dvPad + L);
                c52.intoArray(o, o0 + 5 * dvPad + 2 * L);
                c60.intoArray(o, o0 + 6 * dvPad);
                c61.intoArray(o, o0 + 6 * dvPad + L);
                c62.intoArray(o, o0 + 6 * dvPad + 2 * L);
                c70.intoArray(o, o0 + 7 * dvPad);
                c71.intoArray(o, o0 + 7 * dvPad + L);
                c72.intoArray(o, o0 + 7 * dvPad + 2 * L);
            }
            for (; e < dvPad; e += L) {
                int o0 = i * dvPad + e;
                FloatVector c0 = FloatVector.fromArray(S, o, o0).mul(stats[2 * statRows + i + 0]);
                FloatVector c1 = FloatVector.fromArray(S, o, o0 + 1 * dvPad).mul(stats[2 * statRows + i + 1]);
                FloatVector c2 = FloatVector.fromArray(S, o, o0 + 2 * dvPad).mul(stats[2 * statRows + i + 2]);
                FloatVector c3 = FloatVector.fromArray(S, o, o0 + 3 * dvPad).mul(stats[2 * statRows + i + 3]);
                FloatVector c4 = FloatVector.fromArray(S, o, o0 + 4 * dvPad).mul(stats[2 * statRows + i + 4]);
                FloatVector c5 = FloatVector.fromArray(S, o, o0 + 5 * dvPad).mul(stats[2 * statRows + i + 5]);
                FloatVector c6 = FloatVector.fromArray(S, o, o0 + 6 * dvPad).mul(stats[2 * statRows + i + 6]);
                FloatVector c7 = FloatVector.fromArray(S, o, o0 + 7 * dvPad).mul(stats[2 * statRows + i + 7]);
                for (int j = 0; j < kn; j++) {
                    FloatVector v0 = FloatVector.fromArray(S, vp, vOff + j * dvPad + e);
                    int pj = p0 + j;
                    c0 = v0.fma(FloatVector.broadcast(S, p[pj]), c0);
                    c1 = v0.fma(FloatVector.broadcast(S, p[pj + BK]), c1);
                    c2 = v0.fma(FloatVector.broadcast(S, p[pj + 2 * BK]), c2);
                    c3 = v0.fma(FloatVector.broadcast(S, p[pj + 3 * BK]), c3);
                    c4 = v0.fma(FloatVector.broadcast(S, p[pj + 4 * BK]), c4);
                    c5 = v0.fma(FloatVector.broadcast(S, p[pj + 5 * BK]), c5);
                    c6 = v0.fma(FloatVector.broadcast(S, p[pj + 6 * BK]), c6);
                    c7 = v0.fma(FloatVector.broadcast(S, p[pj + 7 * BK]), c7);
                }
                c0.intoArray(o, o0);
                c1.intoArray(o, o0 + 1 * dvPad);
                c2.intoArray(o, o0 + 2 * dvPad);
                c3.intoArray(o, o0 + 3 * dvPad);
                c4.intoArray(o, o0 + 4 * dvPad);
                c5.intoArray(o, o0 + 5 * dvPad);
                c6.intoArray(o, o0 + 6 * dvPad);
                c7.intoArray(o, o0 + 7 * dvPad);
            }
        }
    }
}

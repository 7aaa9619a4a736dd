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
    /** Keys per tile. */
    static final int BK = 256;

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

    /** K^T [D, lkPad] then V [lkPad, dvPad] of head t = b * heads + h, zero-padded. */
    private static void packHead(int t, float[] k, int kOff, float[] v, int vOff, Shape s, int lkPad, int dvPad,
                                 float[] dst, int off) {
        int b = t / s.heads(), h = t % s.heads();
        int kStride = s.heads() * s.d(), vStride = s.heads() * s.dv();
        for (int j = 0; j < s.lk(); j++) {
            int src = kOff + (b * s.lk() + j) * kStride + h * s.d();
            for (int e = 0; e < s.d(); e++) dst[off + e * lkPad + j] = k[src + e];
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
            scores(qs, rows, d, packed, kt + k0, lkPad, knPad, sc);
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

    /** sc[i, 0..knPad) = qs[i, :] . K^T[:, k0 + j] for every row i (rows % 8 == 0, knPad % 2L == 0), 8 x 2 vectors at a time. */
    private static void scores(float[] qs, int rows, int d, float[] kt, int kOff, int lkPad, int knPad, float[] sc) {
        for (int i = 0; i < rows; i += 8) {
            int q0 = i * d;
            for (int j = 0; j < knPad; j += 2 * L) {
                FloatVector z = FloatVector.zero(S);
                FloatVector a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
                FloatVector a40 = z, a41 = z, a50 = z, a51 = z, a60 = z, a61 = z, a70 = z, a71 = z;
                for (int e = 0; e < d; e++) {
                    int ko = kOff + e * lkPad + j;
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
     * o[i, :] = alpha_i o[i, :] + sum_j p[i, j] V[j, :] (rows % 4 == 0), 4 rows x 3 vectors of the value
     * width at a time (SD's head width 40 pads to 3 vectors of 16), then 2 or 1.
     */
    private static void accumulate(float[] p, int rows, int kn, float[] vp, int vOff, int dvPad, float[] o,
                                   float[] stats, int statRows) {
        for (int i = 0; i < rows; i += 4) {
            FloatVector al0 = FloatVector.broadcast(S, stats[2 * statRows + i]);
            FloatVector al1 = FloatVector.broadcast(S, stats[2 * statRows + i + 1]);
            FloatVector al2 = FloatVector.broadcast(S, stats[2 * statRows + i + 2]);
            FloatVector al3 = FloatVector.broadcast(S, stats[2 * statRows + i + 3]);
            int p0 = i * BK;
            int e = 0;
            for (; e + 3 * L <= dvPad; e += 3 * L) {
                int o0 = i * dvPad + e;
                FloatVector c00 = FloatVector.fromArray(S, o, o0).mul(al0);
                FloatVector c01 = FloatVector.fromArray(S, o, o0 + L).mul(al0);
                FloatVector c02 = FloatVector.fromArray(S, o, o0 + 2 * L).mul(al0);
                FloatVector c10 = FloatVector.fromArray(S, o, o0 + dvPad).mul(al1);
                FloatVector c11 = FloatVector.fromArray(S, o, o0 + dvPad + L).mul(al1);
                FloatVector c12 = FloatVector.fromArray(S, o, o0 + dvPad + 2 * L).mul(al1);
                FloatVector c20 = FloatVector.fromArray(S, o, o0 + 2 * dvPad).mul(al2);
                FloatVector c21 = FloatVector.fromArray(S, o, o0 + 2 * dvPad + L).mul(al2);
                FloatVector c22 = FloatVector.fromArray(S, o, o0 + 2 * dvPad + 2 * L).mul(al2);
                FloatVector c30 = FloatVector.fromArray(S, o, o0 + 3 * dvPad).mul(al3);
                FloatVector c31 = FloatVector.fromArray(S, o, o0 + 3 * dvPad + L).mul(al3);
                FloatVector c32 = FloatVector.fromArray(S, o, o0 + 3 * dvPad + 2 * L).mul(al3);
                for (int j = 0; j < kn; j++) {
                    int vo = vOff + j * dvPad + e;
                    FloatVector v0 = FloatVector.fromArray(S, vp, vo);
                    FloatVector v1 = FloatVector.fromArray(S, vp, vo + L);
                    FloatVector v2 = FloatVector.fromArray(S, vp, vo + 2 * L);
                    int pj = p0 + j;
                    FloatVector x = FloatVector.broadcast(S, p[pj]);
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
                }
                c00.intoArray(o, o0);
                c01.intoArray(o, o0 + L);
                c02.intoArray(o, o0 + 2 * L);
                c10.intoArray(o, o0 + dvPad);
                c11.intoArray(o, o0 + dvPad + L);
                c12.intoArray(o, o0 + dvPad + 2 * L);
                c20.intoArray(o, o0 + 2 * dvPad);
                c21.intoArray(o, o0 + 2 * dvPad + L);
                c22.intoArray(o, o0 + 2 * dvPad + 2 * L);
                c30.intoArray(o, o0 + 3 * dvPad);
                c31.intoArray(o, o0 + 3 * dvPad + L);
                c32.intoArray(o, o0 + 3 * dvPad + 2 * L);
            }
            for (; e < dvPad; e += L) {
                int o0 = i * dvPad + e;
                FloatVector c0 = FloatVector.fromArray(S, o, o0).mul(al0);
                FloatVector c1 = FloatVector.fromArray(S, o, o0 + dvPad).mul(al1);
                FloatVector c2 = FloatVector.fromArray(S, o, o0 + 2 * dvPad).mul(al2);
                FloatVector c3 = FloatVector.fromArray(S, o, o0 + 3 * dvPad).mul(al3);
                for (int j = 0; j < kn; j++) {
                    FloatVector v0 = FloatVector.fromArray(S, vp, vOff + j * dvPad + e);
                    int pj = p0 + j;
                    c0 = v0.fma(FloatVector.broadcast(S, p[pj]), c0);
                    c1 = v0.fma(FloatVector.broadcast(S, p[pj + BK]), c1);
                    c2 = v0.fma(FloatVector.broadcast(S, p[pj + 2 * BK]), c2);
                    c3 = v0.fma(FloatVector.broadcast(S, p[pj + 3 * BK]), c3);
                }
                c0.intoArray(o, o0);
                c1.intoArray(o, o0 + dvPad);
                c2.intoArray(o, o0 + 2 * dvPad);
                c3.intoArray(o, o0 + 3 * dvPad);
            }
        }
    }
}

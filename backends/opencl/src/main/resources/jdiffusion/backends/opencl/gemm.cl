// jdiffusion's tiled matrix product and convolution kernels (after common.cl), built once per tile size.

// ---- tiled matrix products ------------------------------------------------------------------------
//
// Work-groups of 16 x 16 items compute TS x TS tiles of the result, each item an RT x RT block; operands
// are staged through local memory TK columns of K at a time, and each item reads its RT values of A and
// of B per step as float4s (RT multiply-adds per value read). Tile rows are padded by 4 floats, keeping
// the float4 alignment.
// Built three times: TS 16 for thin products (few rows or pixels), 64 for small, 128 for large ones
// (more reuse per load).

#ifndef TS
#define TS 64
#endif
#define RT (TS / 16)
#define TK 16
#define WG 256
#define PAD 4

inline void tile_product(__local float As[TK][TS + PAD], __local float Bs[TK][TS + PAD], float acc[RT][RT],
                         int tx, int ty) {
    for (int kk = 0; kk < TK; kk++) {
        float a[RT], b[RT];
#if RT % 4 == 0
        for (int i = 0; i < RT; i += 4) {
            float4 va = *((__local float4*) &As[kk][ty * RT + i]);
            a[i] = va.x; a[i + 1] = va.y; a[i + 2] = va.z; a[i + 3] = va.w;
            float4 vb = *((__local float4*) &Bs[kk][tx * RT + i]);
            b[i] = vb.x; b[i + 1] = vb.y; b[i + 2] = vb.z; b[i + 3] = vb.w;
        }
#else
        for (int i = 0; i < RT; i++) a[i] = As[kk][ty * RT + i];
        for (int j = 0; j < RT; j++) b[j] = Bs[kk][tx * RT + j];
#endif
        for (int i = 0; i < RT; i++)
            for (int j = 0; j < RT; j++) acc[i][j] = fma(a[i], b[j], acc[i][j]);
    }
}

// C[z] = A[z] (M x K) times B[z] (K x N, or N x K when bTrans) + bias[N]; a batch stride of 0 shares
// the operand across the batch.
__kernel __attribute__((reqd_work_group_size(16, 16, 1)))
void gemm(const __global void* A, int adt, long aBatch,
          const __global void* B, int bdt, long bBatch, int bTrans,
          const __global void* bias, int biasdt, int hasBias,
          __global float* C, int M, int N, int K) {
    __local float As[TK][TS + PAD] __attribute__((aligned(16)));
    __local float Bs[TK][TS + PAD] __attribute__((aligned(16)));
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int lid = ty * 16 + tx;
    const int n0 = get_group_id(0) * TS, m0 = get_group_id(1) * TS;
    const long z = get_global_id(2);
    const long aBase = z * aBatch, bBase = z * bBatch;
    float acc[RT][RT];
    for (int i = 0; i < RT; i++)
        for (int j = 0; j < RT; j++) acc[i][j] = 0.0f;

    for (int k0 = 0; k0 < K; k0 += TK) {
        for (int r = 0; r < TS * TK / WG; r++) {
            int e = lid + r * WG;
            int row = e / TK, col = e % TK;
            int m = m0 + row, k = k0 + col;
            As[col][row] = (m < M && k < K) ? ld(A, adt, aBase + (long) m * K + k) : 0.0f;
        }
        if (bTrans) {
            for (int r = 0; r < TS * TK / WG; r++) {
                int e = lid + r * WG;
                int nn = e / TK, kk = e % TK;
                int n = n0 + nn, k = k0 + kk;
                Bs[kk][nn] = (n < N && k < K) ? ld(B, bdt, bBase + (long) n * K + k) : 0.0f;
            }
        } else {
            for (int r = 0; r < TS * TK / WG; r++) {
                int e = lid + r * WG;
                int kk = e / TS, nn = e % TS;
                int n = n0 + nn, k = k0 + kk;
                Bs[kk][nn] = (n < N && k < K) ? ld(B, bdt, bBase + (long) k * N + n) : 0.0f;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        tile_product(As, Bs, acc, tx, ty);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const long cBase = z * (long) M * N;
    for (int i = 0; i < RT; i++) {
        int m = m0 + ty * RT + i;
        if (m >= M) continue;
        for (int j = 0; j < RT; j++) {
            int n = n0 + tx * RT + j;
            if (n < N) C[cBase + (long) m * N + n] = acc[i][j] + (hasBias ? ld(bias, biasdt, n) : 0.0f);
        }
    }
}

// 2-D convolution as an implicit GEMM: for image n and group g, Y[n, g*Og + m, p] = sum_k W[g*Og + m, k] *
// X'[k, p] with k = (c, kh, kw) over the group's input channels and p = (oh, ow); X' (im2col) is never
// stored, its tile is gathered from X with zero padding.
__kernel __attribute__((reqd_work_group_size(16, 16, 1)))
void conv2d(const __global void* X, int xdt, const __global void* Wt, int wdt,
            const __global void* bias, int biasdt, int hasBias, __global float* Y,
            int C, int H, int W, int O, int KH, int KW, int OH, int OW,
            int sh, int sw, int ph, int pw, int dh, int dw, int groups) {
    __local float As[TK][TS + PAD] __attribute__((aligned(16)));
    __local float Bs[TK][TS + PAD] __attribute__((aligned(16)));
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int lid = ty * 16 + tx;
    const int p0 = get_group_id(0) * TS, m0 = get_group_id(1) * TS;
    const int z = get_global_id(2);
    const int n = z / groups, g = z % groups;
    const int Og = O / groups, Cg = C / groups;
    const int KK = KH * KW;
    const int K = Cg * KK, P = OH * OW;
    const long wBase = (long) g * Og * K;
    const long xBase = ((long) n * C + (long) g * Cg) * H * W;
    float acc[RT][RT];
    for (int i = 0; i < RT; i++)
        for (int j = 0; j < RT; j++) acc[i][j] = 0.0f;

    for (int k0 = 0; k0 < K; k0 += TK) {
        for (int r = 0; r < TS * TK / WG; r++) {
            int e = lid + r * WG;
            int row = e / TK, col = e % TK;
            int m = m0 + row, k = k0 + col;
            As[col][row] = (m < Og && k < K) ? ld(Wt, wdt, wBase + (long) m * K + k) : 0.0f;
        }
        for (int r = 0; r < TS * TK / WG; r++) {
            int e = lid + r * WG;
            int kk = e / TS, pp = e % TS;
            int k = k0 + kk, p = p0 + pp;
            float v = 0.0f;
            if (k < K && p < P) {
                int c = k / KK, rem = k - c * KK;
                int ky = rem / KW, kx = rem - ky * KW;
                int oy = p / OW, ox = p - oy * OW;
                int iy = oy * sh - ph + ky * dh, ix = ox * sw - pw + kx * dw;
                if (iy >= 0 && iy < H && ix >= 0 && ix < W) v = ld(X, xdt, xBase + ((long) c * H + iy) * W + ix);
            }
            Bs[kk][pp] = v;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        tile_product(As, Bs, acc, tx, ty);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    for (int i = 0; i < RT; i++) {
        int m = m0 + ty * RT + i;
        if (m >= Og) continue;
        int o = g * Og + m;
        float b = hasBias ? ld(bias, biasdt, o) : 0.0f;
        long yBase = ((long) n * O + o) * P;
        for (int j = 0; j < RT; j++) {
            int p = p0 + tx * RT + j;
            if (p < P) Y[yBase + p] = acc[i][j] + b;
        }
    }
}

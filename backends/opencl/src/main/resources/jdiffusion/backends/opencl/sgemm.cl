// Register-blocked matrix product and convolution (after common.cl), built once per variant and problem
// class with -D options:
//
//   KIND   0: C = A[M,K] B[K,N]   1: C = A[M,K] B[N,K]^T   2: convolution, B = im2col(X) gathered per tile
//   TM TN  output tile of a work-group (rows of A x columns of B)
//   RM RN  outputs per work-item (multiples of 4), held in registers: RM x RN multiply-adds per k
//   TK     depth of K staged in local memory per step
//   ADT BDT storage of A and B (0 float32, 1 float16, 2 bfloat16)
//   VA VB  width of the global loads along A's and B's contiguous dimension (4 or 1)
//   UNROLL 1: unroll the loops over a work-item's outputs fully (GPUs: the accumulators must be registers);
//          0 on CPU devices, whose compilers then build a variant in a second instead of ten
//
// The techniques of the usual fast SGEMMs (the "SGEMM on NVIDIA" walk-throughs, CLBlast's Xgemm):
// - the next K step is loaded into registers while the current one is multiplied, into the other of two
//   local buffers: one barrier per step;
// - A (and B^T) tiles are stored transposed, k-major, so each work-item reads its RM values of A and RN
//   of B as float4s; a work-item's 4-wide groups are strided by the group width (work-item x reads
//   columns 4x..4x+3 of each group), so neighbouring work-items read neighbouring float4s, without bank
//   conflicts; rows are padded by 4 floats, which also spreads the transposed stores over the banks;
// - no bounds checks inside: loads clamp their row (or column) to the last one, so the clamped values only
//   reach outputs that are never stored; only the last, partial K step checks k < K;
// - a convolution gathers its B tile through a table of input offsets per k (conv_table in kernels.cl), so
//   the im2col index arithmetic (divisions by the kernel size) is done once per geometry, not per element;
//   each work-item gathers one output pixel, whose coordinates it computes once.
// Every output is sum_k A[m,k] B[k,n] accumulated in k order by fma from 0, then the bias added: the same
// operations, in the same order, as gemm.cl, so every variant gives the same bits.

#define NTX (TN / RN)
#define NTY (TM / RM)
#define NT (NTX * NTY)
#define GM (RM / 4)
#define GN (RN / 4)
#define LDA_S (TM + 4)
#define LDB_S (TN + 4)

#if (RM % 4) || (RN % 4) || ((TM * TK / VA) % NT) || ((TN * TK / VB) % NT)
#error "tile sizes do not divide evenly among the work-items"
#endif

#if ADT == DT_F32
typedef float a_t;
#define LDA1(p, i) ((p)[i])
#define LDA4(p, i) (*((const __global float4*) ((p) + (i))))
#elif ADT == DT_F16
typedef half a_t;
#define LDA1(p, i) vload_half((i), (p))
#define LDA4(p, i) vload_half4(0, (p) + (i))
#else
typedef ushort a_t;
#define LDA1(p, i) as_float(((uint) (p)[i]) << 16)
#define LDA4(p, i) as_float4(convert_uint4(*((const __global ushort4*) ((p) + (i)))) << 16)
#endif

#if BDT == DT_F32
typedef float b_t;
#define LDB1(p, i) ((p)[i])
#define LDB4(p, i) (*((const __global float4*) ((p) + (i))))
#elif BDT == DT_F16
typedef half b_t;
#define LDB1(p, i) vload_half((i), (p))
#define LDB4(p, i) vload_half4(0, (p) + (i))
#else
typedef ushort b_t;
#define LDB1(p, i) as_float(((uint) (p)[i]) << 16)
#define LDB4(p, i) as_float4(convert_uint4(*((const __global ushort4*) ((p) + (i)))) << 16)
#endif

#if VA == 4
typedef float4 avec;
#define LDAV(p, i) LDA4(p, i)
#else
typedef float avec;
#define LDAV(p, i) LDA1(p, i)
#endif
#if VB == 4
typedef float4 bvec;
#define LDBV(p, i) LDB4(p, i)
#else
typedef float bvec;
#define LDBV(p, i) LDB1(p, i)
#endif

// A tile: TM rows of TK/VA vectors; work-item t loads rows t / AV + j * (NT / AV), vector t % AV.
#define AV (TK / VA)
#define LA (TM * AV / NT)
// B tile: KIND 0: TK rows of TN/VB vectors along n; KIND 1: TN rows of TK/VB vectors along k;
// KIND 2: TK rows of TN pixels, one pixel per work-item (NT is a multiple of TN).
#if KIND == 0
#define BV (TN / VB)
#elif KIND == 1
#define BV (TK / VB)
#else
#define BV TN
#endif
#define LB ((KIND == 1 ? TN : TK) * BV / NT)

#if KIND == 2 && (NT % TN)
#error "the convolution needs a multiple of TN work-items"
#endif

// Stores a loaded A (or B^T) vector transposed: element i of the vector is k = kq * VA + i.
#if VA == 4
#define STORE_AT(S, kq, row, v) { S[(kq) * 4][row] = (v).x; S[(kq) * 4 + 1][row] = (v).y; \
                                  S[(kq) * 4 + 2][row] = (v).z; S[(kq) * 4 + 3][row] = (v).w; }
#else
#define STORE_AT(S, kq, row, v) { S[kq][row] = (v); }
#endif
#if VB == 4
#define STORE_BT(S, kq, col, v) { S[(kq) * 4][col] = (v).x; S[(kq) * 4 + 1][col] = (v).y; \
                                  S[(kq) * 4 + 2][col] = (v).z; S[(kq) * 4 + 3][col] = (v).w; }
#define STORE_B(S, kk, col, v) { *((__local float4*) &S[kk][col]) = (v); }
#else
#define STORE_BT(S, kq, col, v) { S[kq][col] = (v); }
#define STORE_B(S, kk, col, v) { S[kk][col] = (v); }
#endif

// biasMode: 0 none, 1 one value per column (linear), 2 one per row (convolution channels, from biasRow0).
#if KIND == 2
__kernel __attribute__((reqd_work_group_size(NTX, NTY, 1)))
void sconv(const __global a_t* Wt, const __global b_t* X, const __global int4* table,
           const __global void* bias, int biasdt, int biasMode, __global float* Y,
           int C, int H, int W, int O, int K, int OW, int P, int sh, int sw, int groups) {
    const int z = get_group_id(2);
    const int img = z / groups, grp = z - img * groups;
    const int M = O / groups, N = P, Cg = C / groups;
    const __global a_t* Ab = Wt + (long) grp * M * K;
    const __global b_t* Xb = X + ((long) img * C + (long) grp * Cg) * H * W;
    __global float* Cb = Y + ((long) img * O + (long) grp * M) * P;
    const int biasRow0 = grp * M;
#else
__kernel __attribute__((reqd_work_group_size(NTX, NTY, 1)))
void sgemm(const __global a_t* A, long aBatch, const __global b_t* B, long bBatch,
           const __global void* bias, int biasdt, int biasMode, __global float* C, int M, int N, int K) {
    const int z = get_group_id(2);
    const __global a_t* Ab = A + z * aBatch;
    const __global b_t* Bb = B + z * bBatch;
    __global float* Cb = C + (long) z * M * N;
    const int biasRow0 = 0;
#endif
    __local float As[2][TK][LDA_S] __attribute__((aligned(16)));
    __local float Bs[2][TK][LDB_S] __attribute__((aligned(16)));
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int t = ty * NTX + tx;
    const int n0 = get_group_id(0) * TN, m0 = get_group_id(1) * TM;

    // Where each work-item loads from, fixed for the whole K loop.
    const int akq = t % AV;
    const __global a_t* arow[LA];
#if UNROLL
#pragma unroll
#endif
    for (int j = 0; j < LA; j++) arow[j] = Ab + (long) min(m0 + t / AV + j * (NT / AV), M - 1) * K + akq * VA;
#if KIND == 0
    const int bnq = t % BV;
    const __global b_t* bcol = Bb + min(n0 + bnq * VB, N - VB);
#elif KIND == 1
    const int bkq = t % BV;
    const __global b_t* brow[LB];
#if UNROLL
#pragma unroll
#endif
    for (int j = 0; j < LB; j++) brow[j] = Bb + (long) min(n0 + t / BV + j * (NT / BV), N - 1) * K + bkq * VB;
#else
    // The pixel this work-item gathers; outside the image, a row far above it fails every bounds check.
    const int pp = t % TN;
    const int p = n0 + pp;
    const int oy = p / OW, ox = p - (p / OW) * OW;
    const int iy0 = p < P ? oy * sh : -(1 << 20), ix0 = ox * sw;
    const int pix = p < P ? iy0 * W + ix0 : 0;
#endif

    float acc[RM][RN];
#if UNROLL
#pragma unroll
#endif
    for (int i = 0; i < RM; i++)
#if UNROLL
#pragma unroll
#endif
        for (int j = 0; j < RN; j++) acc[i][j] = 0.0f;

    // Step s: store the registers loaded during step s - 1 into buffer s & 1, load step s + 1 into the
    // registers, multiply buffer s & 1. The other buffer was last read before the previous barrier.
    avec ra[LA];
    bvec rb[LB];
    const int steps = (K + TK - 1) / TK;
    for (int s = -1; s < steps; s++) {
        const int cur = s & 1;
        if (s >= 0) {
#if UNROLL
#pragma unroll
#endif
            for (int j = 0; j < LA; j++) STORE_AT(As[cur], akq, t / AV + j * (NT / AV), ra[j])
#if UNROLL
#pragma unroll
#endif
            for (int j = 0; j < LB; j++) {
#if KIND == 0
                STORE_B(Bs[cur], t / BV + j * (NT / BV), bnq * VB, rb[j])
#elif KIND == 1
                STORE_BT(Bs[cur], bkq, t / BV + j * (NT / BV), rb[j])
#else
                Bs[cur][t / TN + j * (NT / TN)][pp] = rb[j];
#endif
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (s + 1 < steps) {
            const int k0 = (s + 1) * TK;
            const bool full = k0 + TK <= K;
#if UNROLL
#pragma unroll
#endif
            for (int j = 0; j < LA; j++) {
                ra[j] = (full || k0 + akq * VA < K) ? LDAV(arow[j], k0) : (avec) 0.0f;
            }
#if UNROLL
#pragma unroll
#endif
            for (int j = 0; j < LB; j++) {
#if KIND == 0
                const int k = k0 + t / BV + j * (NT / BV);
                rb[j] = (full || k < K) ? LDBV(bcol, (long) k * N) : (bvec) 0.0f;
#elif KIND == 1
                rb[j] = (full || k0 + bkq * VB < K) ? LDBV(brow[j], k0) : (bvec) 0.0f;
#else
                const int4 e = table[k0 + t / TN + j * (NT / TN)];
                const bool in = (uint) (iy0 + e.y) < (uint) H && (uint) (ix0 + e.z) < (uint) W;
                rb[j] = in ? LDB1(Xb, pix + e.x) : 0.0f;
#endif
            }
        }
        if (s >= 0) {
            // Written out here rather than called: the accumulators stay in registers only when every loop
            // touching them is unrolled within one function.
#if UNROLL
#pragma unroll
#endif
            for (int kk = 0; kk < TK; kk++) {
                float a[RM], b[RN];
#if UNROLL
#pragma unroll
#endif
                for (int g = 0; g < GM; g++) {
                    const float4 v = *((__local float4*) &As[cur][kk][g * NTY * 4 + ty * 4]);
                    a[g * 4] = v.x; a[g * 4 + 1] = v.y; a[g * 4 + 2] = v.z; a[g * 4 + 3] = v.w;
                }
#if UNROLL
#pragma unroll
#endif
                for (int g = 0; g < GN; g++) {
                    const float4 v = *((__local float4*) &Bs[cur][kk][g * NTX * 4 + tx * 4]);
                    b[g * 4] = v.x; b[g * 4 + 1] = v.y; b[g * 4 + 2] = v.z; b[g * 4 + 3] = v.w;
                }
#if UNROLL
#pragma unroll
#endif
                for (int i = 0; i < RM; i++)
#if UNROLL
#pragma unroll
#endif
                    for (int j = 0; j < RN; j++) acc[i][j] = fma(a[i], b[j], acc[i][j]);
            }
        }
    }

    const bool vecStore = (N & 3) == 0;
#if UNROLL
#pragma unroll
#endif
    for (int gi = 0; gi < GM; gi++) {
#if UNROLL
#pragma unroll
#endif
        for (int i = 0; i < 4; i++) {
            const int m = m0 + gi * NTY * 4 + ty * 4 + i;
            if (m >= M) continue;
            const float rowBias = biasMode == 2 ? ld(bias, biasdt, biasRow0 + m) : 0.0f;
            __global float* crow = Cb + (long) m * N;
#if UNROLL
#pragma unroll
#endif
            for (int gj = 0; gj < GN; gj++) {
                const int n = n0 + gj * NTX * 4 + tx * 4;
                float o[4];
#if UNROLL
#pragma unroll
#endif
                for (int c = 0; c < 4; c++) {
                    const float b = biasMode == 1 ? (n + c < N ? ld(bias, biasdt, n + c) : 0.0f) : rowBias;
                    o[c] = acc[gi * 4 + i][gj * 4 + c] + b;
                }
                if (vecStore && n + 3 < N) {
                    *((__global float4*) (crow + n)) = (float4) (o[0], o[1], o[2], o[3]);
                } else {
#if UNROLL
#pragma unroll
#endif
                    for (int c = 0; c < 4; c++) {
                        if (n + c < N) crow[n + c] = o[c];
                    }
                }
            }
        }
    }
}

// Scaled dot-product attention without the [Lq, Lk] score matrix (the online softmax of
// Milakov & Gimelshein 2018, as in FlashAttention, Dao et al. 2022).
//
// Compiled once per head size: HD (query/key) and HDV (value) are fixed so that each work-item keeps its
// query row and output accumulator in registers. BQ work-items form a group, one query row each; the group
// stages BKV keys and values at a time in local memory, where every work-item reads the same element at
// once (a broadcast). When both head sizes are multiples of 4 the rows are handled as float4, four
// multiply-adds per local-memory read. ld() comes from common.cl.

#if HD % 4 == 0 && HDV % 4 == 0
#define VW 4
typedef float4 vec;
#define VDOT(a, b) dot(a, b)
#else
#define VW 1
typedef float vec;
#define VDOT(a, b) ((a) * (b))
#endif
#define HDW (HD / VW)
#define HDVW (HDV / VW)

inline vec ldv(const __global void* p, int dt, long i) {
#if VW == 4
    return (float4) (ld(p, dt, i), ld(p, dt, i + 1), ld(p, dt, i + 2), ld(p, dt, i + 3));
#else
    return ld(p, dt, i);
#endif
}

__kernel __attribute__((reqd_work_group_size(BQ, 1, 1)))
void attention(const __global void* Q, int qdt, const __global void* Kt, int kdt, const __global void* V, int vdt,
               __global float* O, int Lq, int Lk, int H, float scale, int causal) {
    __local vec Ks[BKV][HDW];
    __local vec Vs[BKV][HDVW];
    const int i = get_global_id(0);
    const int h = get_global_id(1), b = get_global_id(2);
    const int lid = get_local_id(0);
    const bool valid = i < Lq;
    vec q[HDW], o[HDVW];
    const long qBase = ((long) b * Lq + (valid ? i : 0)) * H * HD + (long) h * HD;
    for (int d = 0; d < HDW; d++) q[d] = valid ? ldv(Q, qdt, qBase + d * VW) : (vec) 0.0f;
    for (int d = 0; d < HDVW; d++) o[d] = (vec) 0.0f;
    float m = -INFINITY, l = 0.0f;
    // Causal: no query of this group sees keys past its last row, so the group stops there (uniformly).
    const int lastQuery = min(Lq, (int) (get_group_id(0) + 1) * BQ) - 1;
    const int kEnd = causal ? min(Lk, lastQuery + 1) : Lk;
    for (int j0 = 0; j0 < kEnd; j0 += BKV) {
        for (int e = lid; e < BKV * HDW; e += BQ) {
            int jj = e / HDW, d = e - jj * HDW, j = j0 + jj;
            Ks[jj][d] = j < Lk ? ldv(Kt, kdt, ((long) b * Lk + j) * H * HD + (long) h * HD + d * VW) : (vec) 0.0f;
        }
        for (int e = lid; e < BKV * HDVW; e += BQ) {
            int jj = e / HDVW, d = e - jj * HDVW, j = j0 + jj;
            Vs[jj][d] = j < Lk ? ldv(V, vdt, ((long) b * Lk + j) * H * HDV + (long) h * HDV + d * VW) : (vec) 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        float s[BKV];
        float tileMax = -INFINITY;
        for (int jj = 0; jj < BKV; jj++) {
            int j = j0 + jj;
            float dotqk = 0.0f;
            for (int d = 0; d < HDW; d++) dotqk += VDOT(q[d], Ks[jj][d]);
            s[jj] = (j >= Lk || (causal && j > i)) ? -INFINITY : dotqk * scale;
            tileMax = fmax(tileMax, s[jj]);
        }
        const float mNew = fmax(m, tileMax);
        if (mNew != -INFINITY) {
            const float correction = exp(m - mNew);
            l *= correction;
            for (int d = 0; d < HDVW; d++) o[d] *= correction;
            for (int jj = 0; jj < BKV; jj++) {
                float p = exp(s[jj] - mNew);
                l += p;
                for (int d = 0; d < HDVW; d++) o[d] = fma((vec) p, Vs[jj][d], o[d]);
            }
            m = mNew;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (valid) {
        const long oBase = ((long) b * Lq + i) * H * HDV + (long) h * HDV;
#if VW == 4
        for (int d = 0; d < HDVW; d++) {
            float4 r = o[d] / l;
            O[oBase + 4 * d] = r.x;
            O[oBase + 4 * d + 1] = r.y;
            O[oBase + 4 * d + 2] = r.z;
            O[oBase + 4 * d + 3] = r.w;
        }
#else
        for (int d = 0; d < HDVW; d++) O[oBase + d] = o[d] / l;
#endif
    }
}

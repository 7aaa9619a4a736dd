// Scaled dot-product attention without the [Lq, Lk] score matrix (the online softmax of
// Milakov & Gimelshein 2018, as in FlashAttention, Dao et al. 2022).
//
// Compiled once per head size: HD (query/key) and HDV (value) are fixed so that each work-item keeps its
// query row and output accumulator in registers. BQ work-items form a group, one query row each; the group
// stages BKV keys and values at a time in local memory. ld() comes from the main kernel source.

__kernel __attribute__((reqd_work_group_size(BQ, 1, 1)))
void attention(const __global void* Q, int qdt, const __global void* Kt, int kdt, const __global void* V, int vdt,
               __global float* O, int Lq, int Lk, int H, float scale, int causal) {
    __local float Ks[BKV][HD];
    __local float Vs[BKV][HDV];
    const int i = get_global_id(0);
    const int h = get_global_id(1), b = get_global_id(2);
    const int lid = get_local_id(0);
    const bool valid = i < Lq;
    float q[HD], o[HDV];
    const long qBase = ((long) b * Lq + (valid ? i : 0)) * H * HD + (long) h * HD;
    for (int d = 0; d < HD; d++) q[d] = valid ? ld(Q, qdt, qBase + d) : 0.0f;
    for (int d = 0; d < HDV; d++) o[d] = 0.0f;
    float m = -INFINITY, l = 0.0f;
    // Causal: no query of this group sees keys past its last row, so the group stops there (uniformly).
    const int lastQuery = min(Lq, (int) (get_group_id(0) + 1) * BQ) - 1;
    const int kEnd = causal ? min(Lk, lastQuery + 1) : Lk;
    for (int j0 = 0; j0 < kEnd; j0 += BKV) {
        for (int e = lid; e < BKV * HD; e += BQ) {
            int jj = e / HD, d = e - jj * HD, j = j0 + jj;
            Ks[jj][d] = j < Lk ? ld(Kt, kdt, ((long) b * Lk + j) * H * HD + (long) h * HD + d) : 0.0f;
        }
        for (int e = lid; e < BKV * HDV; e += BQ) {
            int jj = e / HDV, d = e - jj * HDV, j = j0 + jj;
            Vs[jj][d] = j < Lk ? ld(V, vdt, ((long) b * Lk + j) * H * HDV + (long) h * HDV + d) : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        float s[BKV];
        float tileMax = -INFINITY;
        for (int jj = 0; jj < BKV; jj++) {
            int j = j0 + jj;
            float dot = 0.0f;
            for (int d = 0; d < HD; d++) dot = fma(q[d], Ks[jj][d], dot);
            s[jj] = (j >= Lk || (causal && j > i)) ? -INFINITY : dot * scale;
            tileMax = fmax(tileMax, s[jj]);
        }
        const float mNew = fmax(m, tileMax);
        if (mNew != -INFINITY) {
            const float correction = exp(m - mNew);
            l *= correction;
            for (int d = 0; d < HDV; d++) o[d] *= correction;
            for (int jj = 0; jj < BKV; jj++) {
                float p = exp(s[jj] - mNew);
                l += p;
                for (int d = 0; d < HDV; d++) o[d] = fma(p, Vs[jj][d], o[d]);
            }
            m = mNew;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (valid) {
        const long oBase = ((long) b * Lq + i) * H * HDV + (long) h * HDV;
        for (int d = 0; d < HDV; d++) O[oBase + d] = o[d] / l;
    }
}

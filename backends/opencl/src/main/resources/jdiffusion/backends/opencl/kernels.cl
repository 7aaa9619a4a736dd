// jdiffusion's OpenCL C 1.2 kernels (after common.cl).
//
// Results are float32 except where an operation keeps its input's storage type (copies, conversions).

// ---- work-group reductions (local size a power of two) -------------------------------------------

inline float wg_sum(float v, __local float* s) {
    const int lid = get_local_id(0);
    s[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int h = get_local_size(0) / 2; h > 0; h >>= 1) {
        if (lid < h) s[lid] += s[lid + h];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = s[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

inline float wg_max(float v, __local float* s) {
    const int lid = get_local_id(0);
    s[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int h = get_local_size(0) / 2; h > 0; h >>= 1) {
        if (lid < h) s[lid] = fmax(s[lid], s[lid + h]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = s[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

// ---- normalisation --------------------------------------------------------------------------------

// One work-group normalises one row of L elements with its mean and biased variance (two passes, as
// the definition). Row r's element i takes affine index (r % G) * Cg + i / S: layer norm is G = 1,
// S = 1; group norm over [N, C, S] is G groups of Cg channels of S elements.
__kernel void norm_rows(const __global void* X, int xdt, __global float* Y, long L, int S, int G, int Cg,
                        const __global void* gamma, int gdt, int hasGamma,
                        const __global void* beta, int bdt, int hasBeta, float eps, __local float* scratch) {
    const long row = get_group_id(0);
    const int lid = get_local_id(0), ls = get_local_size(0);
    const long base = row * L;
    float s = 0.0f;
    for (long i = lid; i < L; i += ls) s += ld(X, xdt, base + i);
    const float mean = wg_sum(s, scratch) / (float) L;
    float q = 0.0f;
    for (long i = lid; i < L; i += ls) {
        float d = ld(X, xdt, base + i) - mean;
        q = fma(d, d, q);
    }
    const float var = wg_sum(q, scratch) / (float) L;
    const float inv = 1.0f / sqrt(var + eps);
    const int c0 = (int) (row % G) * Cg;
    for (long i = lid; i < L; i += ls) {
        float z = (ld(X, xdt, base + i) - mean) * inv;
        int c = c0 + (int) (i / S);
        if (hasGamma) z *= ld(gamma, gdt, c);
        if (hasBeta) z += ld(beta, bdt, c);
        Y[base + i] = z;
    }
}

// Softmax of one row per work-group, max-subtracted.
__kernel void softmax_rows(const __global void* X, int xdt, __global float* Y, int D, __local float* scratch) {
    const long base = (long) get_group_id(0) * D;
    const int lid = get_local_id(0), ls = get_local_size(0);
    float mx = -INFINITY;
    for (int i = lid; i < D; i += ls) mx = fmax(mx, ld(X, xdt, base + i));
    mx = wg_max(mx, scratch);
    float s = 0.0f;
    for (int i = lid; i < D; i += ls) s += exp(ld(X, xdt, base + i) - mx);
    s = wg_sum(s, scratch);
    for (int i = lid; i < D; i += ls) Y[base + i] = exp(ld(X, xdt, base + i) - mx) / s;
}

// ---- elementwise ----------------------------------------------------------------------------------

#define OP_SILU 0
#define OP_GELU 1
#define OP_GELU_TANH 2
#define OP_QUICK_GELU 3
#define OP_SCALE 4
#define OP_EXP 5
#define OP_CLAMP 6

inline float gelu_erf(float x) {
    return 0.5f * x * (1.0f + erf(x * M_SQRT1_2_F));
}

__kernel void unary(const __global void* X, int xdt, __global float* Y, long n, int op, float a, float b) {
    const long i = get_global_id(0);
    if (i >= n) return;
    const float x = ld(X, xdt, i);
    float y;
    switch (op) {
        case OP_SILU: y = x / (1.0f + exp(-x)); break;
        case OP_GELU: y = gelu_erf(x); break;
        case OP_GELU_TANH: y = 0.5f * x * (1.0f + tanh(0.7978845608028654f * (x + 0.044715f * x * x * x))); break;
        case OP_QUICK_GELU: y = x / (1.0f + exp(-1.702f * x)); break;
        case OP_SCALE: y = x * a; break;
        case OP_EXP: y = exp(x); break;
        default: y = x < a ? a : (x > b ? b : x); break;
    }
    Y[i] = y;
}

// [..., 2F] -> [..., F]: value * gelu(gate) with value, gate the two halves of each row.
__kernel void geglu(const __global void* X, int xdt, __global float* Y, long n, int F) {
    const long i = get_global_id(0);
    if (i >= n) return;
    const long r = i / F, f = i - r * F;
    const float v = ld(X, xdt, r * 2 * F + f);
    const float g = ld(X, xdt, r * 2 * F + F + f);
    Y[i] = v * gelu_erf(g);
}

#define OP_ADD 0
#define OP_MUL 1
#define OP_SUB 2

inline float apply_binary(int op, float a, float b) {
    return op == OP_ADD ? a + b : op == OP_MUL ? a * b : a - b;
}

__kernel void binary_same(const __global void* A, int adt, const __global void* B, int bdt, __global float* Y,
                          long n, int op) {
    const long i = get_global_id(0);
    if (i < n) Y[i] = apply_binary(op, ld(A, adt, i), ld(B, bdt, i));
}

// Index i of a result of shape s (8 dimensions, leading ones 1) decomposed into the offsets of two operands
// with strides sa, sb (0 along broadcast dimensions).
#define UNRAVEL2(c) { long d = rem % s.c; rem /= s.c; ia += d * sa.c; ib += d * sb.c; }

__kernel void binary_broadcast(const __global void* A, int adt, const __global void* B, int bdt, __global float* Y,
                               long n, int op, int8 s, int8 sa, int8 sb) {
    const long i = get_global_id(0);
    if (i >= n) return;
    long rem = i, ia = 0, ib = 0;
    UNRAVEL2(s7) UNRAVEL2(s6) UNRAVEL2(s5) UNRAVEL2(s4) UNRAVEL2(s3) UNRAVEL2(s2) UNRAVEL2(s1) UNRAVEL2(s0)
    Y[i] = apply_binary(op, ld(A, adt, ia), ld(B, bdt, ib));
}

// ---- copies (keep the storage type; es = element size in bytes, 2 or 4) --------------------------

#define UNRAVEL1(c) { long d = rem % s.c; rem /= s.c; off += d * st.c; }

// Y[i] = X[base + offset of index i in a view of shape s with strides st]: permute and narrow.
__kernel void gather(const __global void* X, __global void* Y, int es, long n, long base, int8 s, int8 st) {
    const long i = get_global_id(0);
    if (i >= n) return;
    long rem = i, off = base;
    UNRAVEL1(s7) UNRAVEL1(s6) UNRAVEL1(s5) UNRAVEL1(s4) UNRAVEL1(s3) UNRAVEL1(s2) UNRAVEL1(s1) UNRAVEL1(s0)
    if (es == 4) ((__global uint*) Y)[i] = ((const __global uint*) X)[off];
    else ((__global ushort*) Y)[i] = ((const __global ushort*) X)[off];
}

// Y[base + offset of index i in a view of shape s with strides st] = X[i]: a part of a concatenation.
__kernel void scatter(const __global void* X, __global void* Y, int es, long n, long base, int8 s, int8 st) {
    const long i = get_global_id(0);
    if (i >= n) return;
    long rem = i, off = base;
    UNRAVEL1(s7) UNRAVEL1(s6) UNRAVEL1(s5) UNRAVEL1(s4) UNRAVEL1(s3) UNRAVEL1(s2) UNRAVEL1(s1) UNRAVEL1(s0)
    if (es == 4) ((__global uint*) Y)[off] = ((const __global uint*) X)[i];
    else ((__global ushort*) Y)[off] = ((const __global ushort*) X)[i];
}

__kernel void convert(const __global void* X, int xdt, __global void* Y, int ydt, long n) {
    const long i = get_global_id(0);
    if (i < n) put(Y, ydt, i, ld(X, xdt, i));
}

// ---- resampling, padding, lookup ------------------------------------------------------------------

// PyTorch's nearest interpolation to a size: source index min(floor(dst * (float) in / out), in - 1).
__kernel void upsample_nearest(const __global void* X, int xdt, __global float* Y, long n,
                               int H, int W, int OH, int OW, float sh, float sw) {
    const long i = get_global_id(0);
    if (i >= n) return;
    const int ox = i % OW;
    const long t = i / OW;
    const int oy = t % OH;
    const long plane = t / OH;
    const int iy = min((int) floor((float) oy * sh), H - 1);
    const int ix = min((int) floor((float) ox * sw), W - 1);
    Y[i] = ld(X, xdt, (plane * H + iy) * W + ix);
}

// Zero padding of the last two dimensions: [..., H, W] -> [..., OH, OW] with the input at (top, left).
__kernel void pad2d(const __global void* X, int xdt, __global float* Y, long n,
                    int H, int W, int OH, int OW, int top, int left) {
    const long i = get_global_id(0);
    if (i >= n) return;
    const int ox = i % OW;
    const long t = i / OW;
    const int oy = t % OH;
    const long plane = t / OH;
    const int iy = oy - top, ix = ox - left;
    Y[i] = (iy >= 0 && iy < H && ix >= 0 && ix < W) ? ld(X, xdt, (plane * H + iy) * W + ix) : 0.0f;
}

// Rows ids[r] of a [V, D] table.
__kernel void embedding(const __global void* Wt, int wdt, const __global int* ids, __global float* Y, long n, int D) {
    const long i = get_global_id(0);
    if (i >= n) return;
    const long r = i / D;
    Y[i] = ld(Wt, wdt, (long) ids[r] * D + (i - r * D));
}

// ---- convolution gather table ---------------------------------------------------------------------

// For the register-blocked convolution (sgemm.cl, KIND 2): entry k of the im2col row index, k = (c, ky, kx)
// over a group's input channels, as the offset of its input element from the output pixel's origin,
// c * H * W + dy * W + dx, and the row and column shifts dy = ky * dh - ph, dx = kx * dw - pw that the
// bounds check needs. Entries past K (up to a whole K step) read nothing: their dy fails every check.
__kernel void conv_table(__global int4* table, int K, int Kpad, int KH, int KW, int H, int W,
                         int ph, int pw, int dh, int dw) {
    const int k = get_global_id(0);
    if (k >= Kpad) return;
    if (k >= K) {
        table[k] = (int4) (0, -(1 << 24), 0, 0);
        return;
    }
    const int kk = KH * KW;
    const int c = k / kk, r = k - c * kk;
    const int ky = r / KW, kx = r - ky * KW;
    const int dy = ky * dh - ph, dx = kx * dw - pw;
    table[k] = (int4) (c * H * W + dy * W + dx, dy, dx, 0);
}

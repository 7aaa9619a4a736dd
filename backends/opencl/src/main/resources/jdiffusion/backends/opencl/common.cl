// Shared by every jdiffusion OpenCL program: storage types and the loads/stores that convert them.
//
// Tensors are contiguous, row-major. Inputs may be stored as float32, float16 or bfloat16 (dtype codes
// below) and are read through ld(); vload_half/vstore_half need no cl_khr_fp16, so half storage works on
// every device.

#define DT_F32 0
#define DT_F16 1
#define DT_BF16 2

inline float ld(const __global void* p, int dt, long i) {
    if (dt == DT_F32) return ((const __global float*) p)[i];
    if (dt == DT_F16) return vload_half(i, (const __global half*) p);
    return as_float(((uint) ((const __global ushort*) p)[i]) << 16);
}

// float32 -> bfloat16, round to nearest even; NaN stays a quiet NaN.
inline ushort to_bf16(float f) {
    uint x = as_uint(f);
    if (isnan(f)) return (ushort) ((x >> 16) | 0x40);
    return (ushort) ((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

inline void put(__global void* p, int dt, long i, float v) {
    if (dt == DT_F32) ((__global float*) p)[i] = v;
    else if (dt == DT_F16) vstore_half_rte(v, i, (__global half*) p);
    else ((__global ushort*) p)[i] = to_bf16(v);
}

// SPDX-License-Identifier: GPL-2.0-or-later
// The device header for ordinary CUDA sources (kernels/include/
// cuda_runtime.h), end to end: compiled the way scripts/gv-build.sh
// compiles a user's kernels (the header included by the command line, not
// by this file), translated and run on the engine by test_cuda_runtime_h.c
// against CPU references.  Layouts shared with the test:
// test_cuda_runtime_h.c (HDR_*).
#define HDR_INT_WORDS 24

__constant__ int table[8] = { 3, -1, 4, -1, 5, -9, 2, -6 };
__device__ int blocksDone;

// Integer helpers, bit casts, built-in variables as uint3/dim3, vector
// types, shuffles with a width and of 64-bit types, __ldg.
extern "C" __global__ void hdr_ints(unsigned *out, const unsigned *in,
                                    unsigned long long *out64)
{
    uint3 t = threadIdx;
    dim3 b = blockDim;
    dim3 g(7, 5);
    unsigned gid = blockIdx.x * b.x + t.x;
    unsigned lane = t.x % warpSize;
    unsigned v = __ldg(&in[gid]);
    unsigned *o = out + gid * HDR_INT_WORDS;
    int4 i4 = make_int4(1, 2, 3, 4);
    float2 f2 = make_float2(0.5f, 0.25f);
    double d = (double)v;
    unsigned long long w = (unsigned long long)v << 32 | gid;

    o[0] = __umulhi(v, 0x9e3779b9u);
    o[1] = (unsigned)__mulhi((int)v, -12345);
    o[2] = (unsigned)__mul24((int)v, (int)(v >> 7));
    o[3] = __umul24(v, v >> 3);
    o[4] = (unsigned)__ffs((int)v);
    o[5] = (unsigned)__popcll(w ^ ~0ull << 40);
    o[6] = (unsigned)__clzll((long long)v);
    o[7] = (unsigned)(__brevll(w) >> 16);
    o[8] = (unsigned)min((int)v, (int)(v * 3));
    o[9] = max(v, v * 3);
    o[10] = umin(v, ~v);
    o[11] = (unsigned)abs((int)v);
    o[12] = (unsigned)llabs((long long)(int)v * 5);
    o[13] = (unsigned)__float_as_int(__int_as_float((int)v)) ^
            __double_as_longlong(__longlong_as_double((long long)v));
    o[14] = __shfl_sync(0xffffffffu, v, (lane + 3) & 7, 8);
    o[15] = __shfl_up_sync(0xffffffffu, v, 1, 16);
    o[16] = __shfl_down_sync(0xffffffffu, v, 2, 16);
    o[17] = __shfl_xor_sync(0xffffffffu, v, 3, 8);
    o[18] = t.x + 1000 * b.x + 100000 * g.y + 1000000 * warpSize;
    o[19] = (sizeof(float4) == 16 && __alignof__(float4) == 16 &&
             __alignof__(double2) == 16 && sizeof(int3) == 12 &&
             __alignof__(char2) == 2 && sizeof(ulonglong2) == 16 &&
             __alignof__(ushort4) == 8) +
            2 * (i4.x + i4.y + i4.z + i4.w == 10 && f2.x + f2.y == 0.75f);
    o[20] = __float_as_uint(__shfl_up_sync(0xffffffffu, (float)v, 4));
    o[21] = (unsigned)__shfl_xor_sync(0xffffffffu, (int)v, 16);
    o[22] = (unsigned)(__shfl_sync(0xffffffffu, (long long)w, 31 - lane) >> 8);
    o[23] = __lanemask_lt();
    out64[gid * 2] = __shfl_down_sync(0xffffffffu, w, 1);
    out64[gid * 2 + 1] = __double_as_longlong(
        __shfl_xor_sync(0xffffffffu, d, 5));
}

// Every atomic the header adds, on 32- and 64-bit words; the host knows
// each final value.
extern "C" __global__ void hdr_atomics(unsigned *u, int *i,
                                       unsigned long long *ull,
                                       long long *ll, float *f)
{
    unsigned gid = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned long long old;

    atomicSub(&i[0], (int)gid);
    atomicSub(&u[0], 2u);
    atomicExch(&u[1], gid);
    atomicExch(&f[0], (float)gid);
    atomicExch(&ull[0], (unsigned long long)gid << 40);
    do {
        old = ull[1];
    } while (atomicCAS(&ull[1], old, old + 3) != old);
    atomicMax(&u[2], gid * 7919u);
    atomicMin(&u[3], gid + 100u);
    atomicMax(&ll[0], -(long long)gid << 33);
    atomicMin(&ll[1], -(long long)gid << 33);
    atomicMax(&ull[2], (unsigned long long)gid << 35);
    atomicMin(&ull[3], ((unsigned long long)gid + 9) << 35);
    atomicAnd(&i[1], ~(1 << (gid % 31)));
    atomicOr(&i[2], 1 << (gid % 29));
    atomicXor(&i[3], (int)(gid * 2654435761u));
    atomicInc(&u[4], 99u);
    atomicDec(&u[5], 99u);
    __syncthreads();
    if (threadIdx.x == 0)
        atomicAdd(&blocksDone, 1);
}

// Math: out[k * n + e] is function k of x[e] (HDR_MATH_FUNCS of them, in
// the order of the test's table).
extern "C" __global__ void hdr_math(float *out, const float *x,
                                    double *dout, const double *dx, int n)
{
    int e = blockIdx.x * blockDim.x + threadIdx.x;
    float s, c;
    int k = 0;

    if (e >= n)
        return;
    float v = x[e], a = fabsf(v) + 0.5f;
    double dv = dx[e];

#define OUT(expr) out[k++ * n + e] = (expr)
    OUT(floorf(v));
    OUT(ceilf(v));
    OUT(truncf(v));
    OUT(rintf(v));
    OUT(nearbyintf(v));
    OUT(roundf(v));
    OUT(fmaf(v, 1.5f, -0.25f));
    OUT(copysignf(1.25f, v));
    OUT(fdimf(v, 0.5f));
    OUT(__saturatef(v));
    OUT(__fadd_rn(v, 0.1f));
    OUT(__fmul_rn(v, 0.1f));
    OUT(__fdiv_rn(v, 3.0f));
    OUT(__frcp_rn(a));
    OUT(__fsqrt_rn(a));
    OUT(__fmaf_rn(v, v, 0.5f));
    OUT((float)__float2int_rn(v));
    OUT((float)__float2int_rz(v));
    OUT((float)__float2int_rd(v));
    OUT((float)__float2int_ru(v));
    OUT(__int2float_rn((int)(v * 1000.0f)));
    OUT(__uint2float_rn((unsigned)a * 1000u));
    OUT((float)(isnan(v) + 2 * isinf(v) + 4 * isfinite(v) + 8 * signbit(v)));
    OUT(min(v, 0.25f));
    OUT(max(v, 0.25f));
    // approximate
    OUT(exp2f(v));
    OUT(log2f(a));
    OUT(exp10f(v * 0.5f));
    OUT(log10f(a));
    OUT(expf(v));
    OUT(logf(a));
    OUT(expm1f(v));
    OUT(log1pf(a));
    OUT(powf(a, v));
    OUT(powf(-a, 3.0f));
    OUT(powf(-a, 2.0f));
    OUT(sinf(v));
    OUT(cosf(v));
    OUT(tanf(v * 0.25f));
    sincosf(v, &s, &c);
    OUT(s + 2.0f * c);
    OUT(tanhf(v));
    OUT(sinhf(v));
    OUT(coshf(v));
    OUT(cbrtf(v));
    OUT(hypotf(v, 2.0f));
    OUT(__expf(v) + __logf(a) + __powf(a, 0.5f));
#undef OUT
    k = 0;
    dout[k++ * n + e] = floor(dv);
    dout[k++ * n + e] = ceil(dv);
    dout[k++ * n + e] = trunc(dv);
    dout[k++ * n + e] = rint(dv);
    dout[k++ * n + e] = round(dv);
    dout[k++ * n + e] = fabs(dv);
    dout[k++ * n + e] = copysign(2.0, dv);
    dout[k++ * n + e] = fmin(dv, 0.5) + fmax(dv, -0.5);
    dout[k++ * n + e] = min(dv, 1.5) + max(dv, 1.0);
    dout[k++ * n + e] = sqrt(fabs(dv)) + fma(dv, dv, 1.0);
}

// A template over the element type, its block's elements reversed
// through dynamic shared memory, plus a __constant__ table.
template <typename T>
__device__ void reverseAdd(T *p)
{
    extern __shared__ unsigned char smem[];
    T *buf = reinterpret_cast<T *>(smem);
    unsigned t = threadIdx.x, base = blockIdx.x * blockDim.x;

    buf[t] = p[base + t];
    __syncthreads();
    p[base + t] = buf[blockDim.x - 1 - t] + (T)table[t % 8];
}

extern "C" __global__ void hdr_template_f(float *p)
{
    reverseAdd<float>(p);
}

extern "C" __global__ void hdr_template_d(double *p)
{
    reverseAdd<double>(p);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device side of CUDA for ordinary kernel sources, compiled to PTX by
 * Debian's clang with no NVIDIA SDK (scripts/gv-build.sh passes it with
 * -include, so a .cu needs no #include; `#include <cuda_runtime.h>`
 * finds this file too):
 *
 *   clang --cuda-device-only -S -nocudainc -nocudalib
 *         --cuda-path=/nonexistent --cuda-gpu-arch=sm_70
 *         -Xclang -target-feature -Xclang +ptx70 -O2
 *         -I kernels/include -include cuda_runtime.h k.cu -o k.ptx
 *
 * On top of kernels/gv_cuda.h (qualifiers, built-in variables, barriers,
 * atomics, shuffles, votes and the first math functions) it adds what
 * NVIDIA's headers give device code: __host__, __launch_bounds__, the
 * vector types (uint3, dim3, float4, ...) and make_*, the conversions of
 * threadIdx & co. to uint3 and dim3, warpSize, min/max, more atomics,
 * shuffles and votes, __ldg, clock(), and the math library (gv_math.h:
 * libdevice's __nv_* functions, float and double, within CUDA's ulp
 * bounds).  What is missing: docs/your-program.md, docs/math.md.
 *
 * Only device code: the host side of a program is plain C or C++ against
 * cuda.h (the driver API), not compiled by this header.
 */
#ifndef GV_CUDA_RUNTIME_H
#define GV_CUDA_RUNTIME_H

#if !defined(__CUDA__) || !defined(__CUDA_ARCH__)
#error "cuda_runtime.h (graviton): device code only (clang --cuda-device-only)"
#endif

#include <stddef.h>      /* size_t, NULL: NVIDIA's header brings them */
#include <stdint.h>

#define GV_FULL_MATH 1
#include "../gv_cuda.h"
#include "gv_math.h"

#define __host__ __attribute__((host))
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...) __attribute__((launch_bounds(__VA_ARGS__)))
#define __grid_constant__
#define CUDART_VERSION 12000

/* ---- vector types, laid out and aligned as NVIDIA's vector_types.h ---- */
#define GV_VEC1(t, n, a)                                                \
    struct __attribute__((aligned(a))) n##1 { t x; };                   \
    typedef struct n##1 n##1;                                           \
    static __device__ __host__ __forceinline__ n##1 make_##n##1(t x)    \
    {                                                                   \
        n##1 v = { x };                                                 \
        return v;                                                       \
    }
#define GV_VEC2(t, n, a)                                                \
    struct __attribute__((aligned(a))) n##2 { t x, y; };                \
    typedef struct n##2 n##2;                                           \
    static __device__ __host__ __forceinline__ n##2 make_##n##2(t x, t y) \
    {                                                                   \
        n##2 v = { x, y };                                              \
        return v;                                                       \
    }
#define GV_VEC3(t, n)                                                   \
    struct n##3 { t x, y, z; };                                         \
    typedef struct n##3 n##3;                                           \
    static __device__ __host__ __forceinline__ n##3 make_##n##3(t x, t y, \
                                                                t z)    \
    {                                                                   \
        n##3 v = { x, y, z };                                           \
        return v;                                                       \
    }
#define GV_VEC4(t, n, a)                                                \
    struct __attribute__((aligned(a))) n##4 { t x, y, z, w; };          \
    typedef struct n##4 n##4;                                           \
    static __device__ __host__ __forceinline__ n##4 make_##n##4(t x, t y, \
                                                                t z, t w) \
    {                                                                   \
        n##4 v = { x, y, z, w };                                        \
        return v;                                                       \
    }
#define GV_VEC(t, n, a1, a2, a4)                                        \
    GV_VEC1(t, n, a1) GV_VEC2(t, n, a2) GV_VEC3(t, n) GV_VEC4(t, n, a4)

GV_VEC(signed char, char, 1, 2, 4)
GV_VEC(unsigned char, uchar, 1, 2, 4)
GV_VEC(short, short, 2, 4, 8)
GV_VEC(unsigned short, ushort, 2, 4, 8)
GV_VEC(int, int, 4, 8, 16)
GV_VEC(unsigned int, uint, 4, 8, 16)
GV_VEC(long, long, 8, 16, 16)
GV_VEC(unsigned long, ulong, 8, 16, 16)
GV_VEC(long long, longlong, 8, 16, 16)
GV_VEC(unsigned long long, ulonglong, 8, 16, 16)
GV_VEC(float, float, 4, 8, 16)
GV_VEC(double, double, 8, 16, 16)
#undef GV_VEC
#undef GV_VEC1
#undef GV_VEC2
#undef GV_VEC3
#undef GV_VEC4

struct dim3 {
    unsigned int x, y, z;
    __device__ __host__ constexpr dim3(unsigned int vx = 1,
                                       unsigned int vy = 1,
                                       unsigned int vz = 1)
        : x(vx), y(vy), z(vz) {}
    __device__ __host__ constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
    __device__ __host__ constexpr operator uint3() const
    {
        return uint3{ x, y, z };
    }
};
typedef struct dim3 dim3;

/* the built-in variables as uint3 / dim3 (clang declares the operators) */
#define GV_BUILTIN_CONV(T)                                              \
    __device__ inline T::operator dim3() const { return dim3(x, y, z); } \
    __device__ inline T::operator uint3() const { return uint3{ x, y, z }; }
GV_BUILTIN_CONV(__cuda_builtin_threadIdx_t)
GV_BUILTIN_CONV(__cuda_builtin_blockIdx_t)
GV_BUILTIN_CONV(__cuda_builtin_blockDim_t)
GV_BUILTIN_CONV(__cuda_builtin_gridDim_t)
#undef GV_BUILTIN_CONV

/* ---- integer helpers ---- */
#define GV_MINMAX(t)                                                    \
    static __device__ __forceinline__ t min(t a, t b)                   \
    {                                                                   \
        return a < b ? a : b;                                           \
    }                                                                   \
    static __device__ __forceinline__ t max(t a, t b)                   \
    {                                                                   \
        return a > b ? a : b;                                           \
    }
GV_MINMAX(int)
GV_MINMAX(unsigned int)
GV_MINMAX(long)
GV_MINMAX(unsigned long)
GV_MINMAX(long long)
GV_MINMAX(unsigned long long)
#undef GV_MINMAX
static __device__ __forceinline__ float min(float a, float b)
{
    return fminf(a, b);
}
static __device__ __forceinline__ float max(float a, float b)
{
    return fmaxf(a, b);
}
static __device__ __forceinline__ double min(double a, double b)
{
    return __nvvm_fmin_d(a, b);
}
static __device__ __forceinline__ double max(double a, double b)
{
    return __nvvm_fmax_d(a, b);
}
static __device__ __forceinline__ unsigned umin(unsigned a, unsigned b)
{
    return a < b ? a : b;
}
static __device__ __forceinline__ unsigned umax(unsigned a, unsigned b)
{
    return a > b ? a : b;
}

static __device__ __forceinline__ int __mulhi(int a, int b)
{
    return __nvvm_mulhi_i(a, b);
}
static __device__ __forceinline__ unsigned __umulhi(unsigned a, unsigned b)
{
    return __nvvm_mulhi_ui(a, b);
}
static __device__ __forceinline__ long long __mul64hi(long long a,
                                                      long long b)
{
    return __nvvm_mulhi_ll(a, b);
}
static __device__ __forceinline__ unsigned long long
__umul64hi(unsigned long long a, unsigned long long b)
{
    return __nvvm_mulhi_ull(a, b);
}
/* mul24 is not in the device's instruction set: the same result from a
 * full multiply of the sign- or zero-extended low 24 bits */
static __device__ __forceinline__ int __mul24(int a, int b)
{
    return ((a << 8) >> 8) * ((b << 8) >> 8);
}
static __device__ __forceinline__ unsigned __umul24(unsigned a, unsigned b)
{
    return (a & 0xffffffu) * (b & 0xffffffu);
}
static __device__ __forceinline__ int __popcll(unsigned long long v)
{
    return __builtin_popcountll(v);
}
static __device__ __forceinline__ int __clzll(long long v)
{
    int r;

    asm("clz.b64 %0, %1;" : "=r"(r) : "l"(v));
    return r;
}
static __device__ __forceinline__ unsigned long long
__brevll(unsigned long long v)
{
    unsigned long long r;

    asm("brev.b64 %0, %1;" : "=l"(r) : "l"(v));
    return r;
}
/* position of the least significant set bit, from 1; 0 for 0 */
static __device__ __forceinline__ int __ffs(int v)
{
    return v ? __clz(__brev((unsigned)v)) + 1 : 0;
}
static __device__ __forceinline__ int __ffsll(long long v)
{
    return v ? __clzll((long long)__brevll((unsigned long long)v)) + 1 : 0;
}
static __device__ __forceinline__ int abs(int v)
{
    return v < 0 ? -v : v;
}
static __device__ __forceinline__ long long llabs(long long v)
{
    return v < 0 ? -v : v;
}

/* ---- bit casts ---- */
static __device__ __forceinline__ int __float_as_int(float f)
{
    return __builtin_bit_cast(int, f);
}
static __device__ __forceinline__ float __int_as_float(int v)
{
    return __builtin_bit_cast(float, v);
}
static __device__ __forceinline__ float __uint_as_float(unsigned v)
{
    return __builtin_bit_cast(float, v);
}
static __device__ __forceinline__ long long __double_as_longlong(double d)
{
    return __builtin_bit_cast(long long, d);
}
static __device__ __forceinline__ double __longlong_as_double(long long v)
{
    return __builtin_bit_cast(double, v);
}

/* ---- synchronisation, memory, time ---- */
static __device__ __forceinline__ void __syncwarp(unsigned mask = GV_FULL_MASK)
{
    __nvvm_bar_warp_sync(mask);
}
static __device__ __forceinline__ void __threadfence_block(void)
{
    __nvvm_membar_cta();
}
static __device__ __forceinline__ void __threadfence_system(void)
{
    __nvvm_membar_sys();
}
static __device__ __forceinline__ long long clock64(void)
{
    return (long long)__nvvm_read_ptx_sreg_clock64();
}
static __device__ __forceinline__ int clock(void)
{
    return __nvvm_read_ptx_sreg_clock();
}
/* read-only loads through the non-coherent path (ld.global.nc) */
#define GV_LDG(t, b)                                                    \
    static __device__ __forceinline__ t __ldg(const t *p)               \
    {                                                                   \
        return (t)b(p);                                                 \
    }
GV_LDG(int, __nvvm_ldg_i)
GV_LDG(unsigned int, __nvvm_ldg_ui)
GV_LDG(long long, __nvvm_ldg_ll)
GV_LDG(unsigned long long, __nvvm_ldg_ull)
GV_LDG(float, __nvvm_ldg_f)
GV_LDG(double, __nvvm_ldg_d)
#undef GV_LDG

/* ---- more atomics ---- */
static __device__ __forceinline__ int atomicSub(int *p, int v)
{
    return atomicAdd(p, -v);
}
static __device__ __forceinline__ unsigned atomicSub(unsigned *p, unsigned v)
{
    return atomicAdd(p, 0u - v);
}
static __device__ __forceinline__ unsigned atomicExch(unsigned *p,
                                                      unsigned v)
{
    return (unsigned)atomicExch((int *)p, (int)v);
}
static __device__ __forceinline__ float atomicExch(float *p, float v)
{
    return __int_as_float(atomicExch((int *)p, __float_as_int(v)));
}
static __device__ __forceinline__ unsigned long long
atomicExch(unsigned long long *p, unsigned long long v)
{
    return (unsigned long long)__nvvm_atom_xchg_gen_ll((long long *)p,
                                                       (long long)v);
}
static __device__ __forceinline__ unsigned long long
atomicCAS(unsigned long long *p, unsigned long long cmp,
          unsigned long long v)
{
    return (unsigned long long)__nvvm_atom_cas_gen_ll(
        (long long *)p, (long long)cmp, (long long)v);
}
static __device__ __forceinline__ unsigned atomicMax(unsigned *p, unsigned v)
{
    return __nvvm_atom_max_gen_ui(p, v);
}
static __device__ __forceinline__ unsigned atomicMin(unsigned *p, unsigned v)
{
    return __nvvm_atom_min_gen_ui(p, v);
}
static __device__ __forceinline__ long long atomicMax(long long *p,
                                                      long long v)
{
    return __nvvm_atom_max_gen_ll(p, v);
}
static __device__ __forceinline__ long long atomicMin(long long *p,
                                                      long long v)
{
    return __nvvm_atom_min_gen_ll(p, v);
}
static __device__ __forceinline__ unsigned long long
atomicMax(unsigned long long *p, unsigned long long v)
{
    return __nvvm_atom_max_gen_ull(p, v);
}
static __device__ __forceinline__ unsigned long long
atomicMin(unsigned long long *p, unsigned long long v)
{
    return __nvvm_atom_min_gen_ull(p, v);
}
static __device__ __forceinline__ int atomicAnd(int *p, int v)
{
    return __nvvm_atom_and_gen_i(p, v);
}
static __device__ __forceinline__ int atomicOr(int *p, int v)
{
    return __nvvm_atom_or_gen_i(p, v);
}
static __device__ __forceinline__ int atomicXor(int *p, int v)
{
    return __nvvm_atom_xor_gen_i(p, v);
}
/* ((old >= limit) ? 0 : old + 1) and ((old == 0 || old > limit) ? limit :
 * old - 1), as atom.inc / atom.dec */
static __device__ __forceinline__ unsigned atomicInc(unsigned *p,
                                                     unsigned limit)
{
    return __nvvm_atom_inc_gen_ui(p, limit);
}
static __device__ __forceinline__ unsigned atomicDec(unsigned *p,
                                                     unsigned limit)
{
    return __nvvm_atom_dec_gen_ui(p, limit);
}

/* ---- more shuffles: a width, and every 32- and 64-bit type ----
 * With a width the lanes form groups of that size, as NVIDIA defines it
 * (c = ((32 - w) << 8) | 0x1f for idx/down/bfly, (32 - w) << 8 for up). */
static __device__ __forceinline__ int __shfl_sync(unsigned mask, int v,
                                                  int lane, int w)
{
    return __nvvm_shfl_sync_idx_i32(mask, v, lane, ((32 - w) << 8) | 0x1f);
}
static __device__ __forceinline__ int __shfl_up_sync(unsigned mask, int v,
                                                     int d, int w)
{
    return __nvvm_shfl_sync_up_i32(mask, v, d, (32 - w) << 8);
}
static __device__ __forceinline__ int __shfl_down_sync(unsigned mask, int v,
                                                       int d, int w)
{
    return __nvvm_shfl_sync_down_i32(mask, v, d, ((32 - w) << 8) | 0x1f);
}
static __device__ __forceinline__ int __shfl_xor_sync(unsigned mask, int v,
                                                      int m, int w)
{
    return __nvvm_shfl_sync_bfly_i32(mask, v, m, ((32 - w) << 8) | 0x1f);
}
#define GV_SHFL_T(name, t, to, from)                                    \
    static __device__ __forceinline__ t name(unsigned mask, t v, int d,  \
                                             int w = 32)                \
    {                                                                   \
        return from(name(mask, to(v), d, w));                           \
    }
#define GV_SHFL_64(name, t)                                             \
    static __device__ __forceinline__ t name(unsigned mask, t v, int d,  \
                                             int w = 32)                \
    {                                                                   \
        unsigned long long b = __builtin_bit_cast(unsigned long long, v); \
        int lo = name(mask, (int)(unsigned)b, d, w);                    \
        int hi = name(mask, (int)(unsigned)(b >> 32), d, w);            \
                                                                        \
        return __builtin_bit_cast(t, (unsigned long long)(unsigned)hi << 32 | \
                                     (unsigned)lo);                     \
    }
#define GV_SHFL_ALL(name)                                               \
    GV_SHFL_T(name, unsigned, (int), (unsigned))                        \
    GV_SHFL_64(name, long)                                              \
    GV_SHFL_64(name, unsigned long)                                     \
    GV_SHFL_64(name, long long)                                         \
    GV_SHFL_64(name, unsigned long long)                                \
    GV_SHFL_64(name, double)
GV_SHFL_ALL(__shfl_sync)
GV_SHFL_ALL(__shfl_up_sync)
GV_SHFL_ALL(__shfl_down_sync)
GV_SHFL_ALL(__shfl_xor_sync)
GV_SHFL_T(__shfl_sync, float, __float_as_int, __int_as_float)
GV_SHFL_T(__shfl_up_sync, float, __float_as_int, __int_as_float)
GV_SHFL_T(__shfl_xor_sync, float, __float_as_int, __int_as_float)
/* (__shfl_down_sync of a float without a width: gv_cuda.h) */
static __device__ __forceinline__ float __shfl_down_sync(unsigned mask,
                                                         float v, int d,
                                                         int w)
{
    return __int_as_float(__shfl_down_sync(mask, __float_as_int(v), d, w));
}
#undef GV_SHFL_ALL
#undef GV_SHFL_64
#undef GV_SHFL_T
static __device__ __forceinline__ unsigned __lanemask_lt(void)
{
    return __nvvm_read_ptx_sreg_lanemask_lt();
}

/* ---- math ----
 * exact (correctly rounded): sqrtf, fabsf, fminf, fmaxf, fmaf, floorf,
 * ceilf, truncf, rintf, roundf, copysignf, the division operator;
 * full accuracy (gv_math.h, within CUDA's ulp bounds: docs/math.md): the
 * exponentials, logarithms, powers, trigonometric and hyperbolic
 * functions in float and double; the __expf-style intrinsics on the
 * device's .approx instructions. */
static __device__ __forceinline__ float fmaf(float a, float b, float c)
{
    return __builtin_fmaf(a, b, c);
}
static __device__ __forceinline__ float floorf(float x)
{
    return __builtin_floorf(x);
}
static __device__ __forceinline__ float ceilf(float x)
{
    return __builtin_ceilf(x);
}
static __device__ __forceinline__ float truncf(float x)
{
    return __builtin_truncf(x);
}
static __device__ __forceinline__ float rintf(float x)
{
    return __builtin_rintf(x);
}
static __device__ __forceinline__ float nearbyintf(float x)
{
    return __builtin_rintf(x);
}
/* half-way cases away from zero */
static __device__ __forceinline__ float roundf(float x)
{
    float t = __builtin_truncf(x);

    return fabsf(x - t) >= 0.5f ? t + __builtin_copysignf(1.0f, x) : t;
}
static __device__ __forceinline__ float copysignf(float x, float y)
{
    return __builtin_copysignf(x, y);
}
static __device__ __forceinline__ float fdimf(float x, float y)
{
    return x <= y ? 0.0f : x - y;       /* NaN in, NaN out */
}
/* the full-accuracy library (gv_math.h, docs/math.md) under the
 * standard names */
#define GV_STD1(t, name, nv)                                            \
    static __device__ __forceinline__ t name(t x) { return nv(x); }
#define GV_STD2(t, name, nv)                                            \
    static __device__ __forceinline__ t name(t x, t y) { return nv(x, y); }
GV_STD1(float, expf, __nv_expf)
GV_STD1(float, exp2f, __nv_exp2f)
GV_STD1(float, exp10f, __nv_exp10f)
GV_STD1(float, expm1f, __nv_expm1f)
GV_STD1(float, logf, __nv_logf)
GV_STD1(float, log2f, __nv_log2f)
GV_STD1(float, log10f, __nv_log10f)
GV_STD1(float, log1pf, __nv_log1pf)
GV_STD1(float, sinf, __nv_sinf)
GV_STD1(float, cosf, __nv_cosf)
GV_STD1(float, tanf, __nv_tanf)
GV_STD1(float, sinhf, __nv_sinhf)
GV_STD1(float, coshf, __nv_coshf)
GV_STD1(float, tanhf, __nv_tanhf)
GV_STD1(float, atanf, __nv_atanf)
GV_STD1(float, asinf, __nv_asinf)
GV_STD1(float, acosf, __nv_acosf)
GV_STD1(float, erff, __nv_erff)
GV_STD1(float, erfcf, __nv_erfcf)
GV_STD1(float, asinhf, __nv_asinhf)
GV_STD1(float, acoshf, __nv_acoshf)
GV_STD1(float, atanhf, __nv_atanhf)
GV_STD1(float, sinpif, __nv_sinpif)
GV_STD1(float, cospif, __nv_cospif)
GV_STD1(float, cbrtf, __nv_cbrtf)
GV_STD1(float, rcbrtf, __nv_rcbrtf)
GV_STD2(float, powf, __nv_powf)
GV_STD2(float, atan2f, __nv_atan2f)
GV_STD2(float, hypotf, __nv_hypotf)
GV_STD1(double, exp, __nv_exp)
GV_STD1(double, exp2, __nv_exp2)
GV_STD1(double, exp10, __nv_exp10)
GV_STD1(double, expm1, __nv_expm1)
GV_STD1(double, log, __nv_log)
GV_STD1(double, log2, __nv_log2)
GV_STD1(double, log10, __nv_log10)
GV_STD1(double, log1p, __nv_log1p)
GV_STD1(double, sin, __nv_sin)
GV_STD1(double, cos, __nv_cos)
GV_STD1(double, tan, __nv_tan)
GV_STD1(double, sinh, __nv_sinh)
GV_STD1(double, cosh, __nv_cosh)
GV_STD1(double, tanh, __nv_tanh)
GV_STD1(double, atan, __nv_atan)
GV_STD1(double, asin, __nv_asin)
GV_STD1(double, acos, __nv_acos)
GV_STD1(double, cbrt, __nv_cbrt)
GV_STD1(double, erf, __nv_erf)
GV_STD1(double, erfc, __nv_erfc)
GV_STD1(double, asinh, __nv_asinh)
GV_STD1(double, acosh, __nv_acosh)
GV_STD1(double, atanh, __nv_atanh)
GV_STD1(double, sinpi, __nv_sinpi)
GV_STD1(double, cospi, __nv_cospi)
GV_STD2(double, pow, __nv_pow)
GV_STD2(double, atan2, __nv_atan2)
GV_STD2(double, hypot, __nv_hypot)
#undef GV_STD1
#undef GV_STD2
static __device__ __forceinline__ void sincosf(float x, float *s, float *c)
{
    __nv_sincosf(x, s, c);
}
static __device__ __forceinline__ void sincos(double x, double *s,
                                              double *c)
{
    __nv_sincos(x, s, c);
}
/* the fast intrinsics, as CUDA's: the device's approximate instructions
 * (ex2/lg2/sin/cos.approx, about 2^-22 relative) */
static __device__ __forceinline__ float __expf(float x)
{
    return __nvvm_ex2_approx_f(x * 1.4426950408889634f);
}
static __device__ __forceinline__ float __exp10f(float x)
{
    return __nvvm_ex2_approx_f(x * 3.3219280948873623f);
}
static __device__ __forceinline__ float __log2f(float x)
{
    return __nvvm_lg2_approx_f(x);
}
static __device__ __forceinline__ float __logf(float x)
{
    return __nvvm_lg2_approx_f(x) * 0.6931471805599453f;
}
static __device__ __forceinline__ float __log10f(float x)
{
    return __nvvm_lg2_approx_f(x) * 0.30102999566398120f;
}
/* 2^(y log2 x), as CUDA's __powf (NaN for x < 0) */
static __device__ __forceinline__ float __powf(float x, float y)
{
    return __nvvm_ex2_approx_f(y * __nvvm_lg2_approx_f(x));
}
static __device__ __forceinline__ float __tanf(float x)
{
    return __nvvm_sin_approx_f(x) / __nvvm_cos_approx_f(x);
}
static __device__ __forceinline__ void __sincosf(float x, float *s, float *c)
{
    *s = __nvvm_sin_approx_f(x);
    *c = __nvvm_cos_approx_f(x);
}
static __device__ __forceinline__ float __saturatef(float x)
{
    return __nvvm_saturate_f(x);
}
static __device__ __forceinline__ float __frcp_rn(float x)
{
    return __nvvm_rcp_rn_f(x);
}
static __device__ __forceinline__ float __fsqrt_rn(float x)
{
    return __nvvm_sqrt_rn_f(x);
}
static __device__ __forceinline__ float __fadd_rn(float a, float b)
{
    return __nvvm_add_rn_f(a, b);
}
static __device__ __forceinline__ float __fmul_rn(float a, float b)
{
    return __nvvm_mul_rn_f(a, b);
}
static __device__ __forceinline__ float __fdiv_rn(float a, float b)
{
    return __nvvm_div_rn_f(a, b);
}
static __device__ __forceinline__ float __fmaf_rn(float a, float b, float c)
{
    return __nvvm_fma_rn_f(a, b, c);
}
static __device__ __forceinline__ int __float2int_rn(float x)
{
    return __nvvm_f2i_rn(x);
}
static __device__ __forceinline__ int __float2int_rz(float x)
{
    return __nvvm_f2i_rz(x);
}
static __device__ __forceinline__ int __float2int_rd(float x)
{
    return __nvvm_f2i_rm(x);
}
static __device__ __forceinline__ int __float2int_ru(float x)
{
    return __nvvm_f2i_rp(x);
}
static __device__ __forceinline__ float __int2float_rn(int v)
{
    return __nvvm_i2f_rn(v);
}
static __device__ __forceinline__ float __uint2float_rn(unsigned v)
{
    return __nvvm_ui2f_rn(v);
}
static __device__ __forceinline__ int isnan(float x)
{
    return x != x;
}
static __device__ __forceinline__ int isinf(float x)
{
    return fabsf(x) == __int_as_float(0x7f800000);
}
static __device__ __forceinline__ int isfinite(float x)
{
    return fabsf(x) < __int_as_float(0x7f800000);
}
static __device__ __forceinline__ int signbit(float x)
{
    return __float_as_int(x) < 0;
}

/* ---- double precision: the exact operations the device has (its only
 * transcendental instructions are single precision) ---- */
static __device__ __forceinline__ double fabs(double x)
{
    return __builtin_fabs(x);
}
static __device__ __forceinline__ double floor(double x)
{
    return __builtin_floor(x);
}
static __device__ __forceinline__ double ceil(double x)
{
    return __builtin_ceil(x);
}
static __device__ __forceinline__ double trunc(double x)
{
    return __builtin_trunc(x);
}
static __device__ __forceinline__ double rint(double x)
{
    return __builtin_rint(x);
}
static __device__ __forceinline__ double round(double x)
{
    double t = __builtin_trunc(x);

    return fabs(x - t) >= 0.5 ? t + __builtin_copysign(1.0, x) : t;
}
static __device__ __forceinline__ double copysign(double x, double y)
{
    return __builtin_copysign(x, y);
}
static __device__ __forceinline__ double fmin(double a, double b)
{
    return __nvvm_fmin_d(a, b);
}
static __device__ __forceinline__ double fmax(double a, double b)
{
    return __nvvm_fmax_d(a, b);
}

#endif /* GV_CUDA_RUNTIME_H */

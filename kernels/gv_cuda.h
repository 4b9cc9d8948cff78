/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CUDA C device-code header for the Graviton emulator's kernels, compiled
 * to PTX by Debian's clang (no NVIDIA SDK):
 *
 *   clang --cuda-device-only -S -nocudainc -nocudalib
 *         --cuda-path=/nonexistent --cuda-gpu-arch=sm_70
 *         -Xclang -target-feature -Xclang +ptx70 -O2 k.cu -o k.ptx
 *
 * Provides the qualifiers, the built-in variables (threadIdx, blockIdx,
 * blockDim, gridDim from clang's own header), barriers, atomics, warp
 * shuffles and the math functions kernels here use.  Math accuracy: the
 * *f functions below map to PTX's approximate instructions (ex2.approx,
 * lg2.approx: about 2 ulp over the ranges used by the test kernels) or to
 * correctly rounded sqrt.rn; docs/kernels.md lists them.
 */
#ifndef GV_CUDA_H
#define GV_CUDA_H

#ifdef __NVCC__
/*
 * NVIDIA's nvcc (tests/ptx/nvcc: the same kernels in nvcc's dialect of
 * PTX, kept as test data) has its own qualifiers, built-in variables,
 * atomics, shuffles and math functions (expf and logf at full accuracy).
 */
#define GV_WARP_SIZE 32
#define GV_FULL_MASK 0xffffffffu
#else
#include "__clang_cuda_builtin_vars.h"

#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
#define __shared__ __attribute__((shared))
#define __constant__ __attribute__((constant))
#define __forceinline__ __inline__ __attribute__((always_inline))

#define GV_WARP_SIZE 32
#define GV_FULL_MASK 0xffffffffu

/* __syncthreads() is a clang builtin (PTX bar.sync 0). */

static __device__ __forceinline__ int atomicAdd(int *p, int v)
{
    return __nvvm_atom_add_gen_i(p, v);
}

static __device__ __forceinline__ unsigned atomicAdd(unsigned *p, unsigned v)
{
    return (unsigned)__nvvm_atom_add_gen_i((int *)p, (int)v);
}

static __device__ __forceinline__ float atomicAdd(float *p, float v)
{
    return __nvvm_atom_add_gen_f(p, v);
}

static __device__ __forceinline__ int __shfl_down_sync(unsigned mask, int v,
                                                       int delta)
{
    return __nvvm_shfl_sync_down_i32(mask, v, delta, 0x1f);
}

static __device__ __forceinline__ float __shfl_down_sync(unsigned mask,
                                                         float v, int delta)
{
    return __nvvm_shfl_sync_down_f32(mask, v, delta, 0x1f);
}

/* exp(x) = 2^(x log2 e); log(x) = log2(x) ln 2 (include/cuda_runtime.h
 * defines GV_FULL_MATH and has the full-accuracy ones instead) */
#ifndef GV_FULL_MATH
static __device__ __forceinline__ float expf(float x)
{
    return __nvvm_ex2_approx_f(x * 1.4426950408889634f);
}

static __device__ __forceinline__ float logf(float x)
{
    return __nvvm_lg2_approx_f(x) * 0.6931471805599453f;
}
#endif

static __device__ __forceinline__ float sqrtf(float x)
{
    return __nvvm_sqrt_rn_f(x);
}

static __device__ __forceinline__ float fabsf(float x)
{
    return __builtin_fabsf(x);
}

/* ---- more atomics ---- */
static __device__ __forceinline__ int atomicCAS(int *p, int cmp, int v)
{
    return __nvvm_atom_cas_gen_i(p, cmp, v);
}

static __device__ __forceinline__ unsigned atomicCAS(unsigned *p,
                                                     unsigned cmp, unsigned v)
{
    return (unsigned)__nvvm_atom_cas_gen_i((int *)p, (int)cmp, (int)v);
}

static __device__ __forceinline__ int atomicExch(int *p, int v)
{
    return __nvvm_atom_xchg_gen_i(p, v);
}

static __device__ __forceinline__ int atomicMax(int *p, int v)
{
    return __nvvm_atom_max_gen_i(p, v);
}

static __device__ __forceinline__ int atomicMin(int *p, int v)
{
    return __nvvm_atom_min_gen_i(p, v);
}

static __device__ __forceinline__ unsigned atomicOr(unsigned *p, unsigned v)
{
    return (unsigned)__nvvm_atom_or_gen_i((int *)p, (int)v);
}

static __device__ __forceinline__ unsigned atomicAnd(unsigned *p, unsigned v)
{
    return (unsigned)__nvvm_atom_and_gen_i((int *)p, (int)v);
}

static __device__ __forceinline__ unsigned atomicXor(unsigned *p, unsigned v)
{
    return (unsigned)__nvvm_atom_xor_gen_i((int *)p, (int)v);
}

static __device__ __forceinline__ unsigned long long
atomicAdd(unsigned long long *p, unsigned long long v)
{
    return (unsigned long long)__nvvm_atom_add_gen_ll((long long *)p,
                                                      (long long)v);
}

static __device__ __forceinline__ double atomicAdd(double *p, double v)
{
    return __nvvm_atom_add_gen_d(p, v);
}

/* ---- warp shuffles and votes ---- */
static __device__ __forceinline__ int __shfl_sync(unsigned mask, int v,
                                                  int lane)
{
    return __nvvm_shfl_sync_idx_i32(mask, v, lane, 0x1f);
}

static __device__ __forceinline__ int __shfl_up_sync(unsigned mask, int v,
                                                     int delta)
{
    return __nvvm_shfl_sync_up_i32(mask, v, delta, 0);
}

static __device__ __forceinline__ int __shfl_xor_sync(unsigned mask, int v,
                                                      int lanemask)
{
    return __nvvm_shfl_sync_bfly_i32(mask, v, lanemask, 0x1f);
}

static __device__ __forceinline__ unsigned __ballot_sync(unsigned mask,
                                                         int pred)
{
    return __nvvm_vote_ballot_sync(mask, pred);
}

static __device__ __forceinline__ int __all_sync(unsigned mask, int pred)
{
    return __nvvm_vote_all_sync(mask, pred);
}

static __device__ __forceinline__ int __any_sync(unsigned mask, int pred)
{
    return __nvvm_vote_any_sync(mask, pred);
}

static __device__ __forceinline__ unsigned __activemask(void)
{
    unsigned m;

    asm volatile("activemask.b32 %0;" : "=r"(m));
    return m;
}

/* ---- bits ---- */
static __device__ __forceinline__ int __popc(unsigned v)
{
    return __builtin_popcount(v);
}

/* clang 14 has no __nvvm_clz/brev builtins: inline PTX */
static __device__ __forceinline__ int __clz(unsigned v)
{
    int r;

    asm("clz.b32 %0, %1;" : "=r"(r) : "r"(v));
    return r;
}

static __device__ __forceinline__ unsigned __brev(unsigned v)
{
    unsigned r;

    asm("brev.b32 %0, %1;" : "=r"(r) : "r"(v));
    return r;
}

static __device__ __forceinline__ unsigned __float_as_uint(float f)
{
    return __builtin_bit_cast(unsigned, f);
}

static __device__ __forceinline__ void __threadfence(void)
{
    __nvvm_membar_gl();
}

/* ---- more math: approximate (sin.approx, cos.approx, rsqrt.approx,
 * div.approx: within 2 ulp on the engine, which computes them exactly
 * rounded from libm) and exact (min, max, sqrt.rn.f64, fma.rn.f64) ---- */
static __device__ __forceinline__ float __sinf(float x)
{
    return __nvvm_sin_approx_f(x);
}

static __device__ __forceinline__ float __cosf(float x)
{
    return __nvvm_cos_approx_f(x);
}

static __device__ __forceinline__ float rsqrtf(float x)
{
    return __nvvm_rsqrt_approx_f(x);
}

static __device__ __forceinline__ float __fdividef(float x, float y)
{
    return __nvvm_div_approx_f(x, y);
}

static __device__ __forceinline__ float fminf(float a, float b)
{
    return __nvvm_fmin_f(a, b);
}

static __device__ __forceinline__ float fmaxf(float a, float b)
{
    return __nvvm_fmax_f(a, b);
}

static __device__ __forceinline__ double sqrt(double x)
{
    return __nvvm_sqrt_rn_d(x);
}

static __device__ __forceinline__ double fma(double a, double b, double c)
{
    return __builtin_fma(a, b, c);
}

#endif /* !__NVCC__ */
#endif /* GV_CUDA_H */

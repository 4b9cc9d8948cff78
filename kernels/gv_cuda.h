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

/* exp(x) = 2^(x log2 e); log(x) = log2(x) ln 2 */
static __device__ __forceinline__ float expf(float x)
{
    return __nvvm_ex2_approx_f(x * 1.4426950408889634f);
}

static __device__ __forceinline__ float logf(float x)
{
    return __nvvm_lg2_approx_f(x) * 0.6931471805599453f;
}

static __device__ __forceinline__ float sqrtf(float x)
{
    return __nvvm_sqrt_rn_f(x);
}

static __device__ __forceinline__ float fabsf(float x)
{
    return __builtin_fabsf(x);
}

#endif /* GV_CUDA_H */

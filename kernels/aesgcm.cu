// SPDX-License-Identifier: GPL-2.0-or-later
// The AuthDec / AuthEnc kernels of the secure memcpy: AES-256-GCM over a
// buffer in device memory, in place (docs/kernels.md, "AES-GCM").
//   AuthDec: gv_gcm_ghash, then gv_gcm_decrypt (verifies, then decrypts);
//   AuthEnc: gv_gcm_encrypt, gv_gcm_ghash, then gv_gcm_tag.
// Every launch takes the same struct gv_gcm_args (kernels/gv_gcm_args.h);
// the algorithm is in gv_gcm.h, shared with the host tests.  1-D blocks
// and grids of any size; gv_gcm_ghash at most GV_GCM_MAX_SLOTS blocks.
#include "gv_cuda.h"
#include "gv_gcm.h"

static __device__ __forceinline__ struct gv_gcm_grid gv_gcm_here(void)
{
    struct gv_gcm_grid g;

    g.tid = threadIdx.x;
    g.ntid = blockDim.x;
    g.cta = blockIdx.x;
    g.ncta = gridDim.x;
    g.shape_ok = blockDim.y == 1 && blockDim.z == 1 && gridDim.y == 1 &&
                 gridDim.z == 1;
    return g;
}

// Each thread's partial GHASH of a run of blocks, combined per block into
// a slot of the state area.
extern "C" __global__ void gv_gcm_ghash(struct gv_gcm_args arg)
{
    __shared__ struct gv_gcm_ghash_shared sh;
    struct gv_gcm_grid g = gv_gcm_here();
    struct gv_gcm_args a = arg;         // param loads at fixed offsets
    struct gv_gcm_thread th;

    for (unsigned p = 0; gv_gcm_ghash_step(&a, &sh, &g, &th, p); p++)
        __syncthreads();
}

// Check the tag (every block, before it writes anything), then CTR.
extern "C" __global__ void gv_gcm_decrypt(struct gv_gcm_args arg)
{
    __shared__ struct gv_gcm_ctr_shared sh;
    struct gv_gcm_grid g = gv_gcm_here();
    struct gv_gcm_args a = arg;         // param loads at fixed offsets

    for (unsigned p = 0; gv_gcm_ctr_step(&a, &sh, &g, 1, p); p++)
        __syncthreads();
}

extern "C" __global__ void gv_gcm_encrypt(struct gv_gcm_args arg)
{
    __shared__ struct gv_gcm_ctr_shared sh;
    struct gv_gcm_grid g = gv_gcm_here();
    struct gv_gcm_args a = arg;         // param loads at fixed offsets

    for (unsigned p = 0; gv_gcm_ctr_step(&a, &sh, &g, 0, p); p++)
        __syncthreads();
}

// After gv_gcm_ghash over the ciphertext: the tag into the state area.
extern "C" __global__ void gv_gcm_tag(struct gv_gcm_args arg)
{
    __shared__ struct gv_gcm_ctr_shared sh;
    struct gv_gcm_grid g = gv_gcm_here();
    struct gv_gcm_args a = arg;         // param loads at fixed offsets

    for (unsigned p = 0; gv_gcm_tag_step(&a, &sh, &g, p); p++)
        __syncthreads();
}

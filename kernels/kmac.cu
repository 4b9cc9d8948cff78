// SPDX-License-Identifier: GPL-2.0-or-later
// The AuthDec / AuthEnc kernels of the secure memcpy's AES-KMAC scheme:
// AES-256-CTR, then a KMAC256 tree over the ciphertext (docs/kernels.md,
// "AES-CTR + KMAC256").
//   AuthDec: gv_kmac_chunks, gv_kmac_verify, then gv_kmac_decrypt (which
//            decrypts only what gv_kmac_verify verified);
//   AuthEnc: gv_kmac_encrypt, gv_kmac_chunks, then gv_kmac_tag.
// Every launch takes the same struct gv_kmac_args (kernels/
// gv_kmac_args.h); the algorithm is in gv_kmac.h, shared with the host
// tests.  1-D blocks and grids of any size (the root kernels use one
// thread).
#include "gv_cuda.h"
#include "gv_kmac.h"

static __device__ __forceinline__ struct gv_gcm_grid gv_kmac_here(void)
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

// The leaves: one thread per chunk (grid-stride).
extern "C" __global__ void gv_kmac_chunks(struct gv_kmac_args arg)
{
    struct gv_gcm_grid g = gv_kmac_here();
    struct gv_kmac_args a = arg;        // param loads at fixed offsets

    gv_kmac_chunks_thread(&a, &g);
}

// The root, compared with the expected tag: the result word.
extern "C" __global__ void gv_kmac_verify(struct gv_kmac_args arg)
{
    struct gv_gcm_grid g = gv_kmac_here();
    struct gv_kmac_args a = arg;

    gv_kmac_root_thread(&a, &g, 1);
}

// The root into the state area (AuthEnc).
extern "C" __global__ void gv_kmac_tag(struct gv_kmac_args arg)
{
    struct gv_gcm_grid g = gv_kmac_here();
    struct gv_kmac_args a = arg;

    gv_kmac_root_thread(&a, &g, 0);
}

// CTR, in every block only after the state says verified.
extern "C" __global__ void gv_kmac_decrypt(struct gv_kmac_args arg)
{
    __shared__ struct gv_gcm_ctr_shared sh;
    struct gv_gcm_grid g = gv_kmac_here();
    struct gv_kmac_args a = arg;

    for (unsigned p = 0; gv_kmac_ctr_step(&a, &sh, &g, 1, p); p++)
        __syncthreads();
}

extern "C" __global__ void gv_kmac_encrypt(struct gv_kmac_args arg)
{
    __shared__ struct gv_gcm_ctr_shared sh;
    struct gv_gcm_grid g = gv_kmac_here();
    struct gv_kmac_args a = arg;

    for (unsigned p = 0; gv_kmac_ctr_step(&a, &sh, &g, 0, p); p++)
        __syncthreads();
}

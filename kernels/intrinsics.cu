// SPDX-License-Identifier: GPL-2.0-or-later
// The header's intrinsics, end to end (clang -> PTX -> translator ->
// engine): warp shuffles and votes, bit operations, float min/max and
// approximate sin/cos/rsqrt/div, f64 sqrt and fma, and atomics of every
// kind on 32-bit, 64-bit and double words.  Checked against a CPU model
// in tests/unit/test_kernels.c.
#include "gv_cuda.h"

#define OUT_WORDS 20

extern "C" __global__ void intrinsics(unsigned *out, int *ctr,
                                      unsigned long long *c64, double *dsum)
{
    unsigned tid = threadIdx.x, lane = tid & 31;
    unsigned gid = blockIdx.x * blockDim.x + tid;
    unsigned v = gid * 2654435761u;
    unsigned *o = out + gid * OUT_WORDS;
    float f = (float)gid * 0.01f;
    double d = gid * 1.5;
    double s = sqrt(d), m = fma(d, d, 0.25);
    int old;

    o[0] = __shfl_sync(GV_FULL_MASK, v, (lane + 3) & 31);
    o[1] = __shfl_up_sync(GV_FULL_MASK, v, 2);
    o[2] = __shfl_xor_sync(GV_FULL_MASK, v, 5);
    o[3] = __ballot_sync(GV_FULL_MASK, (v >> 3) & 1);
    o[4] = __all_sync(GV_FULL_MASK, gid < 100000);
    o[5] = __any_sync(GV_FULL_MASK, lane == 7);
    o[6] = __popc(v);
    o[7] = __clz(v);
    o[8] = __brev(v);
    o[9] = __float_as_uint(fminf(f, 0.5f));
    o[10] = __float_as_uint(fmaxf(f, 0.5f));
    o[11] = __float_as_uint(__sinf(f));
    o[12] = __float_as_uint(__cosf(f));
    o[13] = __float_as_uint(rsqrtf(f + 1.0f));
    o[14] = __float_as_uint(__fdividef(f, 3.0f));
    o[15] = (unsigned)__builtin_bit_cast(unsigned long long, s);
    o[16] = (unsigned)(__builtin_bit_cast(unsigned long long, s) >> 32);
    o[17] = (unsigned)__builtin_bit_cast(unsigned long long, m);
    o[18] = (unsigned)(__builtin_bit_cast(unsigned long long, m) >> 32);

    atomicAdd(&ctr[0], 1);
    atomicMax(&ctr[1], (int)gid);
    atomicMin(&ctr[2], -(int)gid);
    do {                                    /* increment by CAS */
        old = ctr[3];
    } while (atomicCAS(&ctr[3], old, old + 2) != old);
    old = atomicExch(&ctr[4], (int)gid);
    atomicOr((unsigned *)&ctr[5], 1u << (gid & 31));
    atomicXor((unsigned *)&ctr[6], v);
    atomicAnd((unsigned *)&ctr[7], ~(1u << (gid % 29)));
    atomicAdd(c64, (unsigned long long)gid << 33);
    atomicAdd(dsum, d);
    o[19] = (unsigned)old;                  /* some thread's gid, or -1 */
}

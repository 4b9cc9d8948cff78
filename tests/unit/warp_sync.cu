// SPDX-License-Identifier: GPL-2.0-or-later
// Warp-synchronous code in divergent branches (PTX ISA 9.0, "shfl.sync",
// "vote.sync", "bar.warp.sync"): each lane of a member mask supplies its
// own operands at its own instruction, from whichever branch it comes,
// and gets the result over all of them.  Compiled as scripts/gv-build.sh
// compiles a user's kernels; run by test_warp_sync.c against CPU
// references of the PTX semantics.  Each kernel: one block, out[tid]
// (WS_WORDS words per thread), in[tid].
#define WS_WORDS 4
#define FULL 0xffffffffu

// Both sides of an if/else shuffle with the full mask, different values
// and different source lanes; the sides differ in what else they do, so
// the compiler keeps two shuffles.
extern "C" __global__ void ws_shfl(unsigned *out, const unsigned *in,
                                   unsigned *side)
{
    unsigned tid = threadIdx.x, lane = tid & 31, v = in[tid], r;

    if (v & 1) {
        side[tid] = v * 3;
        r = __shfl_sync(FULL, v * 3 + 1, (lane + 5) & 31);
        side[tid + 64] = r ^ 0x1234;
    } else {
        r = __shfl_sync(FULL, v ^ 0x55u, 31 - lane);
        side[tid] = r + 7;
    }
    out[tid * WS_WORDS] = r;
}

// Votes in divergent branches: a ballot and an all over the whole warp,
// each side with its own predicate.
extern "C" __global__ void ws_vote(unsigned *out, const unsigned *in,
                                   unsigned *side)
{
    unsigned tid = threadIdx.x, v = in[tid], b, a;

    if (v % 3 == 0) {
        side[tid] = v;
        b = __ballot_sync(FULL, v & 4);
        a = __all_sync(FULL, v > 5);
    } else {
        b = __ballot_sync(FULL, v & 8);
        a = __all_sync(FULL, v > 1);
        side[tid] = b;
    }
    out[tid * WS_WORDS] = b;
    out[tid * WS_WORDS + 1] = a;
    out[tid * WS_WORDS + 2] = __any_sync(FULL, v == 77);
}

// __syncwarp between a divergent write to shared memory and a read of
// another lane's value, both inside the branches.
extern "C" __global__ void ws_syncwarp(unsigned *out, const unsigned *in,
                                       unsigned *side)
{
    __shared__ unsigned s[64];
    unsigned tid = threadIdx.x, v = in[tid], r;

    if (v & 1) {
        s[tid] = v * 7;
        __syncwarp();
        r = s[tid ^ 1] + 1;
        side[tid] = r;
    } else {
        s[tid] = v + 100;
        __syncwarp();
        r = s[tid ^ 1] * 2;
    }
    out[tid * WS_WORDS] = r;
}

// A mask naming half the warp: the lower half shuffles among itself from
// two branches while the upper half is elsewhere, voting with its own
// mask.
extern "C" __global__ void ws_half(unsigned *out, const unsigned *in,
                                   unsigned *side)
{
    unsigned tid = threadIdx.x, lane = tid & 31, v = in[tid], r;

    if (lane < 16) {
        if (v & 1) {
            r = __shfl_sync(0x0000ffffu, v, lane ^ 3);
            side[tid] = r;
        } else {
            r = __shfl_sync(0x0000ffffu, v + 1000, (lane + 1) & 15);
        }
    } else {
        side[tid + 64] = v;
        r = __ballot_sync(0xffff0000u, v & 2);
    }
    out[tid * WS_WORDS] = r;
}

// Lanes that exit early: the full mask counts only the others.
extern "C" __global__ void ws_exit(unsigned *out, const unsigned *in,
                                   unsigned *side)
{
    unsigned tid = threadIdx.x, lane = tid & 31, v = in[tid], r;

    if (v % 5 == 0) {
        return;
    }
    if (v & 1) {
        r = __ballot_sync(FULL, v & 2);
        side[tid] = r;
    } else {
        r = __ballot_sync(FULL, v & 4);
    }
    out[tid * WS_WORDS] = r;
    out[tid * WS_WORDS + 1] = lane + 1;
}

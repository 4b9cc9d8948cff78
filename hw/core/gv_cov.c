/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the edge-coverage map (gv_cov.h).  A location
 * is a hash of a return address (the basic block that called the hook);
 * an edge is the current location xor the previous one shifted right by
 * one, so A->B and B->A differ.  The map holds one bit per edge; the
 * count goes up when a bit goes from 0 to 1.  The compute engine's
 * threads run instrumented code too: the previous location is per thread
 * and a new bit is set and counted atomically (a map entry already set,
 * the common case, costs one load).  This file must not be instrumented
 * itself (the hook would call itself).
 */
#include "gv_cov.h"

#include <string.h>

static uint64_t cov_map[GV_COV_MAP_SIZE / 64];
static uint32_t cov_edges;
static _Thread_local uint32_t cov_prev;

static inline uint32_t cov_loc(uintptr_t pc)
{
    /* Fibonacci hashing: the top bits of pc times 2^64 / phi. */
    return (uint32_t)(((uint64_t)pc * 0x9e3779b97f4a7c15ull) >>
                      (64 - GV_COV_MAP_BITS));
}

static inline void cov_hit(uintptr_t pc)
{
    uint32_t cur = cov_loc(pc);
    uint32_t edge = cur ^ cov_prev;
    uint64_t bit = 1ull << (edge % 64);
    uint64_t *word = &cov_map[edge / 64];

    cov_prev = cur >> 1;
    if (__atomic_load_n(word, __ATOMIC_RELAXED) & bit) {
        return;
    }
    if (!(__atomic_fetch_or(word, bit, __ATOMIC_RELAXED) & bit)) {
        __atomic_add_fetch(&cov_edges, 1, __ATOMIC_RELAXED);
    }
}

void gv_cov_hit(uintptr_t pc)
{
    cov_hit(pc);
}

uint32_t gv_cov_edges(void)
{
    return __atomic_load_n(&cov_edges, __ATOMIC_RELAXED);
}

uint32_t gv_cov_map_hash(void)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < GV_COV_MAP_SIZE / 64; i++) {
        uint64_t w = __atomic_load_n(&cov_map[i], __ATOMIC_RELAXED);

        for (unsigned b = 0; b < 8; b++) {
            h = (h ^ (uint8_t)(w >> (8 * b))) * 16777619u;
        }
    }
    return h;
}

void gv_cov_reset(void)
{
    for (size_t i = 0; i < GV_COV_MAP_SIZE / 64; i++) {
        __atomic_store_n(&cov_map[i], 0, __ATOMIC_RELAXED);
    }
    __atomic_store_n(&cov_edges, 0, __ATOMIC_RELAXED);
    cov_prev = 0;
}

#ifdef GV_COVERAGE
bool gv_cov_available(void)
{
    return true;
}

void __sanitizer_cov_trace_pc(void)
{
    cov_hit((uintptr_t)__builtin_return_address(0));
}
#else
bool gv_cov_available(void)
{
    return false;
}
#endif

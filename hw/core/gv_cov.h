/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: edge coverage of the core itself, for the
 * guest fuzzer (the debug block's GV_REG_DBG_EDGES).  Only the coverage
 * QEMU (scripts/build-qemu.sh --coverage) compiles the core with GCC's
 * -fsanitize-coverage=trace-pc and this file with GV_COVERAGE; everywhere
 * else gv_cov_available() is false and the edge count stays 0.
 */
#ifndef GV_COV_H
#define GV_COV_H

#include <stdbool.h>
#include <stdint.h>

/* Edges hash into a map of 2^GV_COV_MAP_BITS entries, one bit each. */
#define GV_COV_MAP_BITS 16
#define GV_COV_MAP_SIZE (1u << GV_COV_MAP_BITS)

/* True in the coverage build (the core calls __sanitizer_cov_trace_pc). */
bool gv_cov_available(void);

/* Distinct edges (map entries) hit since the last gv_cov_reset(). */
uint32_t gv_cov_edges(void);

/* A 32-bit FNV-1a hash of the map: equal maps, equal hashes. */
uint32_t gv_cov_map_hash(void);

/* Clear the map, the count and the calling thread's previous location. */
void gv_cov_reset(void);

/* Record that the code at pc ran, after the calling thread's previous
 * location: the edge (prev, pc) sets one map entry, AFL style. */
void gv_cov_hit(uintptr_t pc);

#ifdef GV_COVERAGE
/* GCC's -fsanitize-coverage=trace-pc hook: called by every basic block
 * of the instrumented files. */
void __sanitizer_cov_trace_pc(void);
#endif

#endif /* GV_COV_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A generator of random valid GVX modules (docs/fuzzing.md, "Generated
 * modules"), shared by the host's fuzz-engine (mode 6, with a
 * differential oracle) and the guest fuzzer (GVF_K_GENMOD steps, replayed
 * on the host by gvfs-replay).  Plain C: no device, no host library.
 *
 * From a 64-bit seed and a few options it writes one entry function that
 * passes gv_isa_check() and gv_compute_check_module(): straight-line ALU
 * of every integer and float type and modifier, conversions, compares and
 * selects; loads and stores in global (the output slots below and a
 * read-only input table, addresses from tid and ctaid so full warps take
 * the coalesced paths and others the per-lane ones), shared (behind
 * barriers), local, param, generic and the module's data section;
 * atomics; if/else divergent by lane, bounded loops (a counter and a
 * bound, so everything ends), nested a few deep; CALL/RET of a generated
 * function; barriers in uniform code; shuffles and votes with member
 * masks, among them the same warp-synchronous instructions on both sides
 * of a divergent if/else, which meet there.
 *
 * Every thread writes only its own output slots (atomics aside, which
 * use commutative operations on the words the harness compares), so the
 * outputs do not depend on the order threads run in: the same module and
 * launch give the same bytes on any number of SMs.  With GVF_MG_FAULT the
 * module also holds one deliberate fault that thread 0 of every block
 * reaches (an address outside the VA space, a misaligned one, shared,
 * local, param or generic out of range, a trap, a call frame past the
 * local memory, a return to no instruction): every launch then faults
 * with that rule (info.fault_rule).
 *
 * The launch: one parameter buffer of GVF_MG_PARAMS bytes
 * (gvf_mg_params: the output, input and atomic areas' addresses, then
 * values), a grid of at most GVF_MG_MAX_THREADS threads in all, blocks of
 * at most GVF_MG_MAX_BLOCK threads (x and y), no dynamic shared memory.
 */
#ifndef GVF_MODGEN_H
#define GVF_MODGEN_H

#include <stdint.h>

/* generator options */
#define GVF_MG_FAULT    (1u << 0)       /* one deliberate fault */
#define GVF_MG_WARP     (1u << 1)       /* shuffles, votes, activemask */
#define GVF_MG_CALL     (1u << 2)       /* a function, CALL and RET */
#define GVF_MG_SHARED   (1u << 3)       /* shared memory and barriers */
#define GVF_MG_ATOM     (1u << 4)       /* atomics */
#define GVF_MG_LOOP     (1u << 5)       /* loops */
#define GVF_MG_BIG      (1u << 6)       /* about twice the statements */
#define GVF_MG_NARROW   (1u << 7)       /* 8/16-bit and f16 memory types */
#define GVF_MG_ALL      0xfeu           /* everything but the fault */

#define GVF_MG_PARAMS   64u     /* out, in, atom (u64 each), 5 values */
#define GVF_MG_IN_BYTES 4096u   /* the input table (read only) */
#define GVF_MG_ATOM_BYTES 256u  /* the first 128 compared, the rest not */
#define GVF_MG_ATOM_DET 128u
#define GVF_MG_SLOT_BYTES 80u   /* output bytes per thread */
#define GVF_MG_MAX_BLOCK 256u
#define GVF_MG_MAX_THREADS 512u
#define GVF_MG_MAX_IMAGE 12288u /* an image is never larger */

struct gvf_mg_info {
    uint32_t size;              /* image bytes */
    uint32_t ninsns;
    uint32_t fault_rule;        /* GV_RULE_COMPUTE_* every launch faults
                                   with, 0: none */
    uint32_t shared_size, local_size;
};

/* The module of @seed and @opts (GVF_MG_*): a malloc'd image, or NULL
 * when out of memory; what it is in @info. */
uint8_t *gvf_modgen(uint64_t seed, unsigned opts, struct gvf_mg_info *info);
/* Output bytes of a launch of @threads threads in all. */
static inline uint32_t gvf_mg_out_bytes(uint32_t threads)
{
    return threads * GVF_MG_SLOT_BYTES;
}
/* The parameter buffer: the areas' device addresses and @seed's values. */
void gvf_mg_params(uint64_t seed, uint64_t out, uint64_t in, uint64_t atom,
                   uint8_t p[GVF_MG_PARAMS]);
/* The input table's bytes for @seed. */
void gvf_mg_input(uint64_t seed, uint8_t in[GVF_MG_IN_BYTES]);

#endif /* GVF_MODGEN_H */

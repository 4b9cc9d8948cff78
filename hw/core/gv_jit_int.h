/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the compiled tier's own declarations
 * (gv_jit.c, gv_jit_gen.c).
 */
#ifndef GV_JIT_INT_H
#define GV_JIT_INT_H

#include "gv_jit.h"
#include "gv_simt_lanes.h"

#include <stdatomic.h>

enum {
    GV_JIT_MINLEN = 2,          /* instructions: shorter runs stay */
    GV_JIT_MAXLEN = 96,
    GV_JIT_MAXMEM = 8,          /* accesses in a region */
    GV_JIT_MAXUNI = 16,         /* uniform values in a region */
    GV_JIT_MAXG = GV_ISA_MAX_BLOCK / GV_WARP,   /* warps in a gang */
    GV_JIT_BUDGET = 2048,       /* instructions a background compilation
                                   takes (jit_choose) */
};

/* Compiled code: @n warps from @R on (slots @st apart); @U the region's
 * uniform values in order, @T each warp's first tid.x, @dva the data
 * section's address.  addr: each access's address in lane 0 of each warp
 * into @base (warp-major), true if every warp's lanes are the one run
 * from it; body: the region, its accesses at @P (warp-major); if it
 * ends with a setp (setp_end), bit 0 of its result OR-ed over every lane
 * in bit 0 of the value, AND-ed in bit 1. */
typedef bool (*gv_jit_addr_fn)(const uint64_t *R, size_t st, uint32_t n,
                               const uint64_t *U, const uint32_t *T,
                               uint64_t dva, uint64_t *base);
typedef uint32_t (*gv_jit_body_fn)(uint64_t *R, size_t st, uint32_t n,
                                   const uint64_t *U, const uint32_t *T,
                                   uint64_t dva, uint8_t *const *P);

struct gv_jmem {
    uint8_t size;               /* 4 or 8 */
    bool write;
    int32_t imm;
};

struct gv_jreg {
    uint32_t pc, len;           /* code[pc, pc + len) */
    /* set by the compilation, before the state is GV_JIT_READY */
    uint32_t nmem, nstores, nuni;
    uint32_t nbra;              /* guarded branches no lane may take */
    bool tid;                   /* reads tid.x */
    bool setp_end;              /* its last instruction is a setp */
    bool whole;                 /* from the function's first instruction
                                   to an exit after it (gv_jit_block) */
    struct gv_juni {            /* its uniform instructions, in order */
        bool param;             /* ld.param of @type at @off, else s2r */
        uint8_t type, sreg;
        uint64_t off;
    } uni[GV_JIT_MAXUNI];
    struct gv_jmem mem[GV_JIT_MAXMEM];
    gv_jit_addr_fn addr;
    gv_jit_body_fn body;
    atomic_uint hits;           /* gangs that reached it while cold */
    bool want;                  /* compiled (set before the C is written) */
};

enum { GV_JIT_COLD, GV_JIT_BUSY, GV_JIT_READY, GV_JIT_FAILED };

struct gv_jit {
    struct gv_jreg *r;
    uint32_t n;
    uint32_t whole;             /* 1 + the index of the whole function's
                                   region (gv_jit_block), or 0 */
    atomic_uint state;          /* GV_JIT_* */
    atomic_uint hits;           /* gang visits while cold */
    /* The function's, and a background compilation's while it runs: the
     * last to let go frees it (a module may be freed meanwhile). */
    atomic_uint refs;
    void *dl;                   /* the loaded code */
    atomic_bool told;           /* the outcome was reported (jit_tell) */
    char why[160];              /* GV_JIT_FAILED: the reason */
};

/* The lane-loop kinds a region may hold (beside the others that
 * region_kind names). */
#define GV_JIT_SETP_KIND(X, K, T, CONV) X(P, K, ID)
#define GV_JIT_LANE_KINDS(X)                                            \
    GV_LANE_OPS(X, P)                                                   \
    GV_SETP_KINDS(GV_JIT_SETP_KIND, X)

/* The special registers a region computes. */
static inline bool gv_jit_sreg_ok(unsigned id)
{
    return id == GV_SR_TID_X || id == GV_SR_LANEID ||
           gv_sreg_block_uniform(id);
}

/* @x as the instruction it was before fusion (gv_fuse.c): the first of
 * a GV_K_LOGIC or GV_K_LDFMA run keeps its own kind aside, and so does
 * the setp of a GV_K_SETP_BRA (a region may end with that setp: the
 * branch after it, guarded by its result, then runs as itself). */
static inline struct gv_dinsn gv_jit_own(const struct gv_dinsn *x)
{
    struct gv_dinsn y = *x;

    if (x->k == GV_K_LOGIC) {
        y.k = x->fsh;
    } else if (x->k == GV_K_LDFMA || x->k == GV_K_SETP_BRA) {
        y.k = (uint16_t)x->fscale;
    }
    return y;
}

bool gv_jit_mem(unsigned k);
/* Is @x a branch a region may hold: guarded by a register's predicate,
 * not a reconvergence point?  The region runs only if no lane takes it
 * (the address function checks), so it is straight code there. */
bool gv_jit_bra(const struct gv_kfunc *kf, const struct gv_dinsn *x);
bool gv_jit_uni(unsigned k, unsigned mod);

/* The C of @kf's regions (malloc'd; NULL: out of memory), and its
 * compilation and loading into @j (0, or -1 with the reason); the latter
 * reads nothing of the function (gv_jit_gen.c). */
char *gv_jit_text(const struct gv_kfunc *kf);
int gv_jit_load(struct gv_jit *j, const char *text, char *why,
                size_t why_len);
void gv_jit_unload(struct gv_jit *j);

#endif /* GV_JIT_INT_H */

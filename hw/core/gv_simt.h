/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the compute engine's private structures.
 * gv_compute.c validates and decodes modules and runs the LAUNCH command;
 * gv_sched.c runs the worker threads (SMs) and shares them between the
 * launches; gv_simt.c executes thread blocks, and gv_simt_mem.c their
 * memory instructions.
 */
#ifndef GV_SIMT_H
#define GV_SIMT_H

#include "gv_internal.h"

#include "graviton/gv_isa.h"

#include <stdatomic.h>

#define GV_WARP 32
#define GV_SIMT_TLB 256
/* warp instructions between two watchdog checks (gv_simt.c) */
#define GV_SIMT_CHECK_EVERY 4096u

/* A decoded instruction.  Register operands are offsets (in uint64_t
 * units) into a warp's register file, laid out slot-major: slot s of lane
 * l is R[s * 32 + l]; constants are read-only slots after the registers. */
struct gv_dinsn {
    uint16_t k;                 /* handler (GV_K_*) */
    uint8_t op, type, mod, guard, stype, rnd;
    uint32_t g, d, a, b, c, e;  /* slot offsets (unused: slot 0; no result:
                                   the sink slot, the last one) */
    int32_t imm;                /* memory offset, or branch target pc */
    /* GV_K_SETP_BRA (gv_fuse.c): a setp whose own kind is @fscale,
     * followed by a branch guarded by its result.
     * GV_K_LUT (gv_fuse.c): the first of @fn instructions fused; its
     * result (the index) is ((u32)a >> @fsh) & @fmask, the scale of the
     * mad.wide @fscale; @fkeep: GV_FUSE_KEEP_* of the registers that are
     * read before they are written again.  GV_K_XCHAIN: @fn XORs of
     * width @fscale; @fkeep bit k: the k-th's result is read again.
     * GV_K_LOGIC: the first of @fmask instructions fused, its own kind
     * in @fsh.  GV_K_LDFMA: two LDS32 and an FMAF, the first's own kind
     * in @fscale. */
    uint8_t fn, fsh, fkeep;
    uint32_t fmask, fscale;
};

#define GV_FUSE_KEEP_INDEX 1        /* the extract's result */
#define GV_FUSE_KEEP_ADDR  2        /* the mad.wide's result */
/* gv_dinsn.fscale of a GV_K_BFE_S64 in a GV_K_LOGIC run: the field is
 * constant, (fscale >> 8 & 0xff) bits at (fscale & 0xff), inside the
 * word (gv_fuse.c) */
#define GV_FUSE_FIELD 0x10000u

/* gv_dinsn.rnd of SHFL and VOTE: operand e holds a member mask (the
 * warp-synchronous forms: shfl.sync, vote.sync, bar.warp.sync). */
#define GV_D_MEMBER 1
/* gv_dinsn.rnd of BRA: operand e is the branch's reconvergence point (a
 * function-relative pc; GV_BRA_JOIN).  gv_dinsn.guard of the instruction
 * at a reconvergence point has GV_G_JOIN (beside GV_G_ON, GV_G_NEG). */
#define GV_D_JOIN 1
#define GV_G_JOIN 0x80u

struct gv_kfunc {
    struct gv_dinsn *code;
    uint32_t ncode;
    uint32_t nregs, nslots;     /* registers, then constants, then the sink */
    uint64_t *consts;           /* values of slots nregs..nslots-1 */
    uint32_t param_size, shared_size, local_size;
    uint32_t reqntid[3];
    /* The compiled tier (gv_jit.h): per pc, the index + 1 of the region
     * starting there (0: none); the regions and their code.  NULL: no
     * region, or a device without the tier (modules are decoded per
     * device, so jit_at alone says whether to try it). */
    uint32_t *jit_at;
    struct gv_jit *jit;
};

struct gv_kmodule {
    unsigned ctx;               /* the context it was loaded for */
    uint64_t va;
    uint32_t size;
    uint8_t *raw;               /* the bytes it was decoded from */
    uint32_t data_off;          /* the data section's offset */
    struct gv_kfunc *funcs;
    uint32_t nfuncs;
    /* Launches using it (device thread only); a module evicted from the
     * cache while in use is freed by its last launch. */
    unsigned users;
    bool evicted;
};

struct gv_launch {
    struct gv_dev *dev;
    unsigned chid;
    struct gv_kmodule *km;      /* holds a use of the module */
    const struct gv_kfunc *f;
    uint64_t module_va;
    uint64_t data_va;           /* module_va + the data section's offset */
    uint32_t grid[3], block[3];
    uint32_t nthreads, nwarps, shared_total;
    uint64_t nblocks;
    uint8_t params[GV_ISA_MAX_PARAM];
    uint32_t param_size;
    uint64_t fence_va, fence_value;
    uint32_t flags;
    uint64_t deadline_ns;       /* 0: no watchdog */
    /* Taken by every SM for each run of blocks (gv_sched.c,
     * claim_block): a cache line of its own (the padding, whatever the
     * allocation's alignment), so that the SMs' reads of the fields above
     * (params, sizes, every instruction) never miss because another SM
     * took a run. */
    char pad_before[64];
    atomic_uint_fast64_t next_block;
    char pad_after[64];
    atomic_int status;          /* GV_ERR_NONE while running well */
    atomic_uint_fast64_t lane_insns;
    atomic_uint_fast64_t jit_insns;
    uint64_t fault_va;          /* first fault (under the engine lock) */
    unsigned fault_rule;        /* its GV_RULE_COMPUTE_* (set with it) */
    uint32_t pos;               /* the LAUNCH's ring position */
    /* the scheduler's (gv_sched.c), under the engine lock */
    struct gv_launch *next;     /* the engine's launches, oldest first */
    unsigned resident;          /* SM slots holding it */
    bool finished;              /* every block done, or stopped */
};

struct gv_simt_tlbe {
    uint64_t vpage;             /* va >> 12, + 1 (0: empty) */
    uint8_t *host;
    bool ro;
};

/* An entry of a warp's reconvergence stack: the lanes that diverged at a
 * branch whose reconvergence point is @pc (gv_simt_warp.c). */
struct gv_join {
    uint32_t pc, lanes;
};

/* Entries of the reconvergence stack: each divergent branch with a
 * reconvergence point other than the top entry's pushes one; more than
 * this faults (compute.join_stack). */
#define GV_JOIN_MAX 64

struct gv_warp {
    uint64_t *R;
    uint32_t pc;
    uint32_t active;            /* lanes running at pc */
    uint32_t alive;             /* lanes not exited */
    uint32_t waiting;           /* diverged lanes, parked at lane_pc */
    uint32_t at_bar;            /* lanes waiting at a barrier (at lane_pc) */
    uint32_t at_sync;           /* lanes waiting at a warp-synchronous
                                   instruction (at lane_pc; gv_simt.c) */
    uint32_t at_join;           /* lanes held at a reconvergence point (at
                                   lane_pc) until the others arrive */
    uint32_t min_wait;          /* lowest lane_pc of waiting lanes */
    /* the lanes at_bar arrived by one instruction (one pc, one
     * barrier): bar_release lets them go as one group */
    bool bar_whole;
    uint32_t lane_pc[GV_WARP];
    uint8_t lane_bar[GV_WARP];  /* the barrier a lane at_bar waits at */
    uint32_t id;
    uint64_t issued;
    uint8_t *local;             /* GV_WARP * local_size bytes */
    uint32_t njoin;             /* entries of the reconvergence stack */
    struct gv_join join[GV_JOIN_MAX];
};

/* A slot of a streaming multiprocessor: the state of one resident thread
 * block (and the buffers it keeps for the next block of the same launch).
 * An SM (a worker thread, gv_sched.c) holds up to GV_SM_SLOTS of them, of
 * different launches, and switches between them every time slice. */
struct gv_sm {
    unsigned id;                /* the SM's: %smid */
    struct gv_launch *L;        /* the launch it holds, or NULL */
    size_t need;                /* bytes of block state it reserved */
    bool fresh;                 /* not yet prepared for L */
    bool in_block;              /* a block is started (maybe yielded) */
    struct gv_warp *warps;
    uint32_t nwarps_alloc;
    uint64_t *regs;
    size_t regs_size;
    uint8_t *local;
    size_t local_size;
    uint8_t *shared;
    size_t shared_size;
    struct gv_simt_tlbe tlb[GV_SIMT_TLB];
    uint64_t block;             /* index of the block being run */
    uint64_t run_next, run_end; /* the blocks it took and has not run */
    uint32_t ctaid[3];
    uint64_t lane_insns;
    uint64_t jit_insns;         /* of them, run compiled (gv_jit.h) */
    unsigned check;             /* countdown to the next watchdog check */
    unsigned slice;             /* checks left in the time slice (0: no
                                   end: the SM has no other block) */
    const atomic_uint *arrivals;        /* the engine's launch count */
    unsigned arrivals_seen;     /* ... when the slice began */
    uint32_t next_warp;         /* where a yielded block goes on */
    bool bar_seen;              /* ... and whether a warp waits at a bar */
    /* the block's barriers: threads arrived, and the count that completes
     * each (0: every live thread) */
    uint32_t bar_arrived[16], bar_expected[16];
};

enum {
    GV_K_NOP = 0,
    GV_K_GENERIC,               /* per-lane ALU evaluator */
    GV_K_MOV32, GV_K_MOV64,
    GV_K_ADD32, GV_K_ADD64, GV_K_SUB32, GV_K_SUB64, GV_K_MUL32, GV_K_MUL64,
    GV_K_MAD32, GV_K_MULWIDE_S32, GV_K_MULWIDE_U32,
    GV_K_AND32, GV_K_AND64, GV_K_OR32, GV_K_OR64, GV_K_XOR32, GV_K_XOR64,
    GV_K_NOT32, GV_K_NOT64,     /* run by fused_fast (run_warp's size) */
    GV_K_SHL32, GV_K_SHL64, GV_K_SHR_U32, GV_K_SHR_S32, GV_K_SHR_U64,
    GV_K_SHR_S64,
    GV_K_ADDF, GV_K_SUBF, GV_K_MULF, GV_K_FMAF, GV_K_DIVF,
    GV_K_ABSF, GV_K_NEGF, GV_K_MINF, GV_K_MAXF, GV_K_SQRTF, GV_K_RCPF,
    GV_K_RSQRTF, GV_K_EX2F, GV_K_LG2F,
    GV_K_ADDD, GV_K_SUBD, GV_K_MULD, GV_K_FMAD,
    GV_K_SETP_S32, GV_K_SETP_U32, GV_K_SETP_S64, GV_K_SETP_U64,
    GV_K_SETP_F32,
    GV_K_SELP32, GV_K_SELP64,
    GV_K_CVT_U64_U32, GV_K_CVT_S64_S32, GV_K_CVT_U32_U64,
    GV_K_LD, GV_K_ST, GV_K_ATOM,
    GV_K_LDS32, GV_K_LDS64, GV_K_STS32, GV_K_LDG32, GV_K_LDG64, GV_K_STG32,
    GV_K_STG64, GV_K_LDP_UNI, GV_K_MADWIDE_U32, GV_K_MADWIDE_S32,
    GV_K_BFE_U32, GV_K_BFE_S64, GV_K_LDS8,
    GV_K_BRA, GV_K_EXIT, GV_K_BAR, GV_K_S2R, GV_K_MADDR, GV_K_SHFL,
    GV_K_VOTE, GV_K_TRAP, GV_K_CALL, GV_K_RET,
    GV_K_LUT,                   /* a fused table lookup (gv_fuse.c) */
    GV_K_XCHAIN,                /* a fused chain of XORs (gv_fuse.c) */
    GV_K_PRMT,                  /* prmt.b32, default mode (gv_fuse.c) */
    GV_K_SETP_BRA,              /* setp, then a branch on it (gv_fuse.c) */
    GV_K_LOGIC,                 /* a fused run of integer ops (gv_fuse.c) */
    GV_K_LDFMA,                 /* two shared loads, an fma (gv_fuse.c) */
};

/* ---- values: the ISA's types (shared by gv_simt.c and gv_simt_mem.c) ---- */

#define FULL 0xffffffffu

static inline unsigned tbits(unsigned t)
{
    static const uint8_t bits[GV_T__COUNT] = {
        [GV_T_U8] = 8, [GV_T_S8] = 8, [GV_T_U16] = 16, [GV_T_S16] = 16,
        [GV_T_U32] = 32, [GV_T_S32] = 32, [GV_T_U64] = 64, [GV_T_S64] = 64,
        [GV_T_F32] = 32, [GV_T_F64] = 64, [GV_T_PRED] = 1, [GV_T_F16] = 16,
    };
    return t < GV_T__COUNT ? bits[t] : 64;
}

static inline bool tsig(unsigned t)
{
    return t == GV_T_S8 || t == GV_T_S16 || t == GV_T_S32 || t == GV_T_S64;
}

static inline bool tflt(unsigned t)
{
    return t == GV_T_F32 || t == GV_T_F64 || t == GV_T_F16;
}

static inline uint64_t zx(uint64_t v, unsigned n)
{
    return n >= 64 ? v : v & ((1ull << n) - 1);
}

static inline int64_t sx(uint64_t v, unsigned n)
{
    return n >= 64 ? (int64_t)v : (int64_t)(v << (64 - n)) >> (64 - n);
}

static inline uint64_t lmask(unsigned k)
{
    return k >= 64 ? ~0ull : (1ull << k) - 1;
}

/* PTX bfe of the @n-bit value @a (zero above bit n - 1): the field of
 * @len bits at @pos (what of it lies inside the n bits; none: 0), with
 * @s its top bit (the value's top bit if the field goes past it) copied
 * up through all 64 bits.  The generic ALU and the fused bfe.s64 share
 * it. */
static inline uint64_t gv_bfe(uint64_t a, unsigned pos, unsigned len,
                              unsigned n, bool s)
{
    unsigned k = pos >= n ? 0 : (len < n - pos ? len : n - pos);
    uint64_t m = lmask(k);
    uint64_t f = k ? (a >> pos) & m : 0;

    if (s && len) {
        unsigned sb = pos + len - 1 < n - 1 ? pos + len - 1 : n - 1;

        if ((a >> sb) & 1) {
            f |= ~m;
        }
    }
    return f;
}

static inline float f32(uint64_t v)
{
    uint32_t u = (uint32_t)v;
    float f;

    memcpy(&f, &u, 4);
    return f;
}

static inline uint64_t bf(float f)
{
    uint32_t u;

    memcpy(&u, &f, 4);
    return u;
}

static inline double f64(uint64_t v)
{
    double d;

    memcpy(&d, &v, 8);
    return d;
}

static inline uint64_t bd(double d)
{
    uint64_t v;

    memcpy(&v, &d, 8);
    return v;
}

/* Is special register @id the same for every lane of a block (so a gang
 * of its warps reads it once)? */
static inline bool gv_sreg_block_uniform(unsigned id)
{
    switch (id) {
    case GV_SR_NTID_X: case GV_SR_NTID_Y: case GV_SR_NTID_Z:
    case GV_SR_CTAID_X: case GV_SR_CTAID_Y: case GV_SR_CTAID_Z:
    case GV_SR_NCTAID_X: case GV_SR_NCTAID_Y: case GV_SR_NCTAID_Z:
    case GV_SR_NWARPID: case GV_SR_SMID: case GV_SR_NSMID:
    case GV_SR_GRIDID:
        return true;
    default:
        return false;
    }
}

/* May @k be in a GV_K_LOGIC run (gv_fuse.c)?  The integer kinds whose
 * expressions gv_simt.c's logic_op takes from GV_LANE_OPS (and NOT,
 * bfe.s64). */
static inline bool gv_logic_kind(unsigned k)
{
    switch (k) {
    case GV_K_MOV32: case GV_K_MOV64: case GV_K_ADD32: case GV_K_ADD64:
    case GV_K_SUB32: case GV_K_SUB64: case GV_K_AND32: case GV_K_AND64:
    case GV_K_OR32: case GV_K_OR64: case GV_K_XOR32: case GV_K_XOR64:
    case GV_K_NOT32: case GV_K_NOT64:
    case GV_K_SHL32: case GV_K_SHL64: case GV_K_SHR_U32: case GV_K_SHR_U64:
    case GV_K_SHR_S64:
    case GV_K_CVT_U64_U32: case GV_K_CVT_U32_U64: case GV_K_BFE_U32:
    case GV_K_BFE_S64:
        return true;
    default:
        return false;
    }
}

/* The lanes whose predicate slots @P hold 1, as a mask. */
static inline uint32_t gv_predmask(const uint64_t *P)
{
    uint32_t m = 0;

    for (unsigned l = 0; l < GV_WARP; l++) {
        m |= (uint32_t)(P[l] & 1) << l;
    }
    return m;
}

/* Is @i a branch guarded by a predicate, not a reconvergence point? */
static inline bool gv_guarded_bra(const struct gv_dinsn *i)
{
    return i->k == GV_K_BRA && !(i->guard & GV_G_JOIN) &&
           (i->guard & GV_G_ON);
}

/* Is @i a branch guarded by a predicate (not a reconvergence point) that
 * no lane of the @n full warps from @w0 on takes?  (Each warp then just
 * moves on, counted as run_warp counts it: issued, no lane.) */
static inline bool gv_gang_not_taken(const struct gv_warp *w0,
                                     const struct gv_dinsn *i, uint32_t n)
{
    uint64_t any = 0, all = 1;

    if (!gv_guarded_bra(i)) {
        return false;
    }
    /* bit 0 of every lane's predicate: none set (or, negated, all set);
     * an OR and an AND of the slots, which vectorise */
    for (uint32_t g = 0; g < n; g++) {
        const uint64_t *P = w0[g].R + i->g;

        for (unsigned l = 0; l < GV_WARP; l++) {
            any |= P[l];
            all &= P[l];
        }
    }
    return (i->guard & GV_G_NEG) ? (all & 1) == 1 : (any & 1) == 0;
}

/* Every lane in @m, or the full-warp fast path. */
#define LANES(m, ...) do {                                              \
        if ((m) == FULL) {                                              \
            for (unsigned l = 0; l < GV_WARP; l++) { __VA_ARGS__; }     \
        } else {                                                        \
            for (uint32_t mm_ = (m); mm_; mm_ &= mm_ - 1) {             \
                unsigned l = __builtin_ctz(mm_);                        \
                __VA_ARGS__;                                            \
            }                                                           \
        }                                                               \
    } while (0)


/* gv_simt.c */
/* Block @block's ids on @sm (sm->block, sm->ctaid). */
void gv_simt_block_ids(struct gv_launch *L, struct gv_sm *sm,
                       uint64_t block);
/* Start block @block of launch @L on @sm; gv_simt_block_run() runs it. */
void gv_simt_block_start(struct gv_launch *L, struct gv_sm *sm,
                         uint64_t block);
/* Run the block started on @sm until it ends, or the SM's time slice ends
 * (GV_SIMT_YIELD: call again to go on).  Returns GV_ERR_NONE when the
 * block is done, or the error that stops the launch (GV_ERR_FAULT with
 * L->fault_va set, GV_ERR_TIMEOUT). */
#define GV_SIMT_YIELD (-1)
int gv_simt_block_run(struct gv_launch *L, struct gv_sm *sm);
/* Per-lane evaluation of the ALU instructions (exported for tests). */
uint64_t gv_simt_alu(const struct gv_dinsn *i, uint64_t a, uint64_t b,
                     uint64_t c, uint64_t e);
/* An instruction form the interpreter has no code for: counted, and
 * the instruction does nothing (0 for the ALU).  The decoder's rules
 * (gv_isa_rules.c) allow only forms the engine runs, so the count stays
 * 0; tests/unit/test_isa_rules.c runs every allowed form and checks it
 * (a rule added without its code shows up there). */
uint64_t gv_simt_unsupported(void);
uint64_t gv_simt_unsupported_count(void);

/* gv_fuse.c: after a function is decoded, each table lookup (an index
 * extract, mad.wide.u32 by a constant, one or two shared loads from its
 * result; adjacent, unguarded) becomes one GV_K_LUT micro-op, each chain
 * of XORs one GV_K_XCHAIN; a default-mode PRMT gets GV_K_PRMT; a setp
 * followed by a branch on its result GV_K_SETP_BRA; then each run of 2 to
 * 1024 unguarded integer ALU instructions (logic, shifts, moves, adds;
 * chains inside) one GV_K_LOGIC; two 32-bit shared loads and an fma.f32
 * outside a lookup one GV_K_LDFMA. */
void gv_fuse_lookups(struct gv_kfunc *kf);

/* gv_simt_mem.c: the memory instructions, every offset through one
 * checked accessor per space (gv_simt_mem.h).  Each returns true, or false
 * when the launch faulted (recorded in @L; the warp must stop). */
void gv_simt_fault(struct gv_launch *L, unsigned rule, uint64_t va);
/* The rule a global access of @size bytes at @va faults by (alignment,
 * the VA space, the page tables); only called once it has faulted. */
unsigned gv_simt_global_fault_rule(struct gv_launch *L, uint64_t va,
                                   unsigned size, bool write);
/* (The fast shared and global forms are inline, in gv_simt_mem.h.) */
/* LD, ST and ATOM in any space and of any type. */
bool gv_simt_ldst(struct gv_launch *L, struct gv_sm *sm, struct gv_warp *w,
                  const struct gv_dinsn *i, uint32_t m);

/* gv_simt_call.c: CALL, RET or TRAP @i (at w->pc) by the running lanes
 * @m (the guard's): true with w's pcs set (run_warp goes on without
 * w->pc++), false when the launch faulted (compute.call_depth,
 * compute.call_return, compute.trap). */
bool gv_simt_call(struct gv_launch *L, struct gv_warp *w,
                  const struct gv_dinsn *i, uint32_t m);

/* gv_compute.c, for gv_sched.c: a launch has ended (the device's
 * thread): write its fence, raise its interrupts, move its channel's ring
 * on; then (also after an abort) give back its module and free it. */
void gv_launch_complete(struct gv_dev *dev, struct gv_launch *L);
void gv_launch_free(struct gv_dev *dev, struct gv_launch *L);
/* gv_module.c: the decoded module at @va of @chid's context, validated
 * and decoded or found in the cache; NULL with the refusal in @err.  A
 * launch holds a use (km->users) while it runs and gives it back with
 * gv_module_put (freed then if the cache evicted it meanwhile). */
struct gv_kmodule *gv_module_get(struct gv_dev *dev, unsigned chid,
                                 uint64_t va, uint32_t size, int *err);
void gv_module_put(struct gv_kmodule *km);
/* Forget the decoded modules (none in use). */
void gv_modcache_clear(struct gv_dev *dev);
/* Allocate and zero @sm's buffers for its launch; GV_ERR_NO_RESOURCES. */
int gv_sm_prepare(struct gv_sm *sm, const struct gv_launch *L);
/* The bytes of block state a slot of @L needs. */
size_t gv_sm_need(const struct gv_launch *L);

/* gv_sched.c: hand a launch to the SMs (the device's thread). */
void gv_sched_submit(struct gv_dev *dev, struct gv_launch *L);

/* gv_mmu.c: translation without the (main-thread) TLB, for the engine's
 * worker threads: 0 and the physical address and read-only flag, or -1. */
int gv_translate_mt(struct gv_dev *dev, unsigned chid, uint64_t va,
                    uint64_t *pa, bool *ro);

#endif /* GV_SIMT_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the SIMT interpreter.  Runs one thread block
 * of a launch on one SM (worker thread): warps of 32 lanes with a
 * slot-major register file (each instruction loops over its lanes, and
 * the common full-warp case is a plain loop the compiler vectorises).
 *
 * Divergence: each warp runs the group of lanes with the lowest program
 * counter; the others are parked with their own pc and rejoin when the
 * running group reaches it.  With the structured layout compilers emit
 * (the PTX order is kept by the translator) this reconverges at the
 * immediate post-dominator; it is correct for any control flow.
 * Barriers (16 per block): every live thread of the block must arrive,
 * or the barrier's thread count; exited threads do not count; an
 * arrive-only BAR counts without waiting.
 *
 * Memory (gv_simt_mem.c): every access goes through one checked
 * accessor per space (gv_bounds.h: no offset wraps around 2^64); every
 * global access is translated through the channel's page tables
 * (gv_translate_mt: ownership re-checked, hidden memory never reachable)
 * into a per-SM TLB that lives for one launch (the command processor
 * does not change page tables while a launch runs).  All lanes of an
 * access are checked before any is performed: a faulting instruction
 * changes nothing and stops the launch.  Misaligned accesses fault, as on
 * real GPUs.
 */
/* The lane loops are the engine's hot path: let the compiler vectorise
 * them whatever the build type.  Never contract a * b + c into an FMA:
 * the versions for hosts with FMA (GV_SIMD_CLONES) would round
 * differently from the others. */
#pragma GCC optimize("O3", "fp-contract=off")

#include "gv_jit.h"
#include "gv_simt_fuse.h"
#include "gv_simt_lanes.h"
#include "gv_simt_warp.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

uint64_t gv_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ---- warps ---- */

/* No popcnt instruction in the baseline x86-64 ISA: SWAR. */
static inline unsigned popc32(uint32_t v)
{
    v = v - ((v >> 1) & 0x55555555u);
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    return (((v + (v >> 4)) & 0x0f0f0f0fu) * 0x01010101u) >> 24;
}

static void recompute_min(struct gv_warp *w)
{
    uint32_t min = UINT32_MAX;

    for (uint32_t m = w->waiting; m; m &= m - 1) {
        unsigned l = __builtin_ctz(m);

        if (w->lane_pc[l] < min) {
            min = w->lane_pc[l];
        }
    }
    w->min_wait = min;
}

/* Make the lowest-pc group the running one. */
static void resched(struct gv_warp *w)
{
    uint32_t m;

    if (w->active && w->pc < w->min_wait) {
        return;
    }
    for (m = w->active; m; m &= m - 1) {
        w->lane_pc[__builtin_ctz(m)] = w->pc;
    }
    w->waiting |= w->active;
    w->active = 0;
    if (!w->waiting) {
        w->min_wait = UINT32_MAX;
        return;
    }
    recompute_min(w);
    w->pc = w->min_wait;
    for (m = w->waiting; m; m &= m - 1) {
        unsigned l = __builtin_ctz(m);

        if (w->lane_pc[l] == w->pc) {
            w->active |= 1u << l;
        }
    }
    w->waiting &= ~w->active;
    recompute_min(w);
}

static void merge(struct gv_warp *w)
{
    for (uint32_t m = w->waiting; m; m &= m - 1) {
        unsigned l = __builtin_ctz(m);

        if (w->lane_pc[l] == w->pc) {
            w->active |= 1u << l;
        }
    }
    w->waiting &= ~w->active;
    recompute_min(w);
}

static uint64_t sreg(struct gv_launch *L, struct gv_sm *sm, struct gv_warp *w,
                     unsigned id, unsigned l)
{
    uint32_t t = w->id * GV_WARP + l, bx = L->block[0], by = L->block[1];

    switch (id) {
    case GV_SR_TID_X: return t % bx;
    case GV_SR_TID_Y: return (t / bx) % by;
    case GV_SR_TID_Z: return t / (bx * by);
    case GV_SR_NTID_X: case GV_SR_NTID_Y: case GV_SR_NTID_Z:
        return L->block[id - GV_SR_NTID_X];
    case GV_SR_CTAID_X: case GV_SR_CTAID_Y: case GV_SR_CTAID_Z:
        return sm->ctaid[id - GV_SR_CTAID_X];
    case GV_SR_NCTAID_X: case GV_SR_NCTAID_Y: case GV_SR_NCTAID_Z:
        return L->grid[id - GV_SR_NCTAID_X];
    case GV_SR_LANEID: return l;
    case GV_SR_WARPID: return w->id;
    case GV_SR_NWARPID: return L->nwarps;
    case GV_SR_SMID: return sm->id;
    case GV_SR_NSMID: return L->dev->compute_sms;
    case GV_SR_GRIDID: return 1;
    case GV_SR_LANEMASK_EQ: return 1u << l;
    case GV_SR_LANEMASK_LT: return (1u << l) - 1;
    case GV_SR_LANEMASK_LE: return (uint32_t)((2ull << l) - 1);
    case GV_SR_LANEMASK_GT: return (uint32_t)~((2ull << l) - 1);
    case GV_SR_LANEMASK_GE: return ~((1u << l) - 1);
    case GV_SR_CLOCK: return (uint32_t)w->issued;
    case GV_SR_CLOCK64: return w->issued;
    case GV_SR_GLOBALTIMER: return gv_now_ns();
    default: return gv_simt_unsupported();
    }
}

uint64_t gv_simt_sreg(struct gv_launch *L, struct gv_sm *sm,
                      struct gv_warp *w, unsigned id, unsigned l)
{
    return sreg(L, sm, w, id, l);
}

/* s2r: the special registers.  tid.x in the common layouts and the
 * uniform ones (the block's, and %warpid) are computed once for the
 * warp. */
static inline void s2r(struct gv_launch *L, struct gv_sm *sm,
                       struct gv_warp *w, unsigned id, uint64_t *D,
                       uint32_t m)
{
    switch (id) {
    case GV_SR_TID_X:
        if (L->block[0] % GV_WARP == 0 || L->block[1] * L->block[2] == 1) {
            /* a warp never wraps a row: tid.x = warp base + lane */
            uint32_t t0 = (w->id * GV_WARP) % L->block[0];

            LANES(m, D[l] = t0 + l);
            break;
        }
        LANES(m, D[l] = sreg(L, sm, w, id, l));
        break;
    case GV_SR_LANEID:
        LANES(m, D[l] = l);
        break;
    default:
        if (gv_sreg_block_uniform(id) || id == GV_SR_WARPID) {
            uint64_t v = sreg(L, sm, w, id, 0);  /* uniform */

            LANES(m, D[l] = v);
        } else {
            LANES(m, D[l] = sreg(L, sm, w, id, l));
        }
        break;
    }
}

/* ---- control: branches and barriers ---- */

/* bra: the lanes of @m jump; the rest of the running group waits at the
 * next instruction, and with a reconvergence point both meet there.
 * False if the launch faulted. */
static inline bool branch(struct gv_launch *L, struct gv_warp *w,
                          const struct gv_dinsn *i, uint32_t m)
{
    uint32_t nt = w->active & ~m;

    if (!m) {
        w->pc++;
        return true;
    }
    if (nt) {
        if (i->rnd == GV_D_JOIN && !gv_simt_join_push(w, i->e, w->active)) {
            gv_simt_fault(L, GV_RULE_COMPUTE_JOIN_STACK, UINT64_MAX);
            return false;
        }
        for (uint32_t mm = nt; mm; mm &= mm - 1) {
            w->lane_pc[__builtin_ctz(mm)] = w->pc + 1;
        }
        w->waiting |= nt;
        w->active = m;
        if (w->pc + 1 < w->min_wait) {
            w->min_wait = w->pc + 1;
        }
    }
    w->pc = (uint32_t)i->imm;
    if (w->pc > w->min_wait) {
        resched(w);
    }
    return true;
}

/* bar: the lanes of @m arrive at barrier A (with count B); unless
 * arrive-only they wait there until bar_release(). */
static inline void bar_arrive(struct gv_sm *sm, struct gv_warp *w,
                              const struct gv_dinsn *i, const uint64_t *A,
                              const uint64_t *B, uint32_t m)
{
    unsigned id = m ? (unsigned)A[__builtin_ctz(m)] & 15 : 0;

    if (!m) {
        return;
    }
    if (i->mod & GV_BAR_COUNT) {
        sm->bar_expected[id] = (uint32_t)B[__builtin_ctz(m)];
    }
    sm->bar_arrived[id] += popc32(m);
    if (i->mod & GV_BAR_ARRIVE) {
        return;
    }
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        w->lane_pc[__builtin_ctz(mm)] = w->pc + 1;
        w->lane_bar[__builtin_ctz(mm)] = (uint8_t)id;
    }
    w->bar_whole = !w->at_bar;  /* the lanes at_bar: one pc, one id */
    w->at_bar |= m;
    w->active &= ~m;
}

/* Make a group of lanes the running one, merging the parked lanes that
 * reached its pc; false when no lane can run. */
static inline bool warp_ready(struct gv_warp *w)
{
    if (!w->active) {
        resched(w);
        /* held lanes wait for lanes at a block barrier (the barrier
         * brings them back, or bar_release lets the held lanes go);
         * never for lanes that cannot run otherwise */
        while (!w->active && !w->at_bar && gv_simt_join_unblock(w)) {
            resched(w);
        }
        if (!w->active) {
            return false;
        }
    }
    if (w->pc == w->min_wait) {
        merge(w);
    }
    return true;
}

/* The running lanes that instruction @i's guard predicate lets through;
 * at a reconvergence point (GV_G_JOIN), after they met the others or
 * stopped to wait for them (then none). */
static inline uint32_t guarded(struct gv_warp *w, const struct gv_dinsn *i,
                               const uint64_t *R)
{
    uint32_t m;

    if (!i->guard) {
        return w->active;
    }
    if ((i->guard & GV_G_JOIN) && w->njoin) {
        gv_simt_join_arrive(w);
    }
    m = w->active;
    if (i->guard & GV_G_ON) {
        uint32_t p = gv_predmask(R + i->g);

        m &= (i->guard & GV_G_NEG) ? ~p : p;
    }
    return m;
}

enum { W_STOP, W_IDLE, W_YIELD, W_GO };

/* Every 4096 warp instructions (@check: run_warp's copy of sm->check,
 * kept in a register): was the launch stopped, or is it past its
 * deadline (then it times out)?  W_STOP.  Is the SM's time slice for
 * this block over, or has a launch arrived that it may take on
 * (gv_sched.c)?  W_YIELD.  Else W_GO. */
static inline int launch_check(struct gv_launch *L, struct gv_sm *sm,
                               unsigned *check)
{
    if (--*check != 0) {
        return W_GO;
    }
    *check = GV_SIMT_CHECK_EVERY;
    if (atomic_load_explicit(&L->status, memory_order_relaxed)) {
        return W_STOP;
    }
    if (L->deadline_ns && gv_now_ns() > L->deadline_ns) {
        int none = GV_ERR_NONE;

        atomic_compare_exchange_strong(&L->status, &none,
                                       GV_ERR_TIMEOUT);
        return W_STOP;
    }
    if ((sm->slice && --sm->slice == 0) ||
        atomic_load_explicit(sm->arrivals, memory_order_relaxed) !=
            sm->arrivals_seen) {
        return W_YIELD;
    }
    return W_GO;
}

/* run_warp returns @c: its counts back into the SM. */
static inline int warp_leave(struct gv_sm *sm, uint64_t lanes,
                             unsigned check, int c)
{
    if (c != W_STOP) {
        sm->lane_insns += lanes;
    }
    sm->check = check;
    return c;
}

/* ld.param with a constant offset: one value for every lane. */
static inline bool ldp_uni(struct gv_launch *L, const struct gv_dinsn *i,
                           const uint64_t *A, uint64_t *D, uint32_t m)
{
    /* A is a constant slot: one offset for every lane */
    const uint8_t *p = gv_param_ptr(L, A[0] + (uint64_t)(int64_t)i->imm,
                                    tbits(i->type) / 8, false);
    uint64_t v;

    if (!m) {
        return true;
    }
    if (!p) {
        gv_simt_fault(L, GV_RULE_COMPUTE_PARAM, UINT64_MAX);
        return false;
    }
    v = gv_simt_load(p, i->type);
    LANES(m, D[l] = v);
    return true;
}


/*
 * The fused multiply-adds in one version with the FMA instructions and one
 * without, chosen at load time by an ifunc resolver.  ThreadSanitizer
 * crashes in that resolver (it runs before TSan's runtime is set up), so a
 * TSan build has the default version only.
 */
#if defined(__SANITIZE_THREAD__)
#define GV_FMA_CLONES
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GV_FMA_CLONES
#endif
#endif
#ifndef GV_FMA_CLONES
#define GV_FMA_CLONES __attribute__((target_clones("fma", "default")))
/* The interpreter's loop also in versions for x86-64-v3 (AVX2, BMI2,
 * POPCNT, FMA) and x86-64-v4 (AVX-512), one chosen at load time: a
 * full-warp lane loop of 64-bit slots moves 4 or 8 lanes per instruction
 * instead of 2.  Bit-identical to the default version: no contraction of
 * a * b + c (the pragma above), and explicit fmaf/fma are fused in all. */
#define GV_SIMD_CLONES                                                  \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3",     \
                                 "default")))
#else
#define GV_SIMD_CLONES
#endif

GV_FMA_CLONES
static void fma_f32(uint64_t *D, const uint64_t *A, const uint64_t *B,
                    const uint64_t *C, uint32_t m)
{
    LANES(m, D[l] = bf(fmaf(f32(A[l]), f32(B[l]), f32(C[l]))));
}

GV_FMA_CLONES
static void fma_f64(uint64_t *D, const uint64_t *A, const uint64_t *B,
                    const uint64_t *C, uint32_t m)
{
    LANES(m, D[l] = bd(fma(f64(A[l]), f64(B[l]), f64(C[l]))));
}

/* The same lane loops for the hosts with FMA, inline in the x86-64-v3 and
 * v4 versions of run_warp (a call of a clone above costs the call and
 * the registers it clobbers, in matmul's inner loop twice).  The default
 * version cannot inline them (its target has no FMA): it calls them, so
 * run_warp takes them only on a host with FMA (fma_host) and the clones
 * above elsewhere.  Every version computes the exactly rounded fmaf/fma:
 * bit-identical results. */
#ifdef __SANITIZE_THREAD__
#define GV_FMA_TARGET
#else
#define GV_FMA_TARGET __attribute__((target("fma")))
#endif

static inline GV_FMA_TARGET
void fma_f32_host(uint64_t *D, const uint64_t *A, const uint64_t *B,
                  const uint64_t *C, uint32_t m)
{
    LANES(m, D[l] = bf(fmaf(f32(A[l]), f32(B[l]), f32(C[l]))));
}

static inline GV_FMA_TARGET
void fma_f64_host(uint64_t *D, const uint64_t *A, const uint64_t *B,
                  const uint64_t *C, uint32_t m)
{
    LANES(m, D[l] = bd(fma(f64(A[l]), f64(B[l]), f64(C[l]))));
}

static inline bool fma_host(void)
{
#ifdef __SANITIZE_THREAD__
    return false;
#else
    return __builtin_cpu_supports("fma");
#endif
}

#define FMA_ANY(f, ...) do {                                            \
        if (fma_host()) {                                               \
            f##_host(__VA_ARGS__);                                      \
        } else {                                                        \
            f(__VA_ARGS__);                                             \
        }                                                               \
    } while (0)

/* Do all 32 lanes of @A hold one value, and all of @B?  (A loop's
 * counter and bound: the setp of lane 0 is then every lane's.)  Lane 31
 * first: a thread index differs there, at the cost of two compares. */
static inline bool uniform2(const uint64_t *A, const uint64_t *B)
{
    uint64_t diff = 0;

    if (A[31] != A[0] || B[31] != B[0]) {
        return false;
    }
    for (unsigned l = 1; l < GV_WARP - 1; l++) {
        diff |= (A[l] ^ A[0]) | (B[l] ^ B[0]);
    }
    return !diff;
}

/* GV_K_SETP_BRA (gv_fuse.c): the setp (its own kind in fscale) for the
 * lanes of @m; a full warp then runs the branch too, guarded by the
 * predicate it just wrote, and counts it.  A full warp has no lane parked
 * at the branch, so none can join there.  Any other group goes on to
 * the branch by itself.  False if the launch faulted. */
static inline __attribute__((always_inline))
bool setp_bra_full(struct gv_launch *L, struct gv_sm *sm, struct gv_warp *w,
                   const struct gv_dinsn *i, uint64_t *R)
{
    uint64_t *D = R + i->d;
    const uint64_t *A = R + i->a, *B = R + i->b;
    const struct gv_dinsn *br = i + 1;
    uint32_t p = 0;

    if (uniform2(A, B)) {
        SETP_TYPES(1);
        for (unsigned l = 0; l < GV_WARP; l++) {
            D[l] = p;
        }
        p = 0u - p;                     /* lane 0's result, every lane's */
    } else {
        /* each lane's 0 or 1 (a vector compare), then the mask of them */
        const uint32_t m = FULL;

        SETP_FUSED();
        p = gv_predmask(D);
    }
    if (br->guard & GV_G_NEG) {
        p = ~p;
    }
    w->pc++;
    w->issued++;
    sm->lane_insns += (unsigned)__builtin_popcount(p);   /* as guarded */
    return branch(L, w, br, p);
}

GV_SIMD_CLONES
static bool setp_bra(struct gv_launch *L, struct gv_sm *sm,
                     struct gv_warp *w, const struct gv_dinsn *i,
                     uint64_t *R, uint32_t m)
{
    uint64_t *D = R + i->d;
    const uint64_t *A = R + i->a, *B = R + i->b;

    if (m == FULL) {
        return setp_bra_full(L, sm, w, i, R);
    }
    SETP_FUSED();
    w->pc++;
    return true;
}

/* One case of logic_op: a kind of GV_LANE_OPS that gv_logic_kind takes,
 * with its expression there (the others' cases fold away). */
#define LOGIC_CASE(P, K, E)                                             \
    case K:                                                             \
        if (gv_logic_kind(K)) {                                         \
            LANES(m, {                                                  \
                const uint64_t a = A[l], b = B[l], c = C[l];            \
                (void)b;                                                \
                (void)c;                                                \
                D[l] = (E);                                             \
            });                                                         \
        }                                                               \
        break;

/* One instruction of a GV_K_LOGIC run for the lanes @m, by its kind @k
 * (gv_logic_kind): the expressions of run_warp's cases, from the same
 * list (GV_LANE_OPS), and NOT and bfe.s64, which only runs have. */
static inline __attribute__((always_inline))
void logic_op(unsigned k, uint64_t *D, const uint64_t *A, const uint64_t *B,
              const uint64_t *C, uint32_t m)
{
    switch (k) {
    GV_LANE_OPS(LOGIC_CASE, _)
    case GV_K_BFE_S64: LANES(m, D[l] = bfe_s64(A[l], B[l], C[l])); break;
    case GV_K_NOT32: LANES(m, D[l] = (uint32_t)~A[l]); break;
    case GV_K_NOT64: LANES(m, D[l] = ~A[l]); break;
    default:
        break;
    }
}

/* An operand's vector @v of the four (gv_simt_fuse.h: gv_vu). */
#define WV(P) (((const gv_vu *)(P))[v])
/* The result of a full warp as @expr of the lanes' vectors a and b:
 * every operand's vectors are loaded before the result's are stored,
 * so D may be A or B (slots are equal or disjoint). */
#define LOGIC_VEC(expr) do {                                            \
        gv_vu r_[GV_WV];                                                \
        for (unsigned v = 0; v < GV_WV; v++) {                          \
            const gv_vu a = WV(A);                                      \
            const gv_vu b __attribute__((unused)) = WV(B);              \
            r_[v] = (expr);                                             \
        }                                                               \
        for (unsigned v = 0; v < GV_WV; v++) {                          \
            ((gv_vu *)D)[v] = r_[v];                                    \
        }                                                               \
    } while (0)

/* shl64, shr_u64, shr_s64, shl32 and shr_u32 (above) of the four
 * lanes' a and b (macros: a function returning a 256-bit vector changes
 * the ABI): the count is the low 32 bits of b, a count past the width
 * gives 0 (the arithmetic shift: the sign) */
#define CNT (b & 0xffffffffu)
#define VSHL64 ((a << (CNT & 63)) & (gv_vu)(CNT < 64))
#define VSHR_U64 ((a >> (CNT & 63)) & (gv_vu)(CNT < 64))
#define VSHR_S64 ((gv_vu)((gv_vs)a >> (gv_vs)((CNT & (gv_vu)(CNT < 63)) | \
                                              (63 & ~(gv_vu)(CNT < 63)))))
#define VSHL32 ((a << (CNT & 31)) & 0xffffffffu & (gv_vu)(CNT < 32))
#define VSHR_U32 (((a & 0xffffffffu) >> (CNT & 31)) & (gv_vu)(CNT < 32))

/* A shift: by the constant count fscale - 1 (gv_fuse.c: below the
 * width) as @by_c of a and c, else by each lane's as @by_b. */
#define SHIFT_VEC(by_b, by_c) do {                                      \
        if (y->fscale) {                                                \
            const unsigned c = y->fscale - 1;                           \
                                                                        \
            LOGIC_VEC(by_c);                                            \
        } else {                                                        \
            LOGIC_VEC(by_b);                                            \
        }                                                               \
    } while (0)

/* Instruction @y of a GV_K_LOGIC run, of kind @k (its own, or a chain
 * of XORs), for a full warp in the host's vectors (bfe.u32 as
 * logic_op); how many instructions it was. */
static inline __attribute__((always_inline))
uint32_t logic_full(unsigned k, const struct gv_dinsn *y, uint64_t *R)
{
    uint64_t *D = R + y->d;
    const uint64_t *A = R + y->a, *B = R + y->b;

    switch (k) {
    case GV_K_XCHAIN: gv_simt_xchain(y, R); return y->fn;
    case GV_K_XOR64: LOGIC_VEC(a ^ b); break;
    case GV_K_NOT32: LOGIC_VEC(~a & 0xffffffffu); break;
    case GV_K_NOT64: LOGIC_VEC(~a); break;
    case GV_K_AND64: LOGIC_VEC(a & b); break;
    case GV_K_OR64: LOGIC_VEC(a | b); break;
    case GV_K_MOV64: LOGIC_VEC(a); break;
    case GV_K_ADD32: LOGIC_VEC((a + b) & 0xffffffffu); break;
    case GV_K_ADD64: LOGIC_VEC(a + b); break;
    case GV_K_SUB32: LOGIC_VEC((a - b) & 0xffffffffu); break;
    case GV_K_SUB64: LOGIC_VEC(a - b); break;
    case GV_K_AND32: LOGIC_VEC(a & b & 0xffffffffu); break;
    case GV_K_OR32: LOGIC_VEC((a | b) & 0xffffffffu); break;
    case GV_K_XOR32: LOGIC_VEC((a ^ b) & 0xffffffffu); break;
    case GV_K_SHL32: SHIFT_VEC(VSHL32, (a << c) & 0xffffffffu); break;
    case GV_K_SHL64: SHIFT_VEC(VSHL64, a << c); break;
    case GV_K_SHR_U32: SHIFT_VEC(VSHR_U32, (a & 0xffffffffu) >> c); break;
    case GV_K_SHR_U64: SHIFT_VEC(VSHR_U64, a >> c); break;
    case GV_K_SHR_S64: SHIFT_VEC(VSHR_S64, (gv_vu)((gv_vs)a >> c)); break;
    case GV_K_BFE_U32: logic_op(k, D, A, B, R + y->c, FULL); break;
    case GV_K_BFE_S64:
        if (y->fscale & GV_FUSE_FIELD) {    /* len >= 1, pos + len <= 64 */
            const unsigned len = y->fscale >> 8 & 0xff;
            const unsigned up = 64 - (y->fscale & 0xff) - len;

            LOGIC_VEC((gv_vu)((gv_vs)(a << up) >> (64 - len)));
        } else {
            logic_op(k, D, A, B, R + y->c, FULL);
        }
        break;
    default:            /* MOV32, CVT_U64_U32, CVT_U32_U64 */
        LOGIC_VEC(a & 0xffffffffu);
        break;
    }
    return 1;
}

/* GV_K_LOGIC at warp @w's pc: a full warp runs the fused run, fmask
 * instructions (a chain of XORs inside in its own fused form), in one
 * dispatch, each over the 32 lanes in order, so the results are those
 * of running them one by one (none can fault); any other group of lanes
 * runs the first one alone, and the others follow one by one.  A full
 * warp has no lane parked at a later pc (the run has no reconvergence
 * point: no guard), so none can join in the middle of the run. */
static inline __attribute__((always_inline))
void logic_run(struct gv_sm *sm, struct gv_warp *w,
                      const struct gv_dinsn *i, uint64_t *R, uint32_t m)
{
    const uint32_t n = i->fmask;

    if (m != FULL) {
        logic_op(i->fsh, R + i->d, R + i->a, R + i->b, R + i->c, m);
        return;
    }
    logic_full(i->fsh, i, R);
    for (const struct gv_dinsn *y = i + 1, *end = i + n; y < end;) {
        y += logic_full(y->k, y, R);
    }
    w->pc += n - 1u;
    w->issued += n - 1u;
    sm->lane_insns += (uint64_t)(n - 1u) * GV_WARP;
}

/* The fast shared and global forms out of line (run_warp stays small
 * enough to keep its state in registers), in the same versions as
 * run_warp: the full-warp checks and copies use the host's vectors.
 * The shared loads and stores have a function of their own (a small
 * frame: matmul's inner loop is four of them per two products). */
GV_SIMD_CLONES
static bool shared_fast(struct gv_launch *L, struct gv_sm *sm,
                        const struct gv_dinsn *i, uint64_t *R, uint32_t m)
{
    return gv_simt_shared_fast(L, sm, i, R, m);
}

/* GV_K_LDFMA (gv_fuse.c): a full warp's two shared loads and fma in one
 * dispatch, each as its own case runs it (the loads through
 * gv_simt_shared_fast: checked before anything is written, a fault by
 * the same rule stops the launch there); any other group runs the first
 * load alone and goes on to the others one by one. */
static inline __attribute__((always_inline))
bool ldfma_run(struct gv_launch *L, struct gv_sm *sm, struct gv_warp *w,
               const struct gv_dinsn *i, uint64_t *R, uint32_t m)
{
    const struct gv_dinsn *f = i + 2;

    /* both loads are LDS32 (their own kinds: fscale, i[1].k) */
    if (!gv_simt_shared_k(L, sm, i, R, m, GV_K_LDS32)) {
        return false;
    }
    if (m != FULL) {
        return true;
    }
    w->pc++;
    w->issued++;
    if (!gv_simt_shared_k(L, sm, i + 1, R, FULL, GV_K_LDS32)) {
        return false;
    }
    FMA_ANY(fma_f32, R + f->d, R + f->a, R + f->b, R + f->c, FULL);
    w->pc++;
    w->issued++;
    sm->lane_insns += 2 * GV_WARP;
    return true;
}

/* The fused runs, PRMT and NOT (gv_simt_fuse.h, logic_run above). */
static inline __attribute__((always_inline))
bool fused_any(struct gv_launch *L, struct gv_sm *sm, struct gv_warp *w,
               const struct gv_dinsn *i, uint64_t *R, uint32_t m)
{
    switch (i->k) {
    case GV_K_LUT: return gv_simt_lut_step(L, sm, w, i, R, m);
    case GV_K_XCHAIN: return gv_simt_xchain_step(sm, w, i, R, m);
    case GV_K_PRMT: gv_simt_prmt(i, R, m); return true;
    case GV_K_LDFMA: return ldfma_run(L, sm, w, i, R, m);
    case GV_K_NOT32: case GV_K_NOT64: case GV_K_BFE_S64:
        logic_op(i->k, R + i->d, R + i->a, R + i->b, R + i->c, m);
        return true;
    default: logic_run(sm, w, i, R, m); return true;     /* GV_K_LOGIC */
    }
}

GV_SIMD_CLONES
static bool fused_fast(struct gv_launch *L, struct gv_sm *sm,
                       struct gv_warp *w, const struct gv_dinsn *i,
                       uint64_t *R, uint32_t m)
{
    return fused_any(L, sm, w, i, R, m);
}

/* The memory and fused kinds for the @n full warps of a gang (run_gang),
 * from @w0 on, their slots @st apart: each warp's part as run_warp's
 * case does it, in one call.  False if the launch faulted. */
GV_SIMD_CLONES
static bool gang_calls(struct gv_launch *L, struct gv_sm *sm,
                       struct gv_warp *w0, const struct gv_dinsn *i,
                       size_t st, uint32_t n)
{
    uint64_t *R = w0->R;

    for (uint32_t g = 0; g < n; g++, R += st) {
        bool ok;

        switch (i->k) {
        case GV_K_LDG32: case GV_K_LDG64: case GV_K_STG32: case GV_K_STG64:
            ok = gv_simt_global_fast(L, sm, i, R, FULL);
            break;
        case GV_K_LDS8: case GV_K_LDS32: case GV_K_LDS64: case GV_K_STS32:
            ok = gv_simt_shared_fast(L, sm, i, R, FULL);
            break;
        case GV_K_SETP_BRA:
            w0[g].issued++;
            ok = setp_bra_full(L, sm, &w0[g], i, R);
            break;
        default:
            ok = fused_any(L, sm, &w0[g], i, R, FULL);
            break;
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

GV_SIMD_CLONES
static bool global_fast(struct gv_launch *L, struct gv_sm *sm,
                        const struct gv_dinsn *i, uint64_t *R, uint32_t m)
{
    return gv_simt_global_fast(L, sm, i, R, m);
}


enum { S_NEXT, S_JUMP, S_STOP };

/* Instruction @i for the lanes @m of warp @w: S_NEXT (the caller moves
 * the warp's pc on), S_JUMP (the instruction set the pc), S_STOP (the
 * launch stopped: a fault).  One switch over the fast kinds, each case
 * one lane loop or a call of an inline helper above. */
static inline __attribute__((always_inline))
int warp_step(struct gv_launch *L, struct gv_sm *sm, struct gv_warp *w,
              const struct gv_dinsn *i, uint64_t *R, uint32_t m)
{
    const struct gv_dinsn *code = L->f->code;
    uint64_t *D = R + i->d;
    const uint64_t *A = R + i->a, *B = R + i->b, *C = R + i->c;

    switch (i->k) {
    ALU_CASES(ONCE);
    case GV_K_GENERIC: {
        const uint64_t *E = R + i->e;

        LANES(m, D[l] = gv_simt_alu(i, A[l], B[l], C[l], E[l]));
        break;
    }
    case GV_K_LDS8: case GV_K_LDS32: case GV_K_LDS64: case GV_K_STS32:
        return shared_fast(L, sm, i, R, m) ? S_NEXT : S_STOP;
    case GV_K_LUT: case GV_K_XCHAIN: case GV_K_PRMT: case GV_K_LOGIC:
    case GV_K_LDFMA: case GV_K_NOT32: case GV_K_NOT64: case GV_K_BFE_S64:
        return fused_fast(L, sm, w, i, R, m) ? S_NEXT : S_STOP;
    case GV_K_LDG32: case GV_K_LDG64: case GV_K_STG32: case GV_K_STG64:
        return global_fast(L, sm, i, R, m) ? S_NEXT : S_STOP;
    case GV_K_LD: case GV_K_ST: case GV_K_ATOM:
        return gv_simt_ldst(L, sm, w, i, m) ? S_NEXT : S_STOP;
    case GV_K_LDP_UNI:
        return ldp_uni(L, i, A, D, m) ? S_NEXT : S_STOP;
    case GV_K_BRA:
        return branch(L, w, i, m) ? S_JUMP : S_STOP;
    case GV_K_SETP_BRA:
        return setp_bra(L, sm, w, i, R, m) ? S_JUMP : S_STOP;
    case GV_K_EXIT: lanes_exit(w, code, m); break;
    case GV_K_BAR: bar_arrive(sm, w, i, A, B, m); break;
    case GV_K_S2R: s2r(L, sm, w, i->mod, D, m); break;
    case GV_K_SHFL: case GV_K_VOTE: warp_op(w, code, i, m); break;
    default: /* GV_K_CALL, GV_K_RET, GV_K_TRAP */
        return gv_simt_call(L, w, i, m) ? S_JUMP : S_STOP;
    }
    return S_NEXT;
}

/* Run warp @w until none of its lanes can run (all exited or at a
 * barrier), the launch stops or the SM's time slice ends (W_YIELD: the
 * warp's state is whole, at an instruction not yet run).  The watchdog's
 * countdown lives in a register (check), written back when the warp
 * stops running (warp_leave; a W_STOP from a case leaves sm->check as it
 * was: the launch ends).  Lanes are counted with popcnt in the
 * x86-64-v3/v4 versions. */
GV_SIMD_CLONES
static int run_warp(struct gv_launch *L, struct gv_sm *sm, struct gv_warp *w)
{
    const struct gv_dinsn *code = L->f->code;
    uint64_t *R = w->R;
    uint64_t lanes = 0;
    unsigned check = sm->check;

    for (;;) {
        const struct gv_dinsn *i;
        uint32_t m;

        if (!warp_ready(w)) {
            return warp_leave(sm, lanes, check, W_IDLE);
        }
        int c = launch_check(L, sm, &check);

        if (c != W_GO) {
            return warp_leave(sm, lanes, check, c);
        }
        i = &code[w->pc];
        m = guarded(w, i, R);
        w->issued++;
        lanes += m == FULL ? GV_WARP : (unsigned)__builtin_popcount(m);

        int s = warp_step(L, sm, w, i, R, m);

        if (s == S_NEXT) {
            w->pc++;
        } else if (s == S_STOP) {
            return W_STOP;
        }
    }
}

/*
 * Gangs: the warps of a block that are at one pc with all their lanes
 * running and none parked (in lockstep) run together, one instruction
 * for all of them before the next, instead of one warp after the other:
 * the instruction is decoded and dispatched once, and a lane-loop kind
 * runs as one loop over the gang's warps (their register slots are one
 * array, a warp's after the one before).  The warps still run in their
 * order at each instruction, each with the semantics of run_warp; what
 * changes is only the interleaving of different warps' instructions,
 * which PTX leaves open (no order between warps without a barrier, a
 * fence or an atomic), and it is the same in every run (a gang is formed
 * from the block's state alone).  A gang ends when its warps leave
 * lockstep (a branch that diverges or goes different ways, an exit, a
 * barrier, a warp-synchronous wait): they go on one at a time, and
 * gangs form again where they meet (after a barrier).  docs/compute.md.
 */
static inline bool in_lockstep(const struct gv_warp *w, uint32_t pc)
{
    return w->pc == pc && w->active == FULL && w->alive == FULL &&
           !(w->waiting | w->at_bar | w->at_sync | w->at_join | w->njoin) &&
           w->min_wait == UINT32_MAX;
}

/* How many warps from @k on are in lockstep with warp @k (0: warp @k
 * itself is not). */
static uint32_t gang_size(struct gv_sm *sm, uint32_t k, uint32_t nw)
{
    uint32_t pc = sm->warps[k].pc, n = 0;

    while (k + n < nw && in_lockstep(&sm->warps[k + n], pc)) {
        n++;
    }
    return n;
}

/* An unguarded instruction @i for the @n full warps from @w0 on (whose
 * slots start at w0->R, @st slots apart), each warp's part as warp_step
 * does it, with one dispatch: G_DONE; G_STOP (a fault stopped the
 * launch); G_JUMP (done, and each warp set its pc: a branch); G_NO:
 * not a kind done here (nothing done).  The lane-loop
 * kinds as one loop over the warps; parameters and uniform special
 * registers read once. */
enum { G_DONE, G_JUMP, G_STOP, G_NO };

#define GANG_EACH(s)                                                    \
    for (uint32_t g_ = 0; g_ < n; g_++, D += st, A += st, B += st,      \
         C += st) {                                                     \
        s;                                                              \
    }

static inline __attribute__((always_inline))
int gang_step(struct gv_launch *L, struct gv_sm *sm, struct gv_warp *w0,
              const struct gv_dinsn *i, size_t st, uint32_t n)
{
    const uint32_t m = FULL;
    uint64_t *R = w0->R, *D = R + i->d;
    const uint64_t *A = R + i->a, *B = R + i->b, *C = R + i->c;

    switch (i->k) {
    ALU_CASES(GANG_EACH);
    case GV_K_LDP_UNI: {
        /* A is a constant slot: one offset for every lane */
        const uint8_t *p = gv_param_ptr(L, A[0] + (uint64_t)(int64_t)i->imm,
                                        tbits(i->type) / 8, false);

        if (!p) {
            return G_NO;                /* warp_step faults */
        }
        uint64_t v = gv_simt_load(p, i->type);

        GANG_EACH(LANES(FULL, D[l] = v));
        break;
    }
    case GV_K_S2R:
        if (i->mod == GV_SR_CLOCK || i->mod == GV_SR_CLOCK64) {
            /* the warp's issued count, which run_warp (and the per-warp
             * path) advance before the instruction, run_gang after */
            return G_NO;
        }
        if (gv_sreg_block_uniform(i->mod)) {
            uint64_t v = sreg(L, sm, w0, i->mod, 0);    /* the block's */

            GANG_EACH(LANES(FULL, D[l] = v));
            break;
        }
        for (uint32_t g = 0; g < n; g++, D += st) {
            s2r(L, sm, &w0[g], i->mod, D, FULL);
        }
        break;
    case GV_K_LDG32: case GV_K_LDG64: case GV_K_STG32: case GV_K_STG64:
    case GV_K_LDS8: case GV_K_LDS32: case GV_K_LDS64: case GV_K_STS32:
    case GV_K_LUT: case GV_K_XCHAIN: case GV_K_PRMT: case GV_K_LOGIC:
    case GV_K_LDFMA: case GV_K_NOT32: case GV_K_NOT64: case GV_K_BFE_S64:
        /* a full warp runs a whole fused run: every warp's pc moves on
         * alike */
        return gang_calls(L, sm, w0, i, st, n) ? G_DONE : G_STOP;
    case GV_K_SETP_BRA:
        return gang_calls(L, sm, w0, i, st, n) ? G_JUMP : G_STOP;
    default:
        return G_NO;
    }
    return G_DONE;
}

/* Run the gang of the @n (2 or more) warps from @w0 on until they leave
 * lockstep (W_IDLE: the caller runs them on, one at a time), the launch
 * stops or the time slice ends (W_YIELD, each warp's state whole, all at
 * one instruction not yet run).  The watchdog counts each warp's
 * instructions, as in run_warp. */
GV_SIMD_CLONES
static int run_gang(struct gv_launch *L, struct gv_sm *sm, struct gv_warp *w0,
                    uint32_t n)
{
    const struct gv_dinsn *code = L->f->code;
    const size_t st = (size_t)L->f->nslots * GV_WARP;
    uint64_t lanes = 0;
    unsigned check = sm->check;

    for (;;) {
        const struct gv_dinsn *i = &code[w0->pc];

        if (check > n) {
            check -= n - 1;
        } else {
            check = 1;
        }
        int c = launch_check(L, sm, &check);

        if (c != W_GO) {
            return warp_leave(sm, lanes, check, c);
        }
        /* compiled regions: their instructions counted as run_gang
         * counts them, the first one's already */
        uint64_t jl = 0;
        bool short_of = false;
        uint32_t len = L->f->jit_at && L->f->jit_at[w0->pc]
                           ? gv_jit_gang(L, sm, w0, n, st, check, &jl,
                                         &short_of)
                           : 0;

        if (short_of) {
            check = 1;          /* the watchdog's check first, then again */
            continue;
        }
        if (len) {
            check -= (len - 1) * n;
            lanes += jl;
            sm->jit_insns += jl;
            for (uint32_t g = 0; g < n; g++) {
                w0[g].issued += len;
                w0[g].pc += len;
            }
            continue;
        }
        if (gv_gang_not_taken(w0, i, n)) {
            for (uint32_t g = 0; g < n; g++) {
                w0[g].issued++;
                w0[g].pc++;
            }
            continue;
        }
        int r = i->guard ? G_NO : gang_step(L, sm, w0, i, st, n);

        if (r == G_STOP) {
            return W_STOP;
        }
        if (r == G_DONE) {
            lanes += (uint64_t)n * GV_WARP;
            for (uint32_t g = 0; g < n; g++) {
                w0[g].issued++;
                w0[g].pc++;
            }
            continue;
        }
        if (r == G_JUMP) {
            lanes += (uint64_t)n * GV_WARP;
        }
        for (uint32_t g = 0; r == G_NO && g < n; g++) {
            struct gv_warp *w = &w0[g];
            uint32_t m = guarded(w, i, w->R);

            w->issued++;
            lanes += m == FULL ? GV_WARP : (unsigned)__builtin_popcount(m);

            int s = warp_step(L, sm, w, i, w->R, m);

            if (s == S_NEXT) {
                w->pc++;
            } else if (s == S_STOP) {
                return W_STOP;
            }
        }
        /* a branch, or a kind run warp by warp: still in lockstep? */
        for (uint32_t g = 0; g < n; g++) {
            if (!in_lockstep(&w0[g], w0->pc)) {
                return warp_leave(sm, lanes, check, W_IDLE);
            }
        }
    }
}

/* Every warp is blocked at a barrier or done: release the barriers that
 * are complete (their count, or every live thread, arrived; the
 * arrivals beyond a count are the next round's).  If none is, lanes held
 * at a reconvergence point go on without the lanes at the barriers (they
 * may be the ones the barriers wait for); if none are, the block would
 * wait forever: release them all, as before barriers had ids; unless
 * lanes wait at a warp-synchronous instruction for lanes at a barrier: a
 * deadlock (false). */
static bool bar_release(struct gv_sm *sm, uint32_t nw)
{
    uint32_t live = 0, open = 0, sync = 0;
    bool held = false;

    for (uint32_t k = 0; k < nw; k++) {
        live += popc32(sm->warps[k].alive);
        sync |= sm->warps[k].at_sync;
    }
    for (unsigned id = 0; id < 16; id++) {
        uint32_t need = sm->bar_expected[id] ? sm->bar_expected[id] : live;

        if (sm->bar_arrived[id] && sm->bar_arrived[id] >= need) {
            open |= 1u << id;
        }
    }
    if (!open) {
        for (uint32_t k = 0; k < nw; k++) {
            held |= gv_simt_join_unblock(&sm->warps[k]);
        }
        if (held) {
            return true;
        }
        if (sync) {
            return false;
        }
        open = 0xffff;
    }
    for (unsigned id = 0; id < 16; id++) {
        uint32_t need = sm->bar_expected[id];

        if (open >> id & 1) {
            sm->bar_arrived[id] = need && sm->bar_arrived[id] > need
                                  ? sm->bar_arrived[id] - need : 0;
            if (!sm->bar_arrived[id]) {
                sm->bar_expected[id] = 0;
            }
        }
    }
    for (uint32_t k = 0; k < nw; k++) {
        struct gv_warp *w = &sm->warps[k];

        if (w->bar_whole && !w->waiting) {
            /* what resched() would make of the lanes released one by
             * one: one running group at their pc, none waiting (a warp
             * whose lanes all stopped never has lanes waiting: checked
             * anyway) */
            unsigned l = (unsigned)__builtin_ctz(w->at_bar);

            if (open >> w->lane_bar[l] & 1) {
                w->pc = w->lane_pc[l];
                w->active = w->at_bar;
                w->at_bar = 0;
                w->min_wait = UINT32_MAX;
                w->bar_whole = false;
            }
            continue;
        }
        for (uint32_t mm = w->at_bar; mm; mm &= mm - 1) {
            unsigned l = (unsigned)__builtin_ctz(mm);

            if (open >> w->lane_bar[l] & 1) {
                w->waiting |= 1u << l;
                w->at_bar &= ~(1u << l);
            }
        }
        recompute_min(w);
    }
    return true;
}

void gv_simt_block_ids(struct gv_launch *L, struct gv_sm *sm,
                       uint64_t block)
{
    sm->block = block;
    sm->ctaid[0] = block % L->grid[0];
    sm->ctaid[1] = (block / L->grid[0]) % L->grid[1];
    sm->ctaid[2] = block / ((uint64_t)L->grid[0] * L->grid[1]);
}

void gv_simt_block_start(struct gv_launch *L, struct gv_sm *sm,
                         uint64_t block)
{
    const struct gv_kfunc *f = L->f;
    uint32_t nw = L->nwarps;

    gv_simt_block_ids(L, sm, block);
    for (uint32_t k = 0; k < nw; k++) {
        struct gv_warp *w = &sm->warps[k];
        uint32_t left = L->nthreads - k * GV_WARP;

        w->R = sm->regs + (size_t)k * f->nslots * GV_WARP;
        /* no local memory: no pointer (not NULL + an offset) */
        w->local = f->local_size
                   ? sm->local + (size_t)k * GV_WARP * f->local_size : NULL;
        w->pc = 0;
        w->alive = left >= GV_WARP ? FULL : (1u << left) - 1;
        w->active = w->alive;
        w->waiting = w->at_bar = w->at_sync = w->at_join = 0;
        w->bar_whole = false;
        w->njoin = 0;
        w->min_wait = UINT32_MAX;
        w->id = k;
    }
    memset(sm->bar_arrived, 0, sizeof(sm->bar_arrived));
    memset(sm->bar_expected, 0, sizeof(sm->bar_expected));
    sm->next_warp = 0;
    sm->bar_seen = false;
}

int gv_simt_block_run(struct gv_launch *L, struct gv_sm *sm)
{
    uint32_t nw = L->nwarps;

    for (;;) {
        for (uint32_t k = sm->next_warp; k < nw; k++) {
            struct gv_warp *w = &sm->warps[k];
            uint32_t n = L->dev->compute_solo ? 0 : gang_size(sm, k, nw);

            if (n >= 2) {
                int r = run_gang(L, sm, w, n);

                if (r == W_STOP) {
                    return atomic_load(&L->status);
                }
                if (r == W_YIELD) {
                    sm->next_warp = k;
                    return GV_SIMT_YIELD;
                }
                k--;            /* out of lockstep: from warp k again */
                continue;
            }
            if (w->active || w->waiting) {
                int r = run_warp(L, sm, w);

                if (r == W_STOP) {
                    return atomic_load(&L->status);
                }
                if (r == W_YIELD) {
                    sm->next_warp = k;
                    return GV_SIMT_YIELD;
                }
            }
            sm->bar_seen |= w->at_bar != 0;
        }
        sm->next_warp = 0;
        if (!sm->bar_seen) {
            gv_simt_sync_stuck(L, sm, nw);
            return atomic_load(&L->status);
        }
        sm->bar_seen = false;
        if (!bar_release(sm, nw)) {
            gv_simt_sync_stuck(L, sm, nw);
            return atomic_load(&L->status);
        }
    }
}


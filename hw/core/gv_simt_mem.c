/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the SIMT interpreter's general memory
 * instructions (LD, ST, ATOM in any space and of any type: generic
 * addresses, local and parameter memory, the host atomics), every
 * address through the per-space accessors of gv_simt_mem.h (where the
 * fast 32/64-bit shared and global forms are, inline in run_warp).
 *
 * All lanes of an access are checked before any is performed (loads may
 * write their destination as they go: a fault stops the launch, so a
 * partly written register is never seen).
 */
/* The lane loops are the engine's hot path, as in gv_simt.c. */
#pragma GCC optimize("O3")

#include "gv_simt_mem.h"

#include <math.h>

/* The first fault of a launch wins; its rule is counted when the launch
 * ends (gv_engine_finish, on the device's thread). */
void gv_simt_fault(struct gv_launch *L, unsigned rule, uint64_t va)
{
    int none = GV_ERR_NONE;

    if (atomic_compare_exchange_strong(&L->status, &none, GV_ERR_FAULT)) {
        L->fault_va = va;
        L->fault_rule = rule;
    }
}

unsigned gv_simt_global_fault_rule(struct gv_launch *L, uint64_t va,
                                   unsigned size, bool write)
{
    if (!gv_aligned(va, size)) {
        return GV_RULE_COMPUTE_MISALIGNED;
    }
    if (!gv_range_ok(va, size, GV_VA_LIMIT) ||
        !gv_range_ok(va & (GV_PAGE_SIZE - 1), size, GV_PAGE_SIZE)) {
        return GV_RULE_COMPUTE_VA_RANGE;
    }
    switch (gv_mmu_classify(L->dev, L->chid, va, write)) {
    case GV_MMU_VA_RANGE:
        return GV_RULE_COMPUTE_VA_RANGE;
    case GV_MMU_NOT_OWNED:
        return GV_RULE_COMPUTE_NOT_OWNED;
    case GV_MMU_READ_ONLY:
        return GV_RULE_COMPUTE_READ_ONLY;
    default:                    /* GV_MMU_UNMAPPED */
        return GV_RULE_COMPUTE_UNMAPPED;
    }
}

/* Which rule an access of gv_simt_ldst() that resolve() refused breaks
 * (the fault path only). */
static unsigned ldst_fault_rule(struct gv_launch *L, unsigned space,
                                uint64_t addr, unsigned size, bool write)
{
    if (space == GV_SPACE_GENERIC && !gv_generic_split(&addr, &space)) {
        return GV_RULE_COMPUTE_GENERIC_WINDOW;
    }
    switch (space) {
    case GV_SPACE_GLOBAL:
        return gv_simt_global_fault_rule(L, addr, size, write);
    case GV_SPACE_SHARED:
        return GV_RULE_COMPUTE_SHARED_RANGE;
    case GV_SPACE_LOCAL:
        return GV_RULE_COMPUTE_LOCAL_RANGE;
    case GV_SPACE_PARAM:
        return GV_RULE_COMPUTE_PARAM;
    default:
        return GV_RULE_COMPUTE_GENERIC_WINDOW;
    }
}

/* The host address of an access of @size bytes at @addr in @space by lane
 * @lane of @w, or NULL (the launch faults). */
static inline uint8_t *resolve(struct gv_launch *L, struct gv_sm *sm,
                               struct gv_warp *w, unsigned lane,
                               unsigned space, uint64_t addr, unsigned size,
                               bool write)
{
    if (space == GV_SPACE_GENERIC && !gv_generic_split(&addr, &space)) {
        return NULL;
    }
    switch (space) {
    case GV_SPACE_GLOBAL:
        return gv_global_ptr(L, sm, addr, size, write);
    case GV_SPACE_SHARED:
        return gv_shared_ptr(L, sm, addr, size);
    case GV_SPACE_LOCAL:
        return gv_local_ptr(L, w, lane, addr, size);
    case GV_SPACE_PARAM:
        return gv_param_ptr(L, addr, size, write);
    default:
        return NULL;
    }
}

/* The value an atomic read-modify-write stores, for the operations done
 * with a compare-and-swap loop (float add, min, max, inc, dec). */
static uint64_t atom_new(unsigned t, unsigned op, uint64_t old, uint64_t b)
{
    unsigned n = tbits(t);
    bool lt;

    if (t == GV_T_F32) {
        float x = f32(old), y = f32(b);

        return bf(op == GV_ATOM_ADD ? x + y
                  : (float)(op == GV_ATOM_MIN ? fmin(x, y) : fmax(x, y)));
    }
    if (t == GV_T_F64) {
        double x = f64(old), y = f64(b);

        return bd(op == GV_ATOM_ADD ? x + y
                  : op == GV_ATOM_MIN ? fmin(x, y) : fmax(x, y));
    }
    old = zx(old, n);
    b = zx(b, n);
    switch (op) {
    case GV_ATOM_ADD:
        return zx(old + b, n);
    case GV_ATOM_MIN:
    case GV_ATOM_MAX:
        lt = tsig(t) ? sx(old, n) < sx(b, n) : old < b;
        return (op == GV_ATOM_MIN) == lt ? old : b;
    case GV_ATOM_INC:
        return old >= b ? 0 : old + 1;
    default:                                    /* DEC */
        return (old == 0 || old > b) ? b : old - 1;
    }
}

/* Atomic operation @op of type @t on the word at @q; returns the old
 * value.  One definition for 32- and 64-bit words. */
#define GV_ATOM_FN(name, T)                                              \
static uint64_t name(T *q, unsigned t, unsigned op, T b, T c)            \
{                                                                        \
    T old;                                                               \
                                                                         \
    switch (op) {                                                        \
    case GV_ATOM_ADD:                                                    \
        if (t != GV_T_F32 && t != GV_T_F64) {                            \
            return __atomic_fetch_add(q, b, __ATOMIC_SEQ_CST);           \
        }                                                                \
        break;                                                           \
    case GV_ATOM_AND: return __atomic_fetch_and(q, b, __ATOMIC_SEQ_CST); \
    case GV_ATOM_OR: return __atomic_fetch_or(q, b, __ATOMIC_SEQ_CST);   \
    case GV_ATOM_XOR: return __atomic_fetch_xor(q, b, __ATOMIC_SEQ_CST); \
    case GV_ATOM_EXCH: return __atomic_exchange_n(q, b, __ATOMIC_SEQ_CST); \
    case GV_ATOM_CAS:                                                    \
        old = b;                                                         \
        __atomic_compare_exchange_n(q, &old, c, false, __ATOMIC_SEQ_CST, \
                                    __ATOMIC_SEQ_CST);                   \
        return old;                                                      \
    default:                                                             \
        break;                                                           \
    }                                                                    \
    old = __atomic_load_n(q, __ATOMIC_SEQ_CST);                          \
    while (!__atomic_compare_exchange_n(q, &old,                         \
                                        (T)atom_new(t, op, old, b),      \
                                        false, __ATOMIC_SEQ_CST,         \
                                        __ATOMIC_SEQ_CST)) {             \
    }                                                                    \
    return old;                                                          \
}

GV_ATOM_FN(atom32, uint32_t)
GV_ATOM_FN(atom64, uint64_t)

/* ---- the instructions ---- */

/* Is @i a form gv_simt_ldst() has code for: an access of 1, 2, 4 or 8
 * bytes; atomics of 4 or 8, bitwise ones and INC/DEC on integers only? */
static bool ldst_supported(const struct gv_dinsn *i)
{
    unsigned size = tbits(i->type) / 8, aop = i->mod >> 4;

    if (i->type == GV_T_NONE || i->type == GV_T_PRED ||
        (i->mod & 0xf) > GV_SPACE_GENERIC) {
        return false;
    }
    if (i->k != GV_K_ATOM) {
        return true;
    }
    if ((size != 4 && size != 8) || aop > GV_ATOM_CAS) {
        return false;
    }
    return !tflt(i->type) || aop == GV_ATOM_ADD || aop == GV_ATOM_MIN ||
           aop == GV_ATOM_MAX || aop == GV_ATOM_EXCH || aop == GV_ATOM_CAS;
}

/* The address lane @l computes: register + the instruction's offset,
 * modulo 2^64 (the accessors check the result). */
static inline uint64_t lane_addr(const uint64_t *A, unsigned l,
                                 const struct gv_dinsn *i)
{
    return A[l] + (uint64_t)(int64_t)i->imm;
}

bool gv_simt_ldst(struct gv_launch *L, struct gv_sm *sm, struct gv_warp *w,
                  const struct gv_dinsn *i, uint32_t m)
{
    uint64_t *R = w->R, *D = R + i->d;
    const uint64_t *A = R + i->a, *B = R + i->b, *C = R + i->c;
    uint8_t *p[GV_WARP];
    unsigned size = tbits(i->type) / 8, space = i->mod & 0xf;
    bool wr = i->k != GV_K_LD;

    if (!ldst_supported(i)) {
        gv_simt_unsupported();
        return true;                    /* nothing accessed */
    }
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);
        uint64_t addr = lane_addr(A, l, i);

        p[l] = resolve(L, sm, w, l, space, addr, size, wr);
        if (!p[l]) {
            gv_simt_fault(L, ldst_fault_rule(L, space, addr, size, wr),
                          space == GV_SPACE_GLOBAL ||
                          space == GV_SPACE_GENERIC ? addr : UINT64_MAX);
            return false;
        }
    }
    if (i->k == GV_K_LD) {
        LANES(m, D[l] = gv_simt_load(p[l], i->type));
    } else if (i->k == GV_K_ST) {
        LANES(m, gv_simt_store(p[l], size, B[l]));
    } else {
        for (uint32_t mm = m; mm; mm &= mm - 1) {
            unsigned l = __builtin_ctz(mm);

            /* no result: D is the sink slot */
            D[l] = size == 4 ? atom32((uint32_t *)p[l], i->type, i->mod >> 4,
                                      (uint32_t)B[l], (uint32_t)C[l])
                             : atom64((uint64_t *)p[l], i->type, i->mod >> 4,
                                      B[l], C[l]);
        }
    }
    return true;
}

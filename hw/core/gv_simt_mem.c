/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the SIMT interpreter's memory instructions
 * (loads, stores, atomics) and the accessors every one of them goes
 * through, one per space:
 *
 *   shared_ptr()  [off, off + size) of the block's shared memory
 *   local_ptr()   [off, off + size) of one thread's local memory
 *   param_ptr()   [off, off + size) of the launch's parameters (read only)
 *   global_ptr()  [va, va + size) of the channel's virtual memory: inside
 *                 the 40-bit VA space and one page, then translated
 *                 (gv_translate_mt: ownership, hidden memory) via the TLB
 *   generic_split() a generic address to (space, offset): the windows of
 *                 docs/isa.md, nothing else
 *
 * Each checks alignment and the range with gv_range_ok() (gv_bounds.h),
 * which never computes off + size, and returns the host address or NULL
 * (the launch faults with GV_ERR_FAULT).  An address computed by a lane
 * (register + the instruction's offset) is taken modulo 2^64, as PTX's
 * address arithmetic is: it is the checked result that must lie in the
 * space, so a store to shared offset 2^64 - 8 faults instead of writing
 * the 8 bytes before the host's buffer (attack 16, issue 9).  No other
 * code of the engine adds a guest-supplied offset to a host pointer.
 *
 * All lanes of an access are checked before any is performed (loads may
 * write their destination as they go: a fault stops the launch, so a
 * partly written register is never seen).
 */
/* The lane loops are the engine's hot path, as in gv_simt.c. */
#pragma GCC optimize("O3")

#include "gv_simt.h"

#include "gv_bounds.h"

#include <math.h>

void gv_simt_fault(struct gv_launch *L, uint64_t va)
{
    int none = GV_ERR_NONE;

    if (atomic_compare_exchange_strong(&L->status, &none, GV_ERR_FAULT)) {
        L->fault_va = va;
    }
}

/* ---- one accessor per space ---- */

/* @size is 1, 2, 4 or 8 (the validator allows no other access type). */
static inline bool aligned(uint64_t off, unsigned size)
{
    return (off & (size - 1)) == 0;
}

static inline uint8_t *shared_ptr(const struct gv_launch *L,
                                  const struct gv_sm *sm, uint64_t off,
                                  unsigned size)
{
    return aligned(off, size) && gv_range_ok(off, size, L->shared_total)
               ? sm->shared + off : NULL;
}

/* Lane @lane's local memory is [lane * local_size, + local_size) of its
 * warp's; a kernel without local memory has none (w->local is NULL). */
static inline uint8_t *local_ptr(const struct gv_launch *L,
                                 const struct gv_warp *w, unsigned lane,
                                 uint64_t off, unsigned size)
{
    uint32_t n = L->f->local_size;

    return aligned(off, size) && gv_range_ok(off, size, n)
               ? w->local + (size_t)lane * n + off : NULL;
}

static inline uint8_t *param_ptr(struct gv_launch *L, uint64_t off,
                                 unsigned size, bool write)
{
    return !write && aligned(off, size) &&
           gv_range_ok(off, size, L->param_size) ? L->params + off : NULL;
}

/* The host address of @va's page through the SM's TLB, or NULL
 * (unmapped, not the context's, hidden; read-only for a write).  @va is
 * below GV_VA_LIMIT (global_ptr checked it). */
static inline uint8_t *tlb_page(struct gv_launch *L, struct gv_sm *sm,
                                uint64_t va, bool write)
{
    uint64_t vpage = va >> GV_PAGE_SHIFT;
    struct gv_simt_tlbe *t = &sm->tlb[vpage % GV_SIMT_TLB];

    if (t->vpage != vpage + 1) {
        uint64_t pa;
        bool ro;

        if (gv_translate_mt(L->dev, L->chid, vpage << GV_PAGE_SHIFT, &pa,
                            &ro) != 0) {
            return NULL;
        }
        t->vpage = vpage + 1;
        t->host = L->dev->vram + pa;
        t->ro = ro;
    }
    return write && t->ro ? NULL : t->host;
}

static inline uint8_t *global_ptr(struct gv_launch *L, struct gv_sm *sm,
                                  uint64_t va, unsigned size, bool write)
{
    uint64_t in_page = va & (GV_PAGE_SIZE - 1);
    uint8_t *page;

    if (!aligned(va, size) || !gv_range_ok(va, size, GV_VA_LIMIT) ||
        !gv_range_ok(in_page, size, GV_PAGE_SIZE)) {
        return NULL;
    }
    page = tlb_page(L, sm, va, write);
    return page ? page + in_page : NULL;
}

/* A generic address: global below 2^40, else an offset in the shared or
 * the local window (docs/isa.md).  false: in no window. */
static inline bool generic_split(uint64_t *addr, unsigned *space)
{
    uint64_t a = *addr;

    if (gv_range_ok(a, 1, GV_VA_LIMIT)) {
        *space = GV_SPACE_GLOBAL;
    } else if (a >= GV_GENERIC_SHARED &&
               gv_range_ok(a - GV_GENERIC_SHARED, 1, GV_GENERIC_WINDOW)) {
        *space = GV_SPACE_SHARED;
        *addr = a - GV_GENERIC_SHARED;
    } else if (a >= GV_GENERIC_LOCAL &&
               gv_range_ok(a - GV_GENERIC_LOCAL, 1, GV_GENERIC_WINDOW)) {
        *space = GV_SPACE_LOCAL;
        *addr = a - GV_GENERIC_LOCAL;
    } else {
        return false;
    }
    return true;
}

/* The host address of an access of @size bytes at @addr in @space by lane
 * @lane of @w, or NULL (the launch faults). */
static inline uint8_t *resolve(struct gv_launch *L, struct gv_sm *sm,
                               struct gv_warp *w, unsigned lane,
                               unsigned space, uint64_t addr, unsigned size,
                               bool write)
{
    if (space == GV_SPACE_GENERIC && !generic_split(&addr, &space)) {
        return NULL;
    }
    switch (space) {
    case GV_SPACE_GLOBAL:
        return global_ptr(L, sm, addr, size, write);
    case GV_SPACE_SHARED:
        return shared_ptr(L, sm, addr, size);
    case GV_SPACE_LOCAL:
        return local_ptr(L, w, lane, addr, size);
    case GV_SPACE_PARAM:
        return param_ptr(L, addr, size, write);
    default:
        return NULL;
    }
}

/* ---- values ---- */

static inline uint64_t load(const uint8_t *p, unsigned t)
{
    switch (t) {
    case GV_T_U8: return *p;
    case GV_T_S8: return (uint64_t)(int64_t)(int8_t)*p;
    case GV_T_U16:
    case GV_T_F16: { uint16_t v; memcpy(&v, p, 2); return v; }
    case GV_T_S16: { int16_t v; memcpy(&v, p, 2); return (uint64_t)(int64_t)v; }
    case GV_T_U32:
    case GV_T_F32: { uint32_t v; memcpy(&v, p, 4); return v; }
    case GV_T_S32: { int32_t v; memcpy(&v, p, 4); return (uint64_t)(int64_t)v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static inline void store(uint8_t *p, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: *p = (uint8_t)v; break;
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
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

/* The address lane @l computes: register + the instruction's offset,
 * modulo 2^64 (the accessors check the result). */
static inline uint64_t lane_addr(const uint64_t *A, unsigned l,
                                 const struct gv_dinsn *i)
{
    return A[l] + (uint64_t)(int64_t)i->imm;
}

bool gv_simt_shared_fast(struct gv_launch *L, struct gv_sm *sm,
                         const struct gv_dinsn *i, uint64_t *R, uint32_t m)
{
    uint64_t *D = R + i->d;
    const uint64_t *A = R + i->a, *B = R + i->b;
    bool bad = false;

    /* Loads in one pass (a fault stops the launch, so a partly written
     * destination is never seen); stores check every lane first. */
    switch (i->k) {
    case GV_K_LDS8:
        LANES(m, {
            const uint8_t *p = shared_ptr(L, sm, lane_addr(A, l, i), 1);

            bad |= !p;
            D[l] = p ? *p : 0;
        });
        break;
    case GV_K_LDS32:
        LANES(m, {
            const uint8_t *p = shared_ptr(L, sm, lane_addr(A, l, i), 4);
            uint32_t v = 0;

            if (p) {
                memcpy(&v, p, 4);
            }
            bad |= !p;
            D[l] = v;
        });
        break;
    case GV_K_LDS64:
        LANES(m, {
            const uint8_t *p = shared_ptr(L, sm, lane_addr(A, l, i), 8);
            uint64_t v = 0;

            if (p) {
                memcpy(&v, p, 8);
            }
            bad |= !p;
            D[l] = v;
        });
        break;
    default: {                                  /* STS32 */
        uint8_t *p[GV_WARP];

        LANES(m, {
            p[l] = shared_ptr(L, sm, lane_addr(A, l, i), 4);
            bad |= !p[l];
        });
        if (!bad) {
            LANES(m, { uint32_t v = (uint32_t)B[l]; memcpy(p[l], &v, 4); });
        }
        break;
    }
    }
    if (bad) {
        gv_simt_fault(L, UINT64_MAX);
        return false;
    }
    return true;
}

bool gv_simt_global_fast(struct gv_launch *L, struct gv_sm *sm,
                         const struct gv_dinsn *i, uint64_t *R, uint32_t m)
{
    uint64_t *D = R + i->d;
    const uint64_t *A = R + i->a, *B = R + i->b;
    uint8_t *p[GV_WARP], *page = NULL;
    bool wr = i->k == GV_K_STG32 || i->k == GV_K_STG64;
    unsigned sz = i->k == GV_K_LDG32 || i->k == GV_K_STG32 ? 4 : 8;
    uint64_t lastp = UINT64_MAX;

    for (uint32_t mm = m; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);
        uint64_t va = lane_addr(A, l, i);

        /* Consecutive lanes in one page reuse its translation: global_ptr
         * checked that page (inside the VA space), and an aligned access
         * of 4 or 8 bytes never leaves its page. */
        if ((va >> GV_PAGE_SHIFT) == lastp && aligned(va, sz)) {
            p[l] = page + (va & (GV_PAGE_SIZE - 1));
        } else {
            p[l] = global_ptr(L, sm, va, sz, wr);
            if (!p[l]) {
                gv_simt_fault(L, va);
                return false;
            }
            page = p[l] - (va & (GV_PAGE_SIZE - 1));
            lastp = va >> GV_PAGE_SHIFT;
        }
        /* loads in the same pass (each lane reads its own address before
         * writing its own D) */
        if (i->k == GV_K_LDG32) {
            uint32_t x;

            memcpy(&x, p[l], 4);
            D[l] = x;
        } else if (i->k == GV_K_LDG64) {
            memcpy(&D[l], p[l], 8);
        }
    }
    if (i->k == GV_K_STG32) {
        LANES(m, { uint32_t v = (uint32_t)B[l]; memcpy(p[l], &v, 4); });
    } else if (i->k == GV_K_STG64) {
        LANES(m, memcpy(p[l], &B[l], 8));
    }
    return true;
}

bool gv_simt_ldst(struct gv_launch *L, struct gv_sm *sm, struct gv_warp *w,
                  const struct gv_dinsn *i, uint32_t m)
{
    uint64_t *R = w->R, *D = R + i->d;
    const uint64_t *A = R + i->a, *B = R + i->b, *C = R + i->c;
    uint8_t *p[GV_WARP];
    unsigned size = tbits(i->type) / 8, space = i->mod & 0xf;
    bool wr = i->k != GV_K_LD;

    for (uint32_t mm = m; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);
        uint64_t addr = lane_addr(A, l, i);

        p[l] = resolve(L, sm, w, l, space, addr, size, wr);
        if (!p[l]) {
            gv_simt_fault(L, space == GV_SPACE_GLOBAL ||
                             space == GV_SPACE_GENERIC ? addr : UINT64_MAX);
            return false;
        }
    }
    if (i->k == GV_K_LD) {
        LANES(m, D[l] = load(p[l], i->type));
    } else if (i->k == GV_K_ST) {
        LANES(m, store(p[l], size, B[l]));
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

bool gv_simt_ldp_uni(struct gv_launch *L, const struct gv_dinsn *i,
                     uint64_t *R, uint32_t m)
{
    uint64_t *D = R + i->d, v;
    const uint8_t *p;

    if (!m) {
        return true;
    }
    /* A is a constant slot: every lane holds the same offset */
    p = param_ptr(L, lane_addr(R + i->a, 0, i), tbits(i->type) / 8, false);
    if (!p) {
        gv_simt_fault(L, UINT64_MAX);
        return false;
    }
    v = load(p, i->type);
    LANES(m, D[l] = v);
    return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the accessors every memory access of a kernel
 * goes through, one per space (gv_simt_mem.c's instructions and the
 * uniform parameter load in gv_simt.c use nothing else):
 *
 *   gv_shared_ptr()   [off, off + size) of the block's shared memory
 *                     (gv_shared_ok() alone for the fast forms)
 *   gv_local_ptr()    [off, off + size) of one thread's local memory
 *   gv_param_ptr()    [off, off + size) of the launch's parameters
 *                     (read only)
 *   gv_global_ptr()   [va, va + size) of the channel's virtual memory:
 *                     inside the 40-bit VA space and one page, then
 *                     translated (gv_translate_mt: ownership, hidden
 *                     memory) through the SM's TLB
 *   gv_generic_split() a generic address to (space, offset): the windows
 *                     of docs/isa.md, nothing else
 *
 * Each checks alignment and the range with gv_range_ok() (gv_bounds.h),
 * which never computes off + size, and returns the host address or NULL
 * (the launch faults with GV_ERR_FAULT).  An address computed by a lane
 * (register + the instruction's offset) is taken modulo 2^64, as PTX's
 * address arithmetic is: it is the checked result that must lie in the
 * space, so a store to shared offset 2^64 - 8 faults instead of writing
 * the 8 bytes before the host's buffer (attack 16, issue 9).  No other
 * code of the engine adds a guest-supplied offset to a host pointer.
 */
#ifndef GV_SIMT_MEM_H
#define GV_SIMT_MEM_H

#include "gv_simt.h"

#include "gv_bounds.h"

/* ---- one accessor per space ---- */

/* @size is 1, 2, 4 or 8 (the validator allows no other access type). */
static inline bool gv_aligned(uint64_t off, unsigned size)
{
    return (off & (size - 1)) == 0;
}

/* Shared memory: the check (also used on its own by the fast forms,
 * which keep the size and base in registers), then the pointer. */
static inline bool gv_shared_ok(uint64_t total, uint64_t off, unsigned size)
{
    return gv_aligned(off, size) && gv_range_ok(off, size, total);
}

static inline uint8_t *gv_shared_ptr(const struct gv_launch *L,
                                  const struct gv_sm *sm, uint64_t off,
                                  unsigned size)
{
    return gv_shared_ok(L->shared_total, off, size) ? sm->shared + off : NULL;
}

/* Lane @lane's local memory is [lane * local_size, + local_size) of its
 * warp's; a kernel without local memory has none (w->local is NULL). */
static inline uint8_t *gv_local_ptr(const struct gv_launch *L,
                                 const struct gv_warp *w, unsigned lane,
                                 uint64_t off, unsigned size)
{
    uint32_t n = L->f->local_size;

    return gv_aligned(off, size) && gv_range_ok(off, size, n)
               ? w->local + (size_t)lane * n + off : NULL;
}

static inline uint8_t *gv_param_ptr(struct gv_launch *L, uint64_t off,
                                 unsigned size, bool write)
{
    return !write && gv_aligned(off, size) &&
           gv_range_ok(off, size, L->param_size) ? L->params + off : NULL;
}

/* The host address of @va's page through the SM's TLB, or NULL
 * (unmapped, not the context's, hidden; read-only for a write).  @va is
 * below GV_VA_LIMIT (gv_global_ptr checked it).  The entry is chosen by
 * the page number's bytes folded together: arrays a multiple of 1 MiB
 * apart (vector_add's three of 16 MiB) would otherwise take the same
 * entry at each step and evict each other at every access (each a page
 * walk; the entry's tag is the whole page number either way). */
static inline uint8_t *gv_tlb_page(struct gv_launch *L, struct gv_sm *sm,
                                uint64_t va, bool write)
{
    uint64_t vpage = va >> GV_PAGE_SHIFT;
    struct gv_simt_tlbe *t =
        &sm->tlb[(vpage ^ (vpage >> 8) ^ (vpage >> 16)) % GV_SIMT_TLB];

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

/* A run of @n accesses of @size bytes, [va, va + n * size): @va aligned
 * to @size, the whole run inside the VA space and inside one page (so
 * every access of it is), translated once. */
static inline uint8_t *gv_global_run_ptr(struct gv_launch *L,
                                         struct gv_sm *sm, uint64_t va,
                                         unsigned size, unsigned n,
                                         bool write)
{
    uint64_t in_page = va & (GV_PAGE_SIZE - 1), len = (uint64_t)size * n;
    uint8_t *page;

    if (!gv_aligned(va, size) || !gv_range_ok(va, len, GV_VA_LIMIT) ||
        !gv_range_ok(in_page, len, GV_PAGE_SIZE)) {
        return NULL;
    }
    page = gv_tlb_page(L, sm, va, write);
    return page ? page + in_page : NULL;
}

static inline uint8_t *gv_global_ptr(struct gv_launch *L, struct gv_sm *sm,
                                  uint64_t va, unsigned size, bool write)
{
    return gv_global_run_ptr(L, sm, va, size, 1, write);
}

/* A generic address: global below 2^40, else an offset in the shared or
 * the local window (docs/isa.md).  false: in no window. */
static inline bool gv_generic_split(uint64_t *addr, unsigned *space)
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

/* ---- values ---- */

static inline uint64_t gv_simt_load(const uint8_t *p, unsigned t)
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

static inline void gv_simt_store(uint8_t *p, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: *p = (uint8_t)v; break;
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

/* ---- the fast forms (inline in run_warp: one per warp instruction) ---- */

/* A full warp's shared offsets A[l] + imm all pass gv_shared_ok() for
 * @size iff the largest does and all are aligned (their OR is): one
 * check for the warp, the same answer as 32. */
static inline bool gv_shared_warp_ok(uint64_t total, const uint64_t *A,
                                     uint64_t imm, unsigned size)
{
    uint64_t hi = 0, any = 0;

    for (unsigned l = 0; l < GV_WARP; l++) {
        uint64_t off = A[l] + imm;

        hi = off > hi ? off : hi;
        any |= off;
    }
    return gv_aligned(any, size) && gv_shared_ok(total, hi, size);
}

/* The full-warp case of gv_simt_shared_fast once gv_shared_warp_ok()
 * passed: plain loops without a check per lane. */
static inline void gv_shared_warp(uint8_t *sh, const unsigned k,
                                  uint64_t *D, const uint64_t *A,
                                  const uint64_t *B, uint64_t imm)
{
    switch (k) {
    case GV_K_LDS8:
        for (unsigned l = 0; l < GV_WARP; l++) {
            D[l] = sh[A[l] + imm];
        }
        break;
    case GV_K_LDS32:
        for (unsigned l = 0; l < GV_WARP; l++) {
            uint32_t v;

            memcpy(&v, sh + (A[l] + imm), 4);
            D[l] = v;
        }
        break;
    case GV_K_LDS64:
        for (unsigned l = 0; l < GV_WARP; l++) {
            memcpy(&D[l], sh + (A[l] + imm), 8);
        }
        break;
    default:                                    /* STS32 */
        for (unsigned l = 0; l < GV_WARP; l++) {
            uint32_t v = (uint32_t)B[l];

            memcpy(sh + (A[l] + imm), &v, 4);
        }
        break;
    }
}

/* The shapes of a full warp's shared offsets that take one check per
 * half-warp (16 lanes) instead of a look at every lane, as in a 16 x 16
 * tile's loops (matmul: As[ty][k] is one offset per half, Bs[k][tx] 16
 * consecutive ones; a block's sdata[tid]: 32 consecutive ones):
 * GV_SH_BCAST, each half at one offset; GV_SH_RUN, each half at 16
 * consecutive offsets of @size bytes (mod 2^64); else GV_SH_ANY. */
enum { GV_SH_ANY, GV_SH_BCAST, GV_SH_RUN };

static inline __attribute__((always_inline))
unsigned gv_shared_shape(const uint64_t *A, const unsigned size)
{
    const uint64_t a0 = A[0], a1 = A[16], step = A[1] - a0;
    uint64_t diff = 0;

    /* lane 1 names the one shape worth testing; all 32 lanes decide */
    if (step == 0) {
        for (unsigned j = 0; j < 16; j++) {
            diff |= (A[j] ^ a0) | (A[16 + j] ^ a1);
        }
        return diff ? GV_SH_ANY : GV_SH_BCAST;
    }
    if (step != size) {
        return GV_SH_ANY;
    }
    for (unsigned j = 0; j < 16; j++) {
        diff |= (A[j] ^ (a0 + j * size)) | (A[16 + j] ^ (a1 + j * size));
    }
    return diff ? GV_SH_ANY : GV_SH_RUN;
}

/* A half's check, from its first offset @off: a broadcast's one offset
 * passes gv_shared_ok(); a run's @off is aligned and the whole run,
 * [off, off + 16 * size), lies in the shared memory without wrapping
 * (gv_range_ok), so each of its 16 offsets would pass.  A half that
 * fails goes to the per-lane path, which decides (and faults) as ever. */
static inline bool gv_shared_half_ok(uint64_t total, uint64_t off,
                                     unsigned size, unsigned shape)
{
    return shape == GV_SH_BCAST
               ? gv_shared_ok(total, off, size)
               : gv_aligned(off, size) && gv_range_ok(off, 16ull * size,
                                                      total);
}

/* One half-warp of a checked shape: D/B are the half's 16 slots (the
 * register file, never the shared memory: restrict lets the copies run
 * as vectors).  Every copy has a constant size (a variable one became
 * `rep movs`).  A broadcast store leaves the last lane's value, as lane
 * order does. */
static inline __attribute__((always_inline))
void gv_shared_half(uint8_t *restrict sh, const unsigned k, unsigned shape,
                    uint64_t *restrict D, const uint64_t *restrict B,
                    uint64_t off)
{
    const uint8_t *p = sh + off;
    uint64_t v = 0;

    if (shape == GV_SH_BCAST) {
        switch (k) {
        case GV_K_LDS8:
            v = *p;
            break;
        case GV_K_LDS32: {
            uint32_t x;

            memcpy(&x, p, 4);
            v = x;
            break;
        }
        case GV_K_LDS64:
            memcpy(&v, p, 8);
            break;
        default: {                              /* STS32 */
            uint32_t x = (uint32_t)B[15];

            memcpy(sh + off, &x, 4);
            return;
        }
        }
        for (unsigned j = 0; j < 16; j++) {
            D[j] = v;
        }
        return;
    }
    switch (k) {
    case GV_K_LDS8:
        for (unsigned j = 0; j < 16; j++) {
            D[j] = p[j];
        }
        break;
    case GV_K_LDS32:
        for (unsigned j = 0; j < 16; j++) {
            uint32_t x;

            memcpy(&x, p + 4 * j, 4);
            D[j] = x;
        }
        break;
    case GV_K_LDS64:
        memcpy(D, p, 128);
        break;
    default:                                    /* STS32 */
        for (unsigned j = 0; j < 16; j++) {
            uint32_t x = (uint32_t)B[j];

            memcpy(sh + off + 4 * j, &x, 4);
        }
        break;
    }
}

/* A full warp in one of the shapes, both halves checked before either is
 * performed (the offsets are read before D is written: D may be A);
 * false: not a shape, or a half was refused. */
static inline __attribute__((always_inline))
bool gv_shared_halves(uint8_t *sh, uint64_t total, uint64_t *D,
                      const uint64_t *A, const uint64_t *B, uint64_t imm,
                      const unsigned k, const unsigned size)
{
    unsigned shape = gv_shared_shape(A, size);
    uint64_t o0 = A[0] + imm, o1 = A[16] + imm;

    if (shape == GV_SH_ANY || !gv_shared_half_ok(total, o0, size, shape) ||
        !gv_shared_half_ok(total, o1, size, shape)) {
        return false;
    }
    gv_shared_half(sh, k, shape, D, B, o0);
    gv_shared_half(sh, k, shape, D + 16, B + 16, o1);
    return true;
}

/* LDS8/LDS32/LDS64/STS32 (@k, i's kind, a constant once inlined):
 * shared memory, 8/32/64-bit. */
static inline __attribute__((always_inline))
bool gv_simt_shared_k(struct gv_launch *L, struct gv_sm *sm,
                      const struct gv_dinsn *i, uint64_t *R, uint32_t m,
                      const unsigned k)
{
    uint64_t *D = R + i->d;
    const uint64_t *A = R + i->a, *B = R + i->b;
    const uint64_t total = L->shared_total, imm = (uint64_t)(int64_t)i->imm;
    uint8_t *const sh = sm->shared;
    bool bad = false;

    if (m == FULL) {
        const unsigned sz = k == GV_K_LDS8 ? 1 : k == GV_K_LDS64 ? 8 : 4;

        if (gv_shared_halves(sh, total, D, A, B, imm, k, sz)) {
            return true;
        }
        if (gv_shared_warp_ok(total, A, imm, sz)) {
            gv_shared_warp(sh, k, D, A, B, imm);
            return true;
        }
    }
    /* Loads in one pass (a fault stops the launch, so a partly written
     * destination is never seen); stores check every lane first.  Each
     * offset is checked by gv_shared_ok() before sh + off is formed. */
    switch (k) {
    case GV_K_LDS8:
        LANES(m, {
            uint64_t off = A[l] + imm;

            if (gv_shared_ok(total, off, 1)) {
                D[l] = sh[off];
            } else {
                bad = true;
                D[l] = 0;
            }
        });
        break;
    case GV_K_LDS32:
        LANES(m, {
            uint64_t off = A[l] + imm;
            uint32_t v = 0;

            if (gv_shared_ok(total, off, 4)) {
                memcpy(&v, sh + off, 4);
            } else {
                bad = true;
            }
            D[l] = v;
        });
        break;
    case GV_K_LDS64:
        LANES(m, {
            uint64_t off = A[l] + imm, v = 0;

            if (gv_shared_ok(total, off, 8)) {
                memcpy(&v, sh + off, 8);
            } else {
                bad = true;
            }
            D[l] = v;
        });
        break;
    default:                                    /* STS32 */
        LANES(m, bad |= !gv_shared_ok(total, A[l] + imm, 4));
        if (!bad) {
            LANES(m, { uint32_t v = (uint32_t)B[l];
                       memcpy(sh + (A[l] + imm), &v, 4); });
        }
        break;
    }
    if (bad) {
        gv_simt_fault(L, GV_RULE_COMPUTE_SHARED_RANGE, UINT64_MAX);
        return false;
    }
    return true;
}

/* The same for any of the four kinds: each with its constant kind. */
static inline __attribute__((always_inline))
bool gv_simt_shared_fast(struct gv_launch *L, struct gv_sm *sm,
                         const struct gv_dinsn *i, uint64_t *R, uint32_t m)
{
    switch (i->k) {
    case GV_K_LDS8: return gv_simt_shared_k(L, sm, i, R, m, GV_K_LDS8);
    case GV_K_LDS32: return gv_simt_shared_k(L, sm, i, R, m, GV_K_LDS32);
    case GV_K_LDS64: return gv_simt_shared_k(L, sm, i, R, m, GV_K_LDS64);
    default: return gv_simt_shared_k(L, sm, i, R, m, GV_K_STS32);
    }
}

/* @n lanes' copy of a checked run at @p (n a constant once inlined). */
static inline __attribute__((always_inline))
void gv_global_copy(const unsigned k, uint64_t *D, const uint64_t *B,
                    uint8_t *p, const unsigned n)
{
    if (k == GV_K_LDG32) {
        for (unsigned l = 0; l < n; l++) {
            uint32_t x;

            memcpy(&x, p + 4 * l, 4);
            D[l] = x;
        }
    } else if (k == GV_K_LDG64) {
        memcpy(D, p, 8 * n);
    } else if (k == GV_K_STG32) {
        for (unsigned l = 0; l < n; l++) {
            uint32_t v = (uint32_t)B[l];

            memcpy(p + 4 * l, &v, 4);
        }
    } else {
        memcpy(p, B, 8 * n);
    }
}

/* The coalesced patterns of a full warp: each half-warp (16 lanes) at
 * consecutive addresses, lane h + j at A[h] + imm + j * sz (mod 2^64),
 * as a 16 x 16 tile's rows are (matmul).  When the halves continue each
 * other (32 consecutive lanes) the run is one of 32 accesses, else two
 * of 16; each run lies in one page: one check and one translation
 * (gv_global_run_ptr), both runs before either is performed, then plain
 * copies.  false: not a pattern, or a run was refused; the per-lane path
 * then decides, and faults as it always did (at the same lane, by the
 * same rule). */
static inline __attribute__((always_inline))
bool gv_global_fast_run(struct gv_launch *L, struct gv_sm *sm,
                        const struct gv_dinsn *i, uint64_t *R,
                        const unsigned k)
{
    uint64_t *D = R + i->d;
    const uint64_t *A = R + i->a, *B = R + i->b;
    const uint64_t imm = (uint64_t)(int64_t)i->imm;
    const bool wr = k == GV_K_STG32 || k == GV_K_STG64;
    const unsigned sz = k == GV_K_LDG32 || k == GV_K_STG32 ? 4 : 8;
    const uint64_t a0 = A[0], a1 = A[16];
    uint64_t diff = 0, want = a0;
    uint8_t *p[2];

    for (unsigned l = 0; l < GV_WARP; l++, want += sz) {
        diff |= A[l] ^ (l < 16 ? want : want - a0 - 16 * sz + a1);
    }
    if (diff) {
        return false;
    }
    if (a1 == a0 + 16 * sz) {                   /* 32 consecutive */
        p[0] = gv_global_run_ptr(L, sm, a0 + imm, sz, GV_WARP, wr);
        if (!p[0]) {
            return false;
        }
        gv_global_copy(k, D, B, p[0], GV_WARP);
        return true;
    }
    p[0] = gv_global_run_ptr(L, sm, a0 + imm, sz, 16, wr);
    p[1] = p[0] ? gv_global_run_ptr(L, sm, a1 + imm, sz, 16, wr) : NULL;
    if (!p[1]) {
        return false;
    }
    gv_global_copy(k, D, B, p[0], 16);
    gv_global_copy(k, D + 16, B + 16, p[1], 16);
    return true;
}

/* LDG32/LDG64/STG32/STG64: global memory, one translation per page
 * run.  One of LDG32/LDG64/STG32/STG64, @k a constant once inlined (so the
 * size and the load/store choice fold away in each copy). */
static inline __attribute__((always_inline))
bool gv_global_fast(struct gv_launch *L, struct gv_sm *sm,
                 const struct gv_dinsn *i, uint64_t *R, uint32_t m,
                 const unsigned k)
{
    uint64_t *D = R + i->d;
    const uint64_t *A = R + i->a, *B = R + i->b;
    const uint64_t imm = (uint64_t)(int64_t)i->imm;
    const bool wr = k == GV_K_STG32 || k == GV_K_STG64;
    const unsigned sz = k == GV_K_LDG32 || k == GV_K_STG32 ? 4 : 8;
    uint8_t *p[GV_WARP], *page = NULL;
    uint64_t lastp = UINT64_MAX;

    if (m == FULL && gv_global_fast_run(L, sm, i, R, k)) {
        return true;
    }
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);
        uint64_t va = A[l] + imm;

        /* Consecutive lanes in one page reuse its translation:
         * gv_global_ptr checked that page (inside the VA space), and an
         * aligned access of 4 or 8 bytes never leaves its page. */
        if ((va >> GV_PAGE_SHIFT) == lastp && gv_aligned(va, sz)) {
            p[l] = page + (va & (GV_PAGE_SIZE - 1));
        } else {
            p[l] = gv_global_ptr(L, sm, va, sz, wr);
            if (!p[l]) {
                gv_simt_fault(L, gv_simt_global_fault_rule(L, va, sz, wr),
                              va);
                return false;
            }
            page = p[l] - (va & (GV_PAGE_SIZE - 1));
            lastp = va >> GV_PAGE_SHIFT;
        }
        /* loads in the same pass (each lane reads its own address before
         * writing its own D) */
        if (k == GV_K_LDG32) {
            uint32_t x;

            memcpy(&x, p[l], 4);
            D[l] = x;
        } else if (k == GV_K_LDG64) {
            memcpy(&D[l], p[l], 8);
        }
    }
    if (k == GV_K_STG32) {
        LANES(m, { uint32_t v = (uint32_t)B[l]; memcpy(p[l], &v, 4); });
    } else if (k == GV_K_STG64) {
        LANES(m, memcpy(p[l], &B[l], 8));
    }
    return true;
}

static inline __attribute__((always_inline))
bool gv_simt_global_fast(struct gv_launch *L, struct gv_sm *sm,
                         const struct gv_dinsn *i, uint64_t *R, uint32_t m)
{
    switch (i->k) {
    case GV_K_LDG32: return gv_global_fast(L, sm, i, R, m, GV_K_LDG32);
    case GV_K_LDG64: return gv_global_fast(L, sm, i, R, m, GV_K_LDG64);
    case GV_K_STG32: return gv_global_fast(L, sm, i, R, m, GV_K_STG32);
    default: return gv_global_fast(L, sm, i, R, m, GV_K_STG64);
    }
}

#endif /* GV_SIMT_MEM_H */

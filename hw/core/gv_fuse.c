/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: decode-time fusion of table lookups.
 *
 * A table lookup in shared memory is, in the PTX that compilers write
 * and so in GVX, three adjacent instructions: an index extracted from a
 * word (bfe.u32, and.b32 or shr.u32 by a constant, cvt.u32.u64), a
 * mad.wide.u32 of the index by a constant scale onto a table base, and
 * a shared load (sometimes two) from that address.  T-table AES is
 * three quarters such lookups, GHASH with 8-bit tables half.  The
 * decoder marks the first instruction of each such run GV_K_LUT; the
 * interpreter then runs the whole run for a full warp in one dispatch
 * (gv_simt_lut in gv_simt_mem.h), with the results of running them
 * one by one: every register read again is written, every load is
 * checked as its fast form checks it and faults by the same rule.  The
 * instructions keep their own kinds: a partial warp, or a branch into
 * the middle of the run, runs them one by one (GV_K_LUT then computes
 * only the extract, from the same shift and mask).
 */
#include "gv_simt.h"

/* Slot offset @slot holds a constant: its value in @v. */
static bool const_slot(const struct gv_kfunc *kf, uint32_t slot, uint64_t *v)
{
    uint32_t s = slot / GV_WARP;

    if (s < kf->nregs || s + 1 >= kf->nslots) {   /* a register, the sink */
        return false;
    }
    *v = kf->consts[s - kf->nregs];
    return true;
}

/* The extract @x as ((u32)a >> @sh) & @mask, exactly as its own kind
 * computes it (gv_simt.c): false if it is not one, or not by constants. */
static bool extract_form(const struct gv_kfunc *kf, const struct gv_dinsn *x,
                         uint8_t *sh, uint32_t *mask)
{
    uint64_t b, c;

    *sh = 0;
    *mask = UINT32_MAX;
    switch (x->k) {
    case GV_K_CVT_U32_U64:                      /* (u32)a */
        return true;
    case GV_K_AND32:                            /* (u32)(a & b) */
        if (!const_slot(kf, x->b, &b)) {
            return false;
        }
        *mask = (uint32_t)b;
        return true;
    case GV_K_SHR_U32:                          /* shr_u32 */
        if (!const_slot(kf, x->b, &b)) {
            return false;
        }
        if ((uint32_t)b >= 32) {
            *mask = 0;
        } else {
            *sh = (uint8_t)b;
        }
        return true;
    case GV_K_BFE_U32:                          /* bfe_u32 */
        if (!const_slot(kf, x->b, &b) || !const_slot(kf, x->c, &c)) {
            return false;
        }
        b &= 0xff;
        c &= 0xff;
        if (b >= 32) {
            *mask = 0;
        } else {
            *sh = (uint8_t)b;
            *mask = c >= 32 ? UINT32_MAX : (1u << c) - 1;
        }
        return true;
    default:
        return false;
    }
}

/* A kind that reads only operands a, b, c (slot 0 when unused) and
 * writes only d: the plain ALU kinds, the fast loads and stores. */
static bool plain_kind(unsigned k)
{
    /* a fused run's first instruction is one of those; the run's others
     * follow it, with their own kinds */
    return (k >= GV_K_MOV32 && k <= GV_K_CVT_U32_U64) ||
           (k >= GV_K_LDS32 && k <= GV_K_LDS8 && k != GV_K_LDP_UNI) ||
           k == GV_K_LUT || k == GV_K_XCHAIN || k == GV_K_LOGIC ||
           k == GV_K_LDFMA;
}

/* Is slot @s dead from code[n] on: on the straight line from there,
 * written (by an unguarded plain instruction) before any instruction
 * reads it?  Anything else (a branch, the end, a barrier, a warp op, the
 * generic evaluator) ends the search: not dead. */
static bool dead_from(const struct gv_kfunc *kf, uint32_t n, uint32_t s)
{
    for (uint32_t j = n; j < kf->ncode && j < n + 64; j++) {
        const struct gv_dinsn *y = &kf->code[j];

        if (!plain_kind(y->k) || y->a == s || y->b == s || y->c == s ||
            y->e == s || (y->guard && y->g == s)) {
            return false;
        }
        if (!y->guard && y->d == s) {
            return true;
        }
    }
    return false;
}

static bool shared_load(const struct gv_dinsn *x, uint32_t addr)
{
    return !x->guard && x->a == addr &&
           (x->k == GV_K_LDS8 || x->k == GV_K_LDS32 || x->k == GV_K_LDS64);
}

/* Is code[n..] a lookup?  Then make code[n] its GV_K_LUT. */
static void fuse_at(struct gv_kfunc *kf, uint32_t n)
{
    struct gv_dinsn *x = &kf->code[n];
    const struct gv_dinsn *mw = x + 1, *ld = x + 2;
    uint64_t scale;
    uint32_t mask;
    uint8_t sh;

    if (x->guard || mw->guard || mw->k != GV_K_MADWIDE_U32 ||
        !extract_form(kf, x, &sh, &mask)) {
        return;
    }
    /* the index is one factor, the scale the other, and the base is
     * not the index (it is read before the index is written) */
    if (!((mw->a == x->d && const_slot(kf, mw->b, &scale)) ||
          (mw->b == x->d && const_slot(kf, mw->a, &scale))) ||
        mw->c == x->d || !shared_load(ld, mw->d)) {
        return;
    }
    x->fn = 3;
    /* a second load from the same address, if the first one does not
     * overwrite what the address is computed from */
    if (n + 3 < kf->ncode && shared_load(ld + 1, mw->d) &&
        ld->d != mw->d && ld->d != x->a && ld->d != mw->c) {
        x->fn = 4;
    }
    /* the index and the address need not be written where the run
     * itself, or the code after it, writes them before a read */
    bool d0 = mw->d == x->d || ld->d == x->d ||
              (x->fn == 4 && ld[1].d == x->d) ||
              dead_from(kf, n + x->fn, x->d);
    bool d1 = ld->d == mw->d || (x->fn == 4 && ld[1].d == mw->d) ||
              dead_from(kf, n + x->fn, mw->d);

    x->fkeep = (d0 ? 0 : GV_FUSE_KEEP_INDEX) | (d1 ? 0 : GV_FUSE_KEEP_ADDR);
    x->fsh = sh;
    x->fmask = mask;
    x->fscale = (uint32_t)scale;
    x->k = GV_K_LUT;
}

/* Does XOR @y continue a chain whose results so far are @x[0..k): one
 * operand the previous result, the other none of the chain's results? */
static bool chain_next(const struct gv_dinsn *x, uint32_t k,
                       const struct gv_dinsn *y)
{
    uint32_t prev = x[k - 1].d, other;

    if (y->guard || y->k != x->k || (y->a == prev) == (y->b == prev)) {
        return false;
    }
    other = y->a == prev ? y->b : y->a;
    for (uint32_t j = 0; j < k; j++) {
        if (x[j].d == other) {
            return false;
        }
    }
    return true;
}

/* Is code[n..] a chain of 2 to 8 XORs of one width, each of the previous
 * result and another operand?  Then make code[n] its GV_K_XCHAIN. */
static void chain_at(struct gv_kfunc *kf, uint32_t n)
{
    struct gv_dinsn *x = &kf->code[n];
    uint32_t k = 1;
    uint8_t keep = 0;

    if (x->guard || (x->k != GV_K_XOR32 && x->k != GV_K_XOR64)) {
        return;
    }
    while (k < 8 && n + k < kf->ncode && chain_next(x, k, x + k)) {
        k++;
    }
    if (k < 2) {
        return;
    }
    /* result j is kept unless the chain writes its register again or
     * the code after it does before a read */
    for (uint32_t j = 0; j < k; j++) {
        bool dead = dead_from(kf, n + k, x[j].d);

        for (uint32_t q = j + 1; q < k; q++) {
            dead |= x[q].d == x[j].d;
        }
        keep |= (uint8_t)(dead ? 0 : 1u << j);
    }
    /* each later XOR's operand that is not the previous result (the
     * same whichever chain it is read in) */
    for (uint32_t j = 1; j < k; j++) {
        x[j].fmask = x[j].a == x[j - 1].d ? x[j].b : x[j].a;
    }
    x->fn = (uint8_t)k;
    x->fkeep = keep;
    x->fscale = x->k == GV_K_XOR64 ? 64 : 32;
    x->k = GV_K_XCHAIN;
}

/* Is code[n] an unguarded setp and code[n + 1] a branch guarded by its
 * result (and not a reconvergence point)?  Then code[n] becomes
 * GV_K_SETP_BRA, its own kind kept in fscale.  The branch keeps its
 * kind: lanes that reach it by another branch run it alone. */
static void setp_bra_at(struct gv_kfunc *kf, uint32_t n)
{
    struct gv_dinsn *x = &kf->code[n];
    const struct gv_dinsn *y = x + 1;

    if (x->guard || x->k < GV_K_SETP_S32 || x->k > GV_K_SETP_F32 ||
        y->k != GV_K_BRA || !(y->guard & GV_G_ON) ||
        (y->guard & GV_G_JOIN) || y->g != x->d) {
        return;
    }
    x->fscale = x->k;
    x->fn = 2;
    x->k = GV_K_SETP_BRA;
}

#define GV_LOGIC_MAX 1024               /* instructions in a GV_K_LOGIC */

/* The kinds a GV_K_LOGIC run is made of (gv_simt.c's logic_op): integer
 * operations of registers that cannot fault. */
/* A shift of a run by a constant count below its width: the count + 1
 * in @fscale (gv_simt.c's logic_full shifts every lane by it); a
 * bfe.s64 of a constant field inside the word: GV_FUSE_FIELD, its
 * length and position. */
static void const_shift(const struct gv_kfunc *kf, struct gv_dinsn *y)
{
    unsigned width = y->k == GV_K_SHL32 || y->k == GV_K_SHR_U32 ? 32 : 64;
    uint64_t c, l;

    if (y->k == GV_K_BFE_S64 && const_slot(kf, y->b, &c) &&
        const_slot(kf, y->c, &l) && (l & 0xff) >= 1 &&
        (c & 0xff) + (l & 0xff) <= 64) {
        /* a field of @len bits at @pos, inside the word */
        y->fscale = GV_FUSE_FIELD | (uint32_t)(l & 0xff) << 8 |
                    (uint32_t)(c & 0xff);
        return;
    }
    if ((y->k == GV_K_SHL32 || y->k == GV_K_SHL64 || y->k == GV_K_SHR_U32 ||
         y->k == GV_K_SHR_U64 || y->k == GV_K_SHR_S64) &&
        const_slot(kf, y->b, &c) && (uint32_t)c < width) {
        y->fscale = (uint32_t)c + 1;
    }
}

/* Is code[n..] a run of 2 to GV_LOGIC_MAX unguarded instructions of
 * logic_kind (or chains of XORs, whole), the first not a chain?  Then
 * make code[n] its GV_K_LOGIC.  How many instructions it takes (1:
 * none fused). */
static uint32_t logic_at(struct gv_kfunc *kf, uint32_t n)
{
    struct gv_dinsn *x = &kf->code[n];
    uint32_t len = 1;

    if (x->guard || !gv_logic_kind(x->k)) {
        return 1;
    }
    while (n + len < kf->ncode) {
        const struct gv_dinsn *y = &kf->code[n + len];
        uint32_t take = y->k == GV_K_XCHAIN ? y->fn : 1;

        if (y->guard || (!gv_logic_kind(y->k) && y->k != GV_K_XCHAIN) ||
            len + take > GV_LOGIC_MAX) {
            break;
        }
        len += take;
    }
    if (len >= 2) {
        for (uint32_t j = 0; j < len; j++) {
            const_shift(kf, &kf->code[n + j]);
        }
        x->fsh = (uint8_t)x->k;
        x->fmask = len;
        x->k = GV_K_LOGIC;
    }
    return len;
}

/* Is code[n..n+2] two unguarded 32-bit shared loads and an unguarded
 * fma.f32 (a tile's product: matmul's inner loop is two of them)?  Then
 * code[n] becomes GV_K_LDFMA, its own kind kept in fscale; the others
 * keep theirs (a branch into the middle runs them one by one).  Unguarded
 * excludes a reconvergence point (GV_G_JOIN is in the guard).  How many
 * instructions it takes (1: none fused). */
static uint32_t ldfma_at(struct gv_kfunc *kf, uint32_t n)
{
    struct gv_dinsn *x = &kf->code[n];

    if (n + 2 >= kf->ncode || x->guard || x->k != GV_K_LDS32 ||
        x[1].guard || x[1].k != GV_K_LDS32 ||
        x[2].guard || x[2].k != GV_K_FMAF) {
        return 1;
    }
    x->fscale = x->k;
    x->fn = 3;
    x->k = GV_K_LDFMA;
    return 3;
}

void gv_fuse_lookups(struct gv_kfunc *kf)
{
    for (uint32_t n = 0; n < kf->ncode; n++) {
        struct gv_dinsn *x = &kf->code[n];

        /* not a fusion: its own full-warp form (gv_simt_prmt) */
        if (x->op == GV_I_PRMT && x->mod == GV_PRMT_DEFAULT &&
            x->k == GV_K_GENERIC) {
            x->k = GV_K_PRMT;
        }
    }
    for (uint32_t n = 0; n + 1 < kf->ncode; n++) {
        if (n + 2 < kf->ncode) {
            fuse_at(kf, n);
        }
        chain_at(kf, n);
    }
    for (uint32_t n = 0; n + 1 < kf->ncode; n++) {
        setp_bra_at(kf, n);
    }
    for (uint32_t n = 0; n < kf->ncode;) {
        const struct gv_dinsn *x = &kf->code[n];

        n += x->k == GV_K_LUT || x->k == GV_K_XCHAIN ? x->fn
                                                     : logic_at(kf, n);
    }
    /* not inside a lookup: its loads run as their own kinds */
    for (uint32_t n = 0; n < kf->ncode;) {
        const struct gv_dinsn *x = &kf->code[n];

        n += x->k == GV_K_LUT ? x->fn : ldfma_at(kf, n);
    }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the fused runs of instructions (gv_fuse.c
 * marks them at decode) as the interpreter runs them: GV_K_LUT, a table
 * lookup in shared memory, and GV_K_XCHAIN, a chain of XORs.  A full
 * warp runs the whole run in one dispatch; any other group of lanes
 * runs its first instruction alone, and the others follow one by one.
 * A full warp has no lane parked at a later pc, so none can join in the
 * middle of a run.  Also GV_K_PRMT, prmt's full-warp form.
 */
#ifndef GV_SIMT_FUSE_H
#define GV_SIMT_FUSE_H

#include "gv_simt_mem.h"

/* The loads of a fused lookup once gv_shared_warp_ok() passed: each
 * lane's address recomputed from the extract's and the mad.wide's
 * operands (not read back from the vector stores that just wrote it). */
static inline void gv_lut_gather(uint8_t *sh, const struct gv_dinsn *i,
                                 const struct gv_dinsn *ld, uint64_t *R)
{
    const uint64_t *A = R + i->a, *C = R + (i + 1)->c;
    const uint32_t s = i->fsh, mask = i->fmask, scale = i->fscale;
    const uint64_t imm = (uint64_t)(int64_t)ld->imm;
    uint64_t *D = R + ld->d;

#define GV_LUT_OFF(l) \
    ((uint64_t)(((uint32_t)A[l] >> s) & mask) * scale + C[l] + imm)
    switch (ld->k) {
    case GV_K_LDS8:
        for (unsigned l = 0; l < GV_WARP; l++) {
            D[l] = sh[GV_LUT_OFF(l)];
        }
        break;
    case GV_K_LDS32:
        for (unsigned l = 0; l < GV_WARP; l++) {
            uint32_t v;

            memcpy(&v, sh + GV_LUT_OFF(l), 4);
            D[l] = v;
        }
        break;
    default:                                    /* LDS64 */
        for (unsigned l = 0; l < GV_WARP; l++) {
            memcpy(&D[l], sh + GV_LUT_OFF(l), 8);
        }
        break;
    }
#undef GV_LUT_OFF
}

/* GV_K_LUT for a full warp (gv_fuse.c): a table lookup, code[pc ..
 * pc + fn), in one dispatch, with the results of running the
 * instructions one by one.  Each load is checked for the warp as its
 * fast form checks it (gv_shared_warp_ok on the addresses); where that
 * check fails the address register is written and the load runs as its
 * own fast form, which faults by the same rule.  The extract's and the
 * mad.wide's registers are written last where they are read again (the
 * fusion ensured that no load writes the operands a later one reads,
 * and that a kept register is written by no load).  A full warp has no
 * lane parked at a later pc, so none can join in the middle of the run. */
static inline __attribute__((always_inline))
bool gv_simt_lut(struct gv_launch *L, struct gv_sm *sm,
                 const struct gv_dinsn *i, uint64_t *R)
{
    const struct gv_dinsn *mw = i + 1;
    const uint64_t *A = R + i->a, *C = R + mw->c;
    const uint32_t sh = i->fsh, mask = i->fmask, scale = i->fscale;
    uint64_t idx[GV_WARP], addr[GV_WARP];

    for (unsigned l = 0; l < GV_WARP; l++) {
        uint32_t v = ((uint32_t)A[l] >> sh) & mask;

        idx[l] = v;
        addr[l] = (uint64_t)v * scale + C[l];
    }
    for (unsigned k = 2; k < i->fn; k++) {
        const struct gv_dinsn *ld = i + k;
        unsigned size = ld->k == GV_K_LDS8 ? 1 : ld->k == GV_K_LDS64 ? 8 : 4;

        if (gv_shared_warp_ok(L->shared_total, addr,
                              (uint64_t)(int64_t)ld->imm, size)) {
            gv_lut_gather(sm->shared, i, ld, R);
            continue;
        }
        memcpy(R + mw->d, addr, sizeof(addr));      /* its operand */
        if (!gv_simt_shared_fast(L, sm, ld, R, FULL)) {
            return false;
        }
    }
    if (i->fkeep & GV_FUSE_KEEP_INDEX) {
        memcpy(R + i->d, idx, sizeof(idx));
    }
    if (i->fkeep & GV_FUSE_KEEP_ADDR) {
        memcpy(R + mw->d, addr, sizeof(addr));
    }
    return true;
}

/* GV_K_LUT at warp @w's pc: a full warp runs the fused run (then the
 * interpreter's pc++ moves past it, and its other instructions are
 * counted); otherwise only the extract, which is ((u32)a >> fsh) & fmask
 * (gv_fuse.c), and the others follow one by one. */
static inline __attribute__((always_inline))
bool gv_simt_lut_step(struct gv_launch *L, struct gv_sm *sm,
                      struct gv_warp *w, const struct gv_dinsn *i,
                      uint64_t *R, uint32_t m)
{
    const uint64_t *A = R + i->a;
    uint64_t *D = R + i->d;

    if (m != FULL) {
        LANES(m, D[l] = ((uint32_t)A[l] >> i->fsh) & i->fmask);
        return true;
    }
    w->pc += i->fn - 1u;
    w->issued += i->fn - 1u;
    sm->lane_insns += (i->fn - 1u) * GV_WARP;
    return gv_simt_lut(L, sm, i, R);
}

/*
 * A warp's slot (32 lanes of 64 bits) as GV_WV host vectors of four
 * lanes (GCC's vector extension: a 256-bit register in the x86-64-v3
 * and v4 clones; 512-bit ones go through memory in v3).  The full-warp
 * forms below load every operand's vectors before they store the
 * result's, so a result that is also an operand (slots are equal or
 * disjoint) needs no overlap check.
 */
typedef uint64_t gv_vu __attribute__((vector_size(32), aligned(8),
                                      may_alias));
typedef int64_t gv_vs __attribute__((vector_size(32), aligned(8),
                                     may_alias));
#define GV_WV (GV_WARP / 4)

/* GV_K_XCHAIN for a full warp: @fn XORs, each of the previous result
 * and one other operand (which none of the chain writes: gv_fuse.c,
 * which leaves its slot in each later XOR's fmask), in one pass; the
 * results read again are written (GV_FUSE_KEEP bit k: the k-th), masked
 * to the width @wm. */
static inline __attribute__((always_inline))
void gv_xchain_w(const struct gv_dinsn *i, uint64_t *R, const uint64_t wm)
{
    const gv_vu *A = (const gv_vu *)(R + i->a);
    const gv_vu *B = (const gv_vu *)(R + i->b);
    const unsigned keep = i->fkeep;
    gv_vu acc[GV_WV];

    for (unsigned v = 0; v < GV_WV; v++) {
        acc[v] = A[v] ^ B[v];
    }
    for (unsigned k = 0; k < i->fn; k++) {
        const struct gv_dinsn *y = i + k;

        if (k) {
            const gv_vu *O = (const gv_vu *)(R + y->fmask);

            for (unsigned v = 0; v < GV_WV; v++) {
                acc[v] ^= O[v];
            }
        }
        if (keep >> k & 1) {
            gv_vu *D = (gv_vu *)(R + y->d);

            for (unsigned v = 0; v < GV_WV; v++) {
                D[v] = acc[v] & wm;
            }
        }
    }
}

/* GV_K_XCHAIN for a full warp, of width @fscale. */
static inline __attribute__((always_inline))
void gv_simt_xchain(const struct gv_dinsn *i, uint64_t *R)
{
    if (i->fscale == 64) {
        gv_xchain_w(i, R, UINT64_MAX);
    } else {
        gv_xchain_w(i, R, UINT32_MAX);
    }
}

/* GV_K_XCHAIN at warp @w's pc: a full warp runs the chain; any other
 * group of lanes its first XOR, and the others follow one by one. */
static inline __attribute__((always_inline))
bool gv_simt_xchain_step(struct gv_sm *sm, struct gv_warp *w,
                         const struct gv_dinsn *i, uint64_t *R, uint32_t m)
{
    if (m != FULL) {
        const uint64_t wm = i->fscale == 64 ? UINT64_MAX : UINT32_MAX;
        const uint64_t *A = R + i->a, *B = R + i->b;
        uint64_t *D = R + i->d;

        LANES(m, D[l] = (A[l] ^ B[l]) & wm);
        return true;
    }
    gv_simt_xchain(i, R);
    w->pc += i->fn - 1u;
    w->issued += i->fn - 1u;
    sm->lane_insns += (i->fn - 1u) * GV_WARP;
    return true;
}

/* GV_K_PRMT, prmt.b32 in the default mode (GHASH's byte swaps): with one
 * selector for the whole warp and no sign-replicating byte (bit 3 of a
 * nibble), each result byte is byte (selector nibble) of {b, a}, the
 * same shifts for every lane; anything else per lane, by the ALU. */
static inline void gv_simt_prmt(const struct gv_dinsn *i, uint64_t *R,
                                uint32_t m)
{
    const uint64_t *A = R + i->a, *B = R + i->b, *C = R + i->c;
    const uint64_t *E = R + i->e;
    uint64_t *D = R + i->d;
    uint32_t c = (uint32_t)C[0], diff = 0;
    unsigned s0 = (c & 7) * 8, s1 = (c >> 4 & 7) * 8;
    unsigned s2 = (c >> 8 & 7) * 8, s3 = (c >> 12 & 7) * 8;

    if (m == FULL) {
        for (unsigned l = 0; l < GV_WARP; l++) {
            diff |= (uint32_t)C[l] ^ c;
        }
    }
    if (m != FULL || diff || (c & 0x8888)) {
        LANES(m, D[l] = gv_simt_alu(i, A[l], B[l], C[l], E[l]));
        return;
    }
    for (unsigned l = 0; l < GV_WARP; l++) {
        uint64_t t = (uint64_t)(uint32_t)B[l] << 32 | (uint32_t)A[l];

        D[l] = (t >> s0 & 0xff) | (t >> s1 & 0xff) << 8 |
               (t >> s2 & 0xff) << 16 | (t >> s3 & 0xff) << 24;
    }
}

#endif /* GV_SIMT_FUSE_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the warp-wide instructions' lane rules
 * (shared by gv_simt.c's fast path and gv_simt_warp.c) and the
 * rendezvous of the warp-synchronous instructions in divergent code
 * (gv_simt_warp.c; docs/compute.md, "Divergence and reconvergence").
 */
#ifndef GV_SIMT_WARP_H
#define GV_SIMT_WARP_H

#include "gv_simt.h"

#include <string.h>

/* The lane whose a lane @l reads in shuffle mode @mode with operands
 * @b and @c (PTX's clamp and segment rules): @l itself when out of range. */
static inline unsigned shfl_lane(unsigned mode, unsigned l, uint64_t b,
                                 uint64_t c)
{
    uint32_t bv = b & 31, cv = c & 31, seg = (c >> 8) & 31;
    int32_t maxl = (int32_t)((l & seg) | (cv & ~seg));
    int32_t minl = (int32_t)(l & seg), j;
    bool ok;

    switch (mode) {
    case GV_SHFL_UP:
        j = (int32_t)l - (int32_t)bv;
        ok = j >= maxl;
        break;
    case GV_SHFL_DOWN:
        j = (int32_t)(l + bv);
        ok = j <= maxl;
        break;
    case GV_SHFL_BFLY:
        j = (int32_t)(l ^ bv);
        ok = j <= maxl;
        break;
    default:
        j = minl | (int32_t)(bv & ~seg);
        ok = j <= maxl;
        break;
    }
    /* j is a lane of the warp whenever ok (PTX's clamp);
     * the index check makes that local, not a proof */
    return ok && (uint32_t)j < GV_WARP ? (uint32_t)j : l;
}

/* The result of vote mode @mode over the lanes @m with predicates
 * @ballot. */
static inline uint64_t vote_value(unsigned mode, uint32_t ballot, uint32_t m)
{
    switch (mode) {
    case GV_VOTE_ALL:
        return ballot == m;
    case GV_VOTE_ANY:
        return ballot != 0;
    case GV_VOTE_UNI:
        return ballot == 0 || ballot == m;
    default:
        return ballot;
    }
}

/* The running lanes @m of warp @w execute warp-synchronous @i (at w->pc,
 * operand e a member mask), not all of whose mask runs with them: each
 * group of them with one mask completes its set (the lanes that waited
 * go on after their own instructions) or waits at @i (at_sync). */
void gv_simt_sync_arrive(struct gv_warp *w, const struct gv_dinsn *code,
                         const struct gv_dinsn *i, uint32_t m);
/* Lanes of @w exited: complete the waiting sets that no longer wait for
 * any lane. */
void gv_simt_sync_exit(struct gv_warp *w, const struct gv_dinsn *code);
/* No lane of the block can run: lanes still waiting at a
 * warp-synchronous instruction never will.  Faults the launch
 * (compute.warp_sync) and returns true if there are any. */
bool gv_simt_sync_stuck(struct gv_launch *L, struct gv_sm *sm, uint32_t nw);

/* Reconvergence at the immediate post-dominator (gv_simt_warp.c;
 * docs/compute.md, "Divergence and reconvergence").  A divergent branch
 * with reconvergence point @pc of the running lanes @lanes: the lanes
 * meet there.  False if the stack is full (the launch faults,
 * compute.join_stack). */
bool gv_simt_join_push(struct gv_warp *w, uint32_t pc, uint32_t lanes);
/* A CALL by the running lanes @lanes (returning to @pc, its next
 * instruction): they meet there when they return, whatever depths they
 * recurse to; an entry at @pc anywhere in the stack takes them (so a
 * recursion, direct or mutual, adds no entries).  False if the stack is
 * full. */
bool gv_simt_join_call(struct gv_warp *w, uint32_t pc, uint32_t lanes);
/* The running lanes are at a reconvergence point (w->pc, marked
 * GV_G_JOIN): they wait there for the other lanes of its entries (then
 * w->active is 0), or all of them go on together. */
void gv_simt_join_arrive(struct gv_warp *w);
/* No lane of @w can run: the lanes held at the innermost reconvergence
 * point go on without the others (false if none is held). */
bool gv_simt_join_unblock(struct gv_warp *w);
/* Lanes of @w exited: the held lanes that waited only for them go on. */
void gv_simt_join_exit(struct gv_warp *w);

static inline void shfl(const struct gv_dinsn *i, uint64_t *D,
                        const uint64_t *A, const uint64_t *B,
                        const uint64_t *C, uint32_t m)
{
    uint64_t src[GV_WARP];

    if (tbits(i->type) != 32 || i->mod > GV_SHFL_IDX) {
        gv_simt_unsupported(); /* the lanes exchange 32 bits */
    }
    memcpy(src, A, sizeof(src));
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);

        D[l] = (uint32_t)src[shfl_lane(i->mod, l, B[l], C[l])];
    }
}

static inline void vote(const struct gv_dinsn *i, uint64_t *D,
                        const uint64_t *A, uint32_t m)
{
    uint32_t ballot = 0;
    uint64_t v;

    if (i->mod > GV_VOTE_BALLOT) {
        gv_simt_unsupported();
    }
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);

        ballot |= (uint32_t)(A[l] & 1) << l;
    }
    v = vote_value(i->mod, ballot, m);
    LANES(m, D[l] = v);
}

/* The fast path of the warp-synchronous instructions with a member mask
 * (else gv_simt_warp.c): are the lanes @m the whole of their mask
 * (operand E, the same for each of them) that has not exited? */
static inline bool sync_here(const struct gv_warp *w, const uint64_t *E,
                             uint32_t m)
{
    uint32_t M = (uint32_t)E[__builtin_ctz(m)], diff = 0;

    if (M & w->alive & ~m) {
        return false;
    }
    LANES(m, diff |= (uint32_t)E[l] ^ M);
    return diff == 0;
}

/* SHFL or VOTE @i (at w->pc) by the running lanes @m: with a member mask
 * not all of whose lanes run here, the rendezvous; the lanes of @m that
 * are still running go on at w->pc + 1 (run_warp). */
static inline void warp_op(struct gv_warp *w, const struct gv_dinsn *code,
                           const struct gv_dinsn *i, uint32_t m)
{
    uint64_t *R = w->R;

    if (i->rnd == GV_D_MEMBER && m && !sync_here(w, R + i->e, m)) {
        gv_simt_sync_arrive(w, code, i, m);
    } else if (i->k == GV_K_SHFL) {
        shfl(i, R + i->d, R + i->a, R + i->b, R + i->c, m);
    } else {
        vote(i, R + i->d, R + i->a, m);
    }
}

/* EXIT by the running lanes @m: they leave, and may complete the sets
 * that waited for them. */
static inline void lanes_exit(struct gv_warp *w, const struct gv_dinsn *code,
                              uint32_t m)
{
    w->alive &= ~m;
    w->active &= ~m;
    if (w->at_sync) {
        gv_simt_sync_exit(w, code);
    }
    if (w->at_join) {
        gv_simt_join_exit(w);
    }
}

#endif /* GV_SIMT_WARP_H */

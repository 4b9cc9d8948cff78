/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: CALL and RET, the per-lane calls of the
 * functions that recurse (docs/isa.md, "Calls").
 *
 * Every lane has its own return address: CALL writes it into a register
 * of the lane (the translator keeps it in the lane's call stack, in local
 * memory, through the ordinary checked local accessor), and RET sends each
 * lane to its own.  Lanes that go to different instructions are parked
 * with their own pc, as after a divergent branch (gv_simt.c: the lowest
 * group runs first, and lanes merge again when their pcs meet), so lanes
 * at different recursion depths share the warp; and the lanes of a CALL
 * meet at its return address (an entry of the reconvergence stack,
 * gv_simt_warp.c), however deep each of them recurses.  Nothing here touches
 * memory: the call stack is the translator's code.
 *
 * Both check every lane before changing anything: a CALL whose frame end
 * lies beyond the thread's local memory faults with compute.call_depth
 * (the depth limit), a RET to an address that is no instruction of the
 * function with compute.call_return (a stack the kernel overwrote).
 * TRAP, the other instruction that leaves the warp's straight line, is
 * here too (compute.trap).
 */
#include "gv_simt_warp.h"

/* The lanes of @w's running group go to lane_pc[] (set by the caller for
 * them all): run on at @t without parking when they all go there and no
 * parked lane is below it, else park them all (run_warp's warp_ready
 * makes the lowest group the running one). */
static void lanes_go(struct gv_warp *w, uint32_t t, bool same)
{
    if (same && t <= w->min_wait) {
        w->pc = t;
        return;
    }
    for (uint32_t mm = w->active; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);

        if (w->lane_pc[l] < w->min_wait) {
            w->min_wait = w->lane_pc[l];
        }
    }
    w->waiting |= w->active;
    w->active = 0;
}

/* CALL: @m (the running lanes the guard lets through) check their frame
 * ends (A), write their return addresses (D) and go to i->imm; the other
 * running lanes go on after the CALL. */
static bool call(struct gv_launch *L, struct gv_warp *w,
                 const struct gv_dinsn *i, uint32_t m)
{
    const uint64_t *A = w->R + i->a;
    uint64_t *D = w->R + i->d;
    uint32_t t = (uint32_t)i->imm, next = w->pc + 1;

    for (uint32_t mm = m; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);

        if (A[l] > L->f->local_size) {
            gv_simt_fault(L, GV_RULE_COMPUTE_CALL_DEPTH, A[l]);
            return false;
        }
    }
    /* the running lanes meet again at the return address */
    if (m && !gv_simt_join_call(w, next, w->active)) {
        gv_simt_fault(L, GV_RULE_COMPUTE_JOIN_STACK, UINT64_MAX);
        return false;
    }
    for (uint32_t mm = w->active; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);

        w->lane_pc[l] = m >> l & 1 ? t : next;
    }
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        D[__builtin_ctz(mm)] = next;
    }
    lanes_go(w, m == w->active ? t : next, m == w->active || !m);
    return true;
}

/* RET: @m go to their return addresses (A); the other running lanes go
 * on after the RET. */
static bool ret(struct gv_launch *L, struct gv_warp *w,
                const struct gv_dinsn *i, uint32_t m)
{
    const uint64_t *A = w->R + i->a;
    uint32_t next = w->pc + 1, t = next;
    bool same = true;

    for (uint32_t mm = m; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);

        if (A[l] >= L->f->ncode) {
            gv_simt_fault(L, GV_RULE_COMPUTE_CALL_RETURN, A[l]);
            return false;
        }
    }
    if (m) {
        t = (uint32_t)A[__builtin_ctz(m)];
    }
    for (uint32_t mm = w->active; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);

        w->lane_pc[l] = m >> l & 1 ? (uint32_t)A[l] : next;
        same &= w->lane_pc[l] == t;
    }
    lanes_go(w, t, same);
    return true;
}

bool gv_simt_call(struct gv_launch *L, struct gv_warp *w,
                  const struct gv_dinsn *i, uint32_t m)
{
    switch (i->k) {
    case GV_K_CALL:
        return call(L, w, i, m);
    case GV_K_RET:
        return ret(L, w, i, m);
    default: /* GV_K_TRAP */
        if (m) {
            gv_simt_fault(L, GV_RULE_COMPUTE_TRAP, UINT64_MAX);
            return false;
        }
        w->pc++;
        return true;
    }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: warp-synchronous instructions with a member
 * mask in divergent code.
 *
 * shfl.sync, vote.sync and bar.warp.sync (a VOTE into a scratch register)
 * with member mask M (PTX ISA 9.0, "Parallel Synchronization and
 * Communication Instructions"): a lane waits at its instruction until
 * every non-exited lane of M has executed one with the same qualifiers
 * and mask, whichever branch it comes from.  The fast path (sync_here()
 * in gv_simt_warp.h): every lane of M that has not exited is in the
 * running group.  Else (gv_simt_sync_arrive) the running lanes wait at
 * the instruction (at_sync), the other groups run, and the lanes that
 * complete the set evaluate it once over all of them (sync_eval).  A
 * waiting lane's registers cannot change, so its operands are read from
 * them then.  Lanes only meet lanes waiting at the same kind, mode, type
 * and mask (other meetings are undefined in PTX); a set that can never
 * complete (the lanes it waits for wait at a block barrier or at another
 * mask or operation) faults: compute.warp_sync.
 */
#include "gv_simt_warp.h"

/* The lanes waiting at an instruction like @i with member mask @M. */
static uint32_t sync_peers(const struct gv_warp *w,
                           const struct gv_dinsn *code,
                           const struct gv_dinsn *i, uint32_t M)
{
    uint32_t p = 0;

    for (uint32_t mm = w->at_sync; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);
        const struct gv_dinsn *x = &code[w->lane_pc[l]];

        if (x->k == i->k && x->mod == i->mod && x->type == i->type &&
            (uint32_t)w->R[x->e + l] == M) {
            p |= 1u << l;
        }
    }
    return p;
}

/* Evaluate the instruction each lane of @u waits at (one kind, mode and
 * mask: sync_peers), once over all of them, each lane with its own
 * operands and its own destination. */
static void sync_eval(struct gv_warp *w, const struct gv_dinsn *code,
                      uint32_t u)
{
    const struct gv_dinsn *i = &code[w->lane_pc[__builtin_ctz(u)]];
    uint64_t *R = w->R, a[GV_WARP] = { 0 }, d[GV_WARP] = { 0 };
    uint32_t ballot = 0;

    for (uint32_t mm = u; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);

        a[l] = R[code[w->lane_pc[l]].a + l];
        ballot |= (uint32_t)(a[l] & 1) << l;
    }
    for (uint32_t mm = u; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);
        const struct gv_dinsn *x = &code[w->lane_pc[l]];

        if (i->k == GV_K_SHFL) {
            unsigned j;

            if (tbits(i->type) != 32 || i->mod > GV_SHFL_IDX) {
                gv_simt_unsupported();
            }
            j = shfl_lane(i->mod, l, R[x->b + l], R[x->c + l]);
            /* a lane outside the set: its register, as the fast path */
            d[l] = (uint32_t)(u >> j & 1 ? a[j] : R[x->a + j]);
        } else {
            if (i->mod > GV_VOTE_BALLOT) {
                gv_simt_unsupported();
            }
            d[l] = vote_value(i->mod, ballot, u);
        }
    }
    for (uint32_t mm = u; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);

        R[code[w->lane_pc[l]].d + l] = d[l];
    }
}

/* The waiting lanes @r go on after their instructions. */
static void sync_release(struct gv_warp *w, uint32_t r)
{
    for (uint32_t mm = r; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);

        if (++w->lane_pc[l] < w->min_wait) {
            w->min_wait = w->lane_pc[l];
        }
    }
    w->at_sync &= ~r;
    w->waiting |= r;
}

/* After a set completed or lanes exited: if lanes went on behind the
 * running group (at a lower pc), park the running lanes at the next
 * instruction too, so that the scheduler runs the lowest group first and
 * the warp reconverges at the join as before (resched in gv_simt.c);
 * run_warp's pc + 1 then moves no lane. */
static void sync_behind(struct gv_warp *w)
{
    uint32_t next = w->pc + 1;

    if (!w->active || w->min_wait >= next) {
        return;
    }
    for (uint32_t mm = w->active; mm; mm &= mm - 1) {
        w->lane_pc[__builtin_ctz(mm)] = next;
    }
    w->waiting |= w->active;
    w->active = 0;
}

/* The running lanes @m execute @i (at w->pc), not all of whose member
 * mask is here: each group of them with one mask completes its set (and
 * goes on, with the lanes that waited) or waits. */
void gv_simt_sync_arrive(struct gv_warp *w, const struct gv_dinsn *code,
                         const struct gv_dinsn *i, uint32_t m)
{
    const uint64_t *E = w->R + i->e;

    while (m) {
        uint32_t M = (uint32_t)E[__builtin_ctz(m)], g = 0, u;

        for (uint32_t mm = m; mm; mm &= mm - 1) {
            unsigned l = __builtin_ctz(mm);

            if ((uint32_t)E[l] == M) {
                g |= 1u << l;
                w->lane_pc[l] = w->pc;
            }
        }
        m &= ~g;
        u = g | sync_peers(w, code, i, M);
        if (M & w->alive & ~u) {
            w->at_sync |= g;
            w->active &= ~g;
            continue;
        }
        sync_eval(w, code, u);
        sync_release(w, u & ~g);
    }
    sync_behind(w);
}

/* Lanes exited: complete the waiting sets whose other lanes are all
 * gone (exited lanes do not count). */
void gv_simt_sync_exit(struct gv_warp *w, const struct gv_dinsn *code)
{
    uint32_t left = w->at_sync;

    while (left) {
        unsigned l = __builtin_ctz(left);
        const struct gv_dinsn *i = &code[w->lane_pc[l]];
        uint32_t M = (uint32_t)w->R[i->e + l];
        uint32_t u = sync_peers(w, code, i, M);

        left &= ~u;
        if (!(M & w->alive & ~u)) {
            sync_eval(w, code, u);
            sync_release(w, u);
        }
    }
    sync_behind(w);
}

/* Every lane of the block that can run has run: lanes still waiting at a
 * warp-synchronous instruction never will (compute.warp_sync). */
bool gv_simt_sync_stuck(struct gv_launch *L, struct gv_sm *sm, uint32_t nw)
{
    for (uint32_t k = 0; k < nw; k++) {
        if (sm->warps[k].at_sync) {
            gv_simt_fault(L, GV_RULE_COMPUTE_WARP_SYNC, UINT64_MAX);
            return true;
        }
    }
    return false;
}

/* ---- reconvergence at the immediate post-dominator ----
 *
 * A branch the translator gave a reconvergence point R (GV_BRA_JOIN: the
 * branch's immediate post-dominator) pushes an entry (R, the running
 * lanes) when its lanes diverge, unless the top entry already waits at R
 * (a loop's exit branch, run once per iteration: its lanes join the
 * entry).  A group of lanes that reaches R (an instruction marked
 * GV_G_JOIN) while lanes of an entry at R are still elsewhere waits there
 * (at_join); the group that completes the entry goes on with all of them.
 * Lanes that exit are not waited for; lanes at a block barrier are (the
 * barrier brings them back).  Holding is never a deadlock: when no lane
 * of the warp can run otherwise and none is at a barrier (the others
 * wait at a warp-synchronous instruction), or when the whole block waits
 * and no barrier is complete (gv_simt.c, bar_release), the innermost
 * held lanes go on alone (gv_simt_join_unblock), as PTX's forward
 * progress requires. */

/* The lanes held, and the lanes waiting, at @pc. */
static uint32_t held_at(const struct gv_warp *w, uint32_t pc)
{
    uint32_t h = 0;

    for (uint32_t mm = w->at_join; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);

        h |= (uint32_t)(w->lane_pc[l] == pc) << l;
    }
    return h;
}

static uint32_t waiting_at(const struct gv_warp *w, uint32_t pc)
{
    uint32_t h = 0;

    for (uint32_t mm = w->waiting; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);

        h |= (uint32_t)(w->lane_pc[l] == pc) << l;
    }
    return h;
}

static void join_remove(struct gv_warp *w, uint32_t k)
{
    memmove(&w->join[k], &w->join[k + 1],
            (w->njoin - k - 1) * sizeof(w->join[0]));
    w->njoin--;
}

/* The held lanes @r go on from their pc (parked: the scheduler picks). */
static void join_release(struct gv_warp *w, uint32_t r)
{
    for (uint32_t mm = r; mm; mm &= mm - 1) {
        unsigned l = __builtin_ctz(mm);

        if (w->lane_pc[l] < w->min_wait) {
            w->min_wait = w->lane_pc[l];
        }
    }
    w->at_join &= ~r;
    w->waiting |= r;
}

bool gv_simt_join_push(struct gv_warp *w, uint32_t pc, uint32_t lanes)
{
    uint32_t n = w->njoin;

    /* entries whose lanes all exited wait for nobody */
    while (n && !(w->join[n - 1].lanes & w->alive)) {
        n--;
    }
    w->njoin = n;
    if (n && w->join[n - 1].pc == pc) {
        w->join[n - 1].lanes |= lanes;
        return true;
    }
    if (n == GV_JOIN_MAX) {
        return false;
    }
    w->join[n].pc = pc;
    w->join[n].lanes = lanes;
    w->njoin = n + 1;
    return true;
}

void gv_simt_join_arrive(struct gv_warp *w)
{
    uint32_t pc = w->pc;

    for (uint32_t k = w->njoin; k-- > 0;) {
        const struct gv_join *j = &w->join[k];
        uint32_t held, wait;

        if (j->pc != pc || !(j->lanes & w->active)) {
            continue;
        }
        held = held_at(w, pc);
        wait = waiting_at(w, pc);
        if (j->lanes & w->alive & ~(w->active | held | wait)) {
            /* others of the entry are still on their way: wait here */
            for (uint32_t mm = w->active; mm; mm &= mm - 1) {
                w->lane_pc[__builtin_ctz(mm)] = pc;
            }
            w->at_join |= w->active;
            w->active = 0;
            return;
        }
        /* the last of them: all go on together */
        w->active |= held | wait;
        w->at_join &= ~held;
        if (wait) {
            w->waiting &= ~wait;
            w->min_wait = UINT32_MAX;
            for (uint32_t mm = w->waiting; mm; mm &= mm - 1) {
                unsigned l = __builtin_ctz(mm);

                if (w->lane_pc[l] < w->min_wait) {
                    w->min_wait = w->lane_pc[l];
                }
            }
        }
        join_remove(w, k);
    }
}

bool gv_simt_join_unblock(struct gv_warp *w)
{
    if (!w->at_join) {
        return false;
    }
    for (uint32_t k = w->njoin; k-- > 0;) {
        uint32_t held = held_at(w, w->join[k].pc);

        if (held) {
            join_release(w, held);
            join_remove(w, k);
            return true;
        }
    }
    join_release(w, w->at_join); /* held by no entry: cannot happen */
    return true;
}

void gv_simt_join_exit(struct gv_warp *w)
{
    bool released = false;

    for (uint32_t k = w->njoin; k-- > 0;) {
        const struct gv_join *j = &w->join[k];
        uint32_t held = held_at(w, j->pc);

        if (held && !(j->lanes & w->alive & ~held)) {
            join_release(w, held);
            join_remove(w, k);
            released = true;
        }
    }
    if (released) {
        sync_behind(w);
    }
}

bool gv_simt_join_call(struct gv_warp *w, uint32_t pc, uint32_t lanes)
{
    for (uint32_t k = 0; k < w->njoin; k++) {
        if (w->join[k].pc == pc) {
            w->join[k].lanes |= lanes;
            return true;
        }
    }
    return gv_simt_join_push(w, pc, lanes);
}

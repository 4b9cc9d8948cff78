/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PTX translator: the reconvergence point of every conditional branch,
 * computed on the finished GVX code of an entry (after inlining and the
 * peephole, docs/ptx.md "Reconvergence").
 *
 * The control-flow graph of the emitted instructions: basic blocks begin
 * at 0, at branch targets and after branches, exits and traps; a block's
 * successors are its branch target, the next block (unless it ends in an
 * unconditional branch, exit or trap) and, for an exit, a trap or a
 * return, a virtual exit node (so does any opcode newer than this pass;
 * a call goes on to the next block, where it returns).  Post-dominators
 * are the dominators of the reverse graph rooted at the virtual exit,
 * by the iterative algorithm of Cooper,
 * Harvey and Kennedy ("A Simple, Fast Dominance Algorithm"): blocks in
 * reverse postorder of the reverse graph, each block's immediate
 * post-dominator the meet (nearest common post-dominator) of its
 * processed successors, until nothing changes.  A conditional branch
 * whose two successors differ and whose block's immediate post-dominator
 * is a real block gets that block's first instruction as its
 * reconvergence point (BRA with GV_BRA_JOIN, d | a << 16); the engine
 * makes the lanes that diverge there meet there (docs/compute.md).  A
 * branch whose paths only meet at the exit (one side returns), or in code
 * that never reaches an exit (an endless loop), gets none: its lanes
 * meet where the engine's scheduling brings them together, as before.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "graviton/gv_isa.h"
#include "gv_ptx_int.h"

#define UNDEF UINT32_MAX

struct cfg {
    const struct gv_insn *ins;
    uint32_t n, start, nb;      /* instructions, module index, blocks */
    uint32_t *bstart;           /* block b: [bstart[b], bstart[b + 1]) */
    uint32_t *blk;              /* instruction -> block */
    uint32_t (*succ)[2];        /* successors (UNDEF: none; nb: the exit) */
    uint32_t *pred, *npred;     /* predecessors: pred[pstart[b] ..] */
    uint32_t *pstart;
    uint32_t *po;               /* postorder number in the reverse graph */
    uint32_t *order;            /* the blocks by postorder number */
    uint32_t *ipdom;
};

static uint32_t target(const struct gv_insn *i)
{
    return (uint32_t)i->b | (uint32_t)i->c << 16;
}

/* Does the thread leave at @i (an edge to the exit)?  EXIT, TRAP, RET
 * (a real function is its own graph: its lanes go back to their return
 * addresses), and any opcode after GV_I_RET, the last one this pass
 * knows: a control transfer added later can then only cost a branch its
 * reconvergence point, never give it a wrong one.  CALL goes on to the
 * next instruction (where its lanes return). */
static bool ends(const struct gv_insn *i)
{
    return i->op == GV_I_EXIT || i->op == GV_I_TRAP || i->op >= GV_I_RET;
}

static bool find_blocks(struct cfg *g)
{
    uint8_t *leader = calloc(g->n + 1, 1);

    if (!leader) {
        return false;
    }
    leader[0] = 1;
    for (uint32_t k = 0; k < g->n; k++) {
        const struct gv_insn *i = &g->ins[k];

        if (i->op == GV_I_BRA && target(i) - g->start < g->n) {
            leader[target(i) - g->start] = 1;
        }
        if (i->op == GV_I_BRA || ends(i)) {
            leader[k + 1] = 1;
        }
    }
    g->nb = 0;
    for (uint32_t k = 0; k < g->n; k++) {
        g->nb += leader[k];
    }
    g->bstart = malloc((g->nb + 1) * sizeof(uint32_t));
    g->blk = malloc(g->n * sizeof(uint32_t));
    if (!g->bstart || !g->blk) {
        free(leader);
        return false;
    }
    for (uint32_t k = 0, b = 0; k < g->n; k++) {
        if (leader[k]) {
            g->bstart[b++] = k;
        }
        g->blk[k] = b - 1;
    }
    g->bstart[g->nb] = g->n;
    free(leader);
    return true;
}

/* Successors, and the predecessor lists of the reverse graph (the exit
 * node nb included). */
static bool edges(struct cfg *g)
{
    uint32_t nb = g->nb;

    g->succ = malloc(nb * sizeof(*g->succ));
    g->npred = calloc(nb + 1, sizeof(uint32_t));
    g->pstart = calloc(nb + 2, sizeof(uint32_t));
    g->pred = malloc((2 * (size_t)nb + 1) * sizeof(uint32_t));
    if (!g->succ || !g->npred || !g->pstart || !g->pred) {
        return false;
    }
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t last = g->bstart[b + 1] - 1;
        const struct gv_insn *i = &g->ins[last];
        bool cond = (i->guard & GV_G_ON) != 0;
        uint32_t next = last + 1 < g->n ? g->blk[last + 1] : nb;

        g->succ[b][0] = g->succ[b][1] = UNDEF;
        if (i->op == GV_I_BRA) {
            uint32_t t = target(i) - g->start;

            g->succ[b][0] = t < g->n ? g->blk[t] : nb;
            if (cond && next != g->succ[b][0]) {
                g->succ[b][1] = next;
            }
        } else if (ends(i)) {
            g->succ[b][0] = nb;
            if (cond) {
                g->succ[b][1] = next;
            }
        } else {
            g->succ[b][0] = next;
        }
        for (int s = 0; s < 2; s++) {
            if (g->succ[b][s] != UNDEF) {
                g->npred[g->succ[b][s]]++;
            }
        }
    }
    for (uint32_t b = 0; b <= nb; b++) {
        g->pstart[b + 1] = g->pstart[b] + g->npred[b];
        g->npred[b] = 0;
    }
    for (uint32_t b = 0; b < nb; b++) {
        for (int s = 0; s < 2; s++) {
            uint32_t t = g->succ[b][s];

            if (t != UNDEF) {
                g->pred[g->pstart[t] + g->npred[t]++] = b;
            }
        }
    }
    return true;
}

/* Postorder of the reverse graph from the exit (an explicit stack: a
 * function may have tens of thousands of blocks).  Blocks that never
 * reach an exit get no number (UNDEF). */
static bool postorder(struct cfg *g)
{
    uint32_t nb = g->nb, sp = 0, cnt = 0;
    uint32_t *stack = malloc((nb + 1) * sizeof(uint32_t));
    uint32_t *next = calloc(nb + 1, sizeof(uint32_t));

    g->po = malloc((nb + 1) * sizeof(uint32_t));
    g->order = malloc((nb + 1) * sizeof(uint32_t));
    if (!stack || !next || !g->po || !g->order) {
        free(stack);
        free(next);
        return false;
    }
    for (uint32_t b = 0; b <= nb; b++) {
        g->po[b] = UNDEF;
    }
    g->po[nb] = UNDEF - 1; /* on the stack */
    stack[sp++] = nb;
    while (sp) {
        uint32_t b = stack[sp - 1];

        if (next[b] < g->npred[b]) {
            uint32_t p = g->pred[g->pstart[b] + next[b]++];

            if (g->po[p] == UNDEF) {
                g->po[p] = UNDEF - 1;
                stack[sp++] = p;
            }
            continue;
        }
        sp--;
        g->po[b] = cnt;
        g->order[cnt++] = b;
    }
    free(stack);
    free(next);
    return true;
}

static uint32_t meet(const struct cfg *g, uint32_t a, uint32_t b)
{
    while (a != b) {
        while (g->po[a] < g->po[b]) {
            a = g->ipdom[a];
        }
        while (g->po[b] < g->po[a]) {
            b = g->ipdom[b];
        }
    }
    return a;
}

static bool pdoms(struct cfg *g)
{
    uint32_t nb = g->nb, root = g->po[nb];
    bool changed = true;

    g->ipdom = malloc((nb + 1) * sizeof(uint32_t));
    if (!g->ipdom) {
        return false;
    }
    for (uint32_t b = 0; b <= nb; b++) {
        g->ipdom[b] = UNDEF;
    }
    g->ipdom[nb] = nb;
    while (changed) {
        changed = false;
        /* reverse postorder: the exit (the highest number) first */
        for (uint32_t k = root; k-- > 0;) {
            uint32_t b = g->order[k], d = UNDEF;

            for (int s = 0; s < 2; s++) {
                uint32_t t = g->succ[b][s];

                if (t == UNDEF || g->ipdom[t] == UNDEF) {
                    continue;
                }
                d = d == UNDEF ? t : meet(g, t, d);
            }
            if (d != g->ipdom[b]) {
                g->ipdom[b] = d;
                changed = true;
            }
        }
    }
    return true;
}

/* Mark every conditional branch with its reconvergence point. */
static void mark(struct cfg *g, struct gv_insn *ins)
{
    for (uint32_t b = 0; b < g->nb; b++) {
        uint32_t last = g->bstart[b + 1] - 1, d = g->ipdom[b], j;
        struct gv_insn *i = &ins[last];

        if (i->op != GV_I_BRA || !(i->guard & GV_G_ON) ||
            g->succ[b][1] == UNDEF || d == UNDEF || d == g->nb) {
            continue;
        }
        j = g->start + g->bstart[d];
        i->mod = GV_BRA_JOIN;
        i->d = (uint16_t)j;
        i->a = (uint16_t)(j >> 16);
    }
}

void gvp_joins(struct gv_insn *ins, uint32_t n, uint32_t start)
{
    struct cfg g = { .ins = ins, .n = n, .start = start };

    if (n && find_blocks(&g) && edges(&g) && postorder(&g) &&
        g.po[g.nb] != UNDEF && pdoms(&g)) {
        mark(&g, ins);
    }
    free(g.bstart);
    free(g.blk);
    free(g.succ);
    free(g.pred);
    free(g.npred);
    free(g.pstart);
    free(g.po);
    free(g.order);
    free(g.ipdom);
}

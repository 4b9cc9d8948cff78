/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PTX translator: register slot allocation, the last pass over an entry.
 *
 * The code generator gives every PTX register (and every temporary, and
 * every register of every inlined call) a slot of its own: clang's SSA
 * PTX for an unrolled AES round makes thousands.  The engine keeps a
 * warp's registers slot-major (32 lanes x 8 bytes per slot), so 1,422
 * slots are 364 KiB per warp: an instruction's operands come from L2 or
 * memory, not L1, and each block zeroes megabytes of register file.
 *
 * This pass gives registers whose live ranges do not overlap the same
 * slot.  Liveness is the textbook backward dataflow over the function's
 * basic blocks (one thread's control flow: a lane's registers change only
 * by the instructions that lane runs, so what is right for every single
 * thread is right for a warp, diverged or not).  A register's live range
 * is then widened to one interval (the hull of every point where it is
 * live, defined or used), and intervals are coloured greedily in order of
 * their start (optimal for interval graphs).  Conservative on purpose:
 *  - a guarded instruction's destination is also read (lanes whose guard
 *    is false keep the old value);
 *  - an instruction's destination never shares a slot with a register
 *    live into it, its sources included (the engine may read a source of
 *    another lane after writing a lane's destination: SHFL, VOTE);
 *  - a register read before any write on some path (PTX leaves it
 *    undefined, the engine gives 0) is live from the entry, so its slot
 *    is nobody else's before its last use: it still reads 0;
 *  - every field that may name a register is treated as a read unless the
 *    ISA makes it an immediate (branch targets, memory offsets, CVT's
 *    source type), so an unused field holding 0 only keeps r0 alive.
 * The result computes exactly what the one-slot-per-register code did.
 * Functions too large for the bit sets within GVP_REGS_MAX_BYTES keep
 * their slots.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_isa.h"
#include "graviton/gv_isa_rules.h"
#include "gv_ptx_int.h"

#define GVP_REGS_MAX_BYTES (64u << 20)

/* The fields of an instruction, d a b c e, as pointers. */
static void fields(struct gv_insn *i, uint16_t *f[5])
{
    f[0] = &i->d;
    f[1] = &i->a;
    f[2] = &i->b;
    f[3] = &i->c;
    f[4] = &i->e;
}

/* The roles of @i's fields (gv_isa_roles): is field @k read, written? */
static bool role_read(uint8_t role)
{
    return role == GV_ROLE_SRC || role == GV_ROLE_SRCN;
}

static bool role_written(uint8_t role)
{
    return role == GV_ROLE_DST || role == GV_ROLE_DSTN;
}

/* Is @v a register of a function with @nregs registers? */
static bool is_reg(uint32_t v, uint32_t nregs)
{
    return v < GV_ISA_CONST_BASE && v < nregs;
}

static uint32_t target_of(const struct gv_insn *i)
{
    return (uint32_t)i->b | (uint32_t)i->c << 16;
}

/* Does control go on to the next instruction after @i? */
static bool falls_through(const struct gv_insn *i)
{
    if (i->guard & GV_G_ON) {
        return true;
    }
    return i->op != GV_I_BRA && i->op != GV_I_EXIT && i->op != GV_I_TRAP &&
           i->op != GV_I_RET;
}


struct ra {
    struct gv_insn *ins;
    uint32_t n, start, nregs, nw;       /* instructions, registers, words */
    uint32_t nb;                        /* basic blocks */
    uint32_t *bstart;                   /* block b: [bstart[b], bstart[b+1]) */
    uint32_t *blk;                      /* instruction -> block */
    uint64_t *use, *def, *in, *out;     /* nb x nw bit sets */
    uint32_t *lo, *hi;                  /* the registers' intervals */
};

/* Blocks begin at 0, at branch targets and after branches and exits. */
static bool find_blocks(struct ra *r)
{
    uint8_t *leader = calloc(r->n + 1, 1);

    if (!leader) {
        return false;
    }
    leader[0] = 1;
    for (uint32_t k = 0; k < r->n; k++) {
        const struct gv_insn *i = &r->ins[k];

        if (i->op == GV_I_BRA) {
            uint32_t t = target_of(i) - r->start;

            if (t < r->n) {
                leader[t] = 1;
            }
        }
        if (i->op == GV_I_BRA || i->op == GV_I_EXIT || i->op == GV_I_TRAP) {
            leader[k + 1] = 1;
        }
    }
    r->nb = 0;
    for (uint32_t k = 0; k < r->n; k++) {
        r->nb += leader[k];
    }
    r->bstart = malloc((r->nb + 1) * sizeof(uint32_t));
    r->blk = malloc(r->n * sizeof(uint32_t));
    if (!r->bstart || !r->blk) {
        free(leader);
        return false;
    }
    for (uint32_t k = 0, b = 0; k < r->n; k++) {
        if (leader[k]) {
            r->bstart[b++] = k;
        }
        r->blk[k] = b - 1;
    }
    r->bstart[r->nb] = r->n;
    free(leader);
    return true;
}

/* The registers @i reads (uses) and writes (defs), through @fn: the
 * fields the ISA's roles make sources, then those it makes results. */
static void insn_regs(const struct ra *r, struct gv_insn *i,
                      void (*fn)(void *ctx, uint32_t reg, bool def),
                      void *ctx)
{
    uint8_t role[GV_ISA_NFIELDS];
    uint16_t *f[5];

    gv_isa_roles(i, role);
    fields(i, f);
    if ((i->guard & GV_G_ON) && is_reg(i->gpred, r->nregs)) {
        fn(ctx, i->gpred, false);
    }
    for (int k = 0; k < 5; k++) {
        if (role_read(role[k]) && is_reg(*f[k], r->nregs)) {
            fn(ctx, *f[k], false);
        }
    }
    for (int k = 0; k < 5; k++) {
        if (role_written(role[k]) && is_reg(*f[k], r->nregs)) {
            if (i->guard & GV_G_ON) {
                fn(ctx, *f[k], false);  /* lanes not guarded keep it */
            }
            fn(ctx, *f[k], true);
        }
    }
}

struct blk_ctx {
    uint64_t *use, *def;
};

/* Upward-exposed uses and defs of a block, scanned forwards. */
static void blk_visit(void *p, uint32_t v, bool def)
{
    struct blk_ctx *c = p;
    uint64_t bit = 1ull << (v & 63);

    if (def) {
        c->def[v >> 6] |= bit;
    } else if (!(c->def[v >> 6] & bit)) {
        c->use[v >> 6] |= bit;
    }
}

static void liveness(struct ra *r)
{
    bool changed = true;
    uint32_t nw = r->nw;

    for (uint32_t b = 0; b < r->nb; b++) {
        struct blk_ctx c = { r->use + (size_t)b * nw, r->def + (size_t)b * nw };

        for (uint32_t k = r->bstart[b]; k < r->bstart[b + 1]; k++) {
            /* a guarded def reads first (blk_visit sees the use first) */
            insn_regs(r, &r->ins[k], blk_visit, &c);
        }
    }
    while (changed) {
        changed = false;
        for (uint32_t b = r->nb; b-- > 0;) {
            uint32_t last = r->bstart[b + 1] - 1;
            const struct gv_insn *i = &r->ins[last];
            uint64_t *out = r->out + (size_t)b * nw;
            uint64_t *in = r->in + (size_t)b * nw;
            const uint64_t *use = r->use + (size_t)b * nw;
            const uint64_t *def = r->def + (size_t)b * nw;
            uint32_t succ[2], ns = 0;

            if (i->op == GV_I_BRA && target_of(i) - r->start < r->n) {
                succ[ns++] = r->blk[target_of(i) - r->start];
            }
            if (falls_through(i) && last + 1 < r->n) {
                succ[ns++] = r->blk[last + 1];
            }
            for (uint32_t s = 0; s < ns; s++) {
                const uint64_t *sin = r->in + (size_t)succ[s] * nw;

                for (uint32_t w = 0; w < nw; w++) {
                    out[w] |= sin[w];
                }
            }
            for (uint32_t w = 0; w < nw; w++) {
                uint64_t v = use[w] | (out[w] & ~def[w]);

                if (v != in[w]) {
                    in[w] = v;
                    changed = true;
                }
            }
        }
    }
}

static void extend(struct ra *r, uint32_t v, uint32_t k)
{
    if (k < r->lo[v]) {
        r->lo[v] = k;
    }
    if (k > r->hi[v] || r->hi[v] == UINT32_MAX) {
        r->hi[v] = k;
    }
}

struct pt_ctx {
    struct ra *r;
    uint32_t k;
};

static void pt_visit(void *p, uint32_t v, bool def)
{
    struct pt_ctx *c = p;

    (void)def;
    extend(c->r, v, c->k);
}

/* Every register's interval: the hull of its uses, defs and the block
 * ends it is live across. */
static void intervals(struct ra *r)
{
    for (uint32_t v = 0; v < r->nregs; v++) {
        r->lo[v] = UINT32_MAX;
        r->hi[v] = UINT32_MAX;
    }
    for (uint32_t b = 0; b < r->nb; b++) {
        const uint64_t *in = r->in + (size_t)b * r->nw;
        const uint64_t *out = r->out + (size_t)b * r->nw;

        for (uint32_t w = 0; w < r->nw; w++) {
            for (uint64_t m = in[w]; m; m &= m - 1) {
                extend(r, w * 64 + (uint32_t)__builtin_ctzll(m),
                       r->bstart[b]);
            }
            for (uint64_t m = out[w]; m; m &= m - 1) {
                extend(r, w * 64 + (uint32_t)__builtin_ctzll(m),
                       r->bstart[b + 1] - 1);
            }
        }
    }
    for (uint32_t k = 0; k < r->n; k++) {
        struct pt_ctx c = { r, k };

        insn_regs(r, &r->ins[k], pt_visit, &c);
    }
}

/* Rename register @from to @to in every register field of the code. */
static void rename_reg(struct ra *r, uint32_t from, uint32_t to)
{
    for (uint32_t k = 0; k < r->n; k++) {
        struct gv_insn *i = &r->ins[k];
        uint8_t role[GV_ISA_NFIELDS];
        uint16_t *f[5];

        gv_isa_roles(i, role);
        fields(i, f);
        if ((i->guard & GV_G_ON) && i->gpred == from) {
            i->gpred = (uint16_t)to;
        }
        for (int q = 0; q < 5; q++) {
            if ((role_read(role[q]) || role_written(role[q])) &&
                *f[q] == from) {
                *f[q] = (uint16_t)to;
            }
        }
    }
}

/* A 64-bit move (cvta.to.global is one) whose source's interval ends
 * at it and whose destination's begins there: no point has both live,
 * so they become one register (the hull of both intervals), and the
 * move copies a slot onto itself (gvp_regs_self_moves drops it). */
static void coalesce(struct ra *r)
{
    for (uint32_t k = 0; k < r->n; k++) {
        const struct gv_insn *i = &r->ins[k];
        uint32_t d = i->d, a = i->a;

        if (i->op != GV_I_MOV || i->guard ||
            (i->type != GV_T_U64 && i->type != GV_T_S64) ||
            !is_reg(d, r->nregs) || !is_reg(a, r->nregs) || d == a ||
            r->hi[a] != k || r->lo[d] != k) {
            continue;
        }
        rename_reg(r, d, a);
        r->hi[a] = r->hi[d];
        r->lo[d] = r->hi[d] = UINT32_MAX;
    }
}

/* Order of (start << 32 | register) keys. */
static int by_key(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

    return a < b ? -1 : a > b;
}

/* A min-heap of (end, slot) of the intervals holding a slot. */
struct heap {
    uint64_t *e;                        /* end << 32 | slot */
    uint32_t n;
};

static void heap_push(struct heap *h, uint64_t x)
{
    uint32_t k = h->n++;

    while (k > 0 && h->e[(k - 1) / 2] > x) {
        h->e[k] = h->e[(k - 1) / 2];
        k = (k - 1) / 2;
    }
    h->e[k] = x;
}

static uint64_t heap_pop(struct heap *h)
{
    uint64_t top = h->e[0], x = h->e[--h->n];
    uint32_t k = 0;

    for (;;) {
        uint32_t c = 2 * k + 1;

        if (c >= h->n) {
            break;
        }
        if (c + 1 < h->n && h->e[c + 1] < h->e[c]) {
            c++;
        }
        if (h->e[c] >= x) {
            break;
        }
        h->e[k] = h->e[c];
        k = c;
    }
    if (h->n) {
        h->e[k] = x;
    }
    return top;
}

/* Colour the intervals; rename the registers.  Returns the slot count. */
static uint32_t assign(struct ra *r)
{
    uint64_t *ord = malloc(r->nregs * sizeof(uint64_t));
    uint32_t *slot = malloc(r->nregs * sizeof(uint32_t));
    uint32_t *freel = malloc(r->nregs * sizeof(uint32_t));
    struct heap h = { malloc(r->nregs * sizeof(uint64_t)), 0 };
    uint32_t nord = 0, nslots = 0, nfree = 0;

    if (!ord || !slot || !freel || !h.e) {
        free(ord);
        free(slot);
        free(freel);
        free(h.e);
        return r->nregs;
    }
    for (uint32_t v = 0; v < r->nregs; v++) {
        slot[v] = v;                    /* never referenced: unchanged */
        if (r->lo[v] != UINT32_MAX) {
            ord[nord++] = (uint64_t)r->lo[v] << 32 | v;
        }
    }
    qsort(ord, nord, sizeof(*ord), by_key);
    for (uint32_t j = 0; j < nord; j++) {
        uint32_t v = (uint32_t)ord[j];

        /* free the slots of intervals that ended before this one starts */
        while (h.n && (uint32_t)(h.e[0] >> 32) < r->lo[v]) {
            freel[nfree++] = (uint32_t)heap_pop(&h);
        }
        slot[v] = nfree ? freel[--nfree] : nslots++;
        heap_push(&h, (uint64_t)r->hi[v] << 32 | slot[v]);
    }
    for (uint32_t k = 0; k < r->n; k++) {
        struct gv_insn *i = &r->ins[k];
        uint8_t role[GV_ISA_NFIELDS];
        uint16_t *f[5];

        gv_isa_roles(i, role);
        fields(i, f);
        if ((i->guard & GV_G_ON) && is_reg(i->gpred, r->nregs)) {
            i->gpred = (uint16_t)slot[i->gpred];
        }
        for (int q = 0; q < 5; q++) {
            if ((role_read(role[q]) || role_written(role[q])) &&
                is_reg(*f[q], r->nregs)) {
                *f[q] = (uint16_t)slot[*f[q]];
            }
        }
    }
    free(ord);
    free(slot);
    free(freel);
    free(h.e);
    return nslots ? nslots : r->nregs;
}

uint32_t gvp_regs_allocate(struct gv_insn *ins, uint32_t n, uint32_t start,
                           uint32_t nregs)
{
    struct ra r = { .ins = ins, .n = n, .start = start, .nregs = nregs,
                    .nw = (nregs + 63) / 64 };
    uint32_t res = nregs;
    size_t sets;

    if (n == 0 || nregs == 0 || !find_blocks(&r)) {
        free(r.bstart);
        free(r.blk);
        return nregs;
    }
    sets = (size_t)r.nb * r.nw;
    if (sets * 8 * 4 <= GVP_REGS_MAX_BYTES) {
        r.use = calloc(sets, 8);
        r.def = calloc(sets, 8);
        r.in = calloc(sets, 8);
        r.out = calloc(sets, 8);
        r.lo = malloc(nregs * sizeof(uint32_t));
        r.hi = malloc(nregs * sizeof(uint32_t));
        if (r.use && r.def && r.in && r.out && r.lo && r.hi) {
            liveness(&r);
            intervals(&r);
            coalesce(&r);
            res = assign(&r);
        }
    }
    free(r.use);
    free(r.def);
    free(r.in);
    free(r.out);
    free(r.lo);
    free(r.hi);
    free(r.bstart);
    free(r.blk);
    return res;
}

bool gvp_regs_self_moves(struct gv_insn *ins, uint32_t n)
{
    bool any = false;

    for (uint32_t k = 0; k < n; k++) {
        struct gv_insn *i = &ins[k];

        if (i->op == GV_I_MOV && !i->guard && i->d == i->a &&
            (i->type == GV_T_U64 || i->type == GV_T_S64) &&
            i->d < GV_ISA_CONST_BASE) {
            memset(i, 0, sizeof(*i));
            i->op = GV_I_NOP;
            any = true;
        }
    }
    return any;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PTX translator, code generator: calls for real.  Every .func call is
 * inlined (gv_ptx_call.c) except calls of the functions that lie on a
 * cycle of the call graph (direct or mutual recursion, and indirect calls,
 * which may reach every function whose address is taken): those are
 * generated once per entry, after the entry's code and inside its
 * instruction range, and called with CALL / RET (docs/isa.md, "Calls").
 *
 * Calling convention (each lane on its own: its registers, its local
 * memory, its return address):
 *  - sp (a register of the entry) is the frame base of the running
 *    function; in the entry it is 0 and the entry's .local and call
 *    .param variables are the frame [0, entry size).  A real function's
 *    .local/.param variables, parameters and results are at sp + offset.
 *  - A call: the arguments go into the transfer registers (xfer, 64 bits
 *    each; an aggregate in pieces of its alignment); sp += the caller's
 *    frame size; CALL lr, sp + the callee's frame size, target: the
 *    engine faults (compute.call_depth) if that frame end is beyond the
 *    thread's local memory (the depth limit) before anything is written;
 *    sp -= the caller's frame size; the results come back in xfer.
 *  - The callee's prologue stores lr and the registers of its own (those
 *    it and what is inlined into it use) that are live after one of its
 *    CALLs into its frame, then its parameters from xfer; its epilogue
 *    puts the results into xfer, restores the registers, loads lr and
 *    RETs.  A register of the function is only ever written by the
 *    function's activations, and an activation needs one kept only where
 *    it is live across a CALL (which may reach another activation): so a
 *    call changes nothing the caller still reads but lr and xfer.
 *  - Frame: [0, 8) lr, then parameters, results, .local and .param
 *    variables (as allocated), then the saved registers; 16-aligned.
 * The stack is GVP_STACK bytes of local memory after the entry's frame.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_isa.h"
#include "graviton/gv_isa_rules.h"
#include "gv_ptx_cg.h"

/* Bytes of call stack per thread after the entry's frame: 16 MiB of local
 * memory per block (the engine's limit) holds 1,024 threads of 8 KiB
 * and an entry frame of up to 8 KiB. */
#define GVP_STACK (8u << 10)

/* ---- the call graph ---- */

struct cgraph {
    int **succ;                 /* per function: its callees */
    int *nsucc, *cap;
};

static void edge(struct gvp *p, struct cgraph *g, int from, int to)
{
    size_t cap = (size_t)g->cap[from];

    for (int k = 0; k < g->nsucc[from]; k++) {
        if (g->succ[from][k] == to) {
            return;
        }
    }
    g->succ[from] = gvp_grow(p, g->succ[from], &cap,
                             (size_t)g->nsucc[from] + 1, sizeof(int));
    g->cap[from] = (int)cap;
    g->succ[from][g->nsucc[from]++] = to;
}

/* The edges of call statement @s of function @from. */
static void call_edges(struct gvp_module *m, struct gvp *p, struct cgraph *g,
                       int from, const struct gvp_stmt *s)
{
    int i = s->nopd && s->opd[0].kind == OK_LIST ? 1 : 0, fi, nargs;

    if (i >= s->nopd || s->opd[i].kind != OK_NAME || !s->opd[i].name) {
        return;                 /* refused when generated */
    }
    fi = gvp_func_index(m, s->opd[i].name);
    if (fi >= 0) {
        edge(p, g, from, fi);
        return;
    }
    nargs = i + 1 < s->nopd && s->opd[i + 1].kind == OK_LIST
            ? s->opd[i + 1].n : 0;
    for (int k = 0; k < m->nfuncs; k++) {
        const struct gvp_func *f = m->funcs[k];

        if (f->addr_taken && !f->entry && f->has_body &&
            f->nparams == nargs) {
            edge(p, g, from, k);        /* an indirect call may reach it */
        }
    }
}

/* Does a path of calls lead from @f back to @f? */
static bool on_cycle(struct gvp *p, const struct cgraph *g, int n, int f)
{
    int *stack = gvp_alloc(p, (size_t)n * sizeof(int)), top = 0;
    uint8_t *seen = gvp_alloc(p, (size_t)n);

    stack[top++] = f;
    while (top) {
        int v = stack[--top];

        for (int k = 0; k < g->nsucc[v]; k++) {
            int w = g->succ[v][k];

            if (w == f) {
                return true;
            }
            if (!seen[w]) {
                seen[w] = 1;
                stack[top++] = w;
            }
        }
    }
    return false;
}

/* How a parameter or result @d travels: @n transfer registers, each
 * @chunk bytes of it; @t the type of each piece (0 for a .reg one). */
static int xfer_form(const struct gvp_decl *d, unsigned *t, unsigned *chunk)
{
    unsigned c = 8, align = gvp_decl_align(d);

    if (d->space == SP_REG) {
        *t = GV_T_U64;
        *chunk = 8;
        return 1;
    }
    if (!d->is_array && d->vec <= 1 && d->size <= 8 && d->size &&
        gvp_types[d->ptype].gv != GV_T_NONE && d->ptype != PT_PRED) {
        *t = gvp_types[d->ptype].gv;
        *chunk = (unsigned)d->size;
        return 1;
    }
    while (c > 1 && (align % c || d->size % c)) {
        c >>= 1;
    }
    *t = c == 8 ? GV_T_U64 : c == 4 ? GV_T_U32 : c == 2 ? GV_T_U16 : GV_T_U8;
    *chunk = c;
    return (int)(d->size / c);
}

static int xfer_count(const struct gvp_decl *d, int n)
{
    unsigned t, c;
    int sum = 0;

    for (int k = 0; k < n; k++) {
        sum += xfer_form(&d[k], &t, &c);
    }
    return sum;
}

void gvp_rcall_analyse(struct cg *cg)
{
    struct gvp_module *m = cg->m;
    int n = m->nfuncs;
    struct cgraph g = {
        .succ = gvp_alloc(cg->p, (size_t)(n + 1) * sizeof(int *)),
        .nsucc = gvp_alloc(cg->p, (size_t)(n + 1) * sizeof(int)),
        .cap = gvp_alloc(cg->p, (size_t)(n + 1) * sizeof(int)),
    };

    gvp_mark_addr_taken(m);
    for (int i = 0; i < n; i++) {
        const struct gvp_func *f = m->funcs[i];

        for (int j = 0; j < f->nstmts; j++) {
            const struct gvp_stmt *s = &f->stmts[j];

            if (s->kind == S_INSN && !strncmp(s->opc, "call", 4) &&
                (s->opc[4] == 0 || s->opc[4] == '.')) {
                call_edges(m, cg->p, &g, i, s);
            }
        }
    }
    for (int i = 0; i < n; i++) {
        struct gvp_func *f = m->funcs[i];
        int need;

        if (f->entry || !f->has_body || !on_cycle(cg->p, &g, n, i)) {
            continue;
        }
        f->real = true;
        cg->any_real = true;
        need = xfer_count(f->params, f->nparams);
        if (xfer_count(f->rets, f->nrets) > need) {
            need = xfer_count(f->rets, f->nrets);
        }
        if (need > GVP_XFER_MAX) {
            gvp_fail(cg->p, f->line, f->name, "the parameters or results of "
                     "a recursive function take more than %d pieces of at "
                     "most 8 bytes", GVP_XFER_MAX);
        }
        if (need > cg->nxfer) {
            cg->nxfer = need;
        }
    }
}

/* ---- an entry ---- */

void gvp_rcall_entry_start(struct cg *cg, const struct gvp_func *f)
{
    (void)f;
    cg->nrf = cg->nrp = 0;
    cg->rcur = 0;
    cg->kentry = 0;
    if (!cg->any_real) {
        return;
    }
    cg->sp = (uint16_t)gvp_new_slot(cg);
    cg->lr = (uint16_t)gvp_new_slot(cg);
    for (int k = 0; k < cg->nxfer; k++) {
        cg->xfer[k] = (uint16_t)gvp_new_slot(cg);
    }
}

/* The index of @f in the entry's functions called for real (added if
 * new). */
static int rfunc_of(struct cg *cg, const struct gvp_func *f)
{
    int fi = gvp_func_index(cg->m, f->name);
    struct rfunc *r;

    for (size_t k = 0; k < cg->nrf; k++) {
        if (cg->rf[k].fi == fi) {
            return (int)k;
        }
    }
    r = PUSH(cg, cg->rf, cg->nrf, cg->caprf);
    memset(r, 0, sizeof(*r));
    r->fi = fi;
    r->ksize = gvp_konst_fresh(cg, 0);
    return (int)cg->nrf - 1;
}

static void emit_mov(struct cg *cg, uint16_t d, uint16_t a)
{
    gvp_emit(cg, GV_I_MOV, GV_T_U64, 0, d, a, 0, 0, 0);
}

/* The arguments into the transfer registers. */
static void args_out(struct cg *cg, const struct gvp_func *f,
                     const struct arg *ab)
{
    int j = 0;

    for (int k = 0; k < f->nparams; k++) {
        const struct gvp_decl *p = &f->params[k];
        unsigned t, c;
        int n = xfer_form(p, &t, &c);

        if (ab[k].kind == Y_REG) {
            if (n != 1) {
                gvp_fail(cg->p, p->line, p->name, "aggregate parameter "
                         "passed a register");
            }
            emit_mov(cg, cg->xfer[j++], ab[k].val);
            continue;
        }
        if (p->space == SP_REG) {
            gvp_fail(cg->p, p->line, p->name, ".reg parameter passed a "
                     ".param variable");
        }
        for (int q = 0; q < n; q++) {
            gvp_local_ldst(cg, GV_I_LD, t, cg->xfer[j++],
                           ab[k].off + (uint64_t)q * c, ab[k].framed);
        }
    }
}

/* The results from the transfer registers. */
static void results_in(struct cg *cg, const struct gvp_func *f,
                       const struct callsite *cs, const struct res *rb)
{
    int j = 0;

    for (int k = 0; cs->rets && k < cs->rets->n; k++) {
        const struct gvp_decl *r = &f->rets[k];
        unsigned t, c;
        int n = xfer_form(r, &t, &c);

        if (rb[k].kind == Y_REG) {
            if (n != 1) {
                FAIL(cg, "%s: an aggregate result into a register",
                     f->name);
            }
            emit_mov(cg, rb[k].reg, cg->xfer[j]);
        } else {
            for (int q = 0; q < n; q++) {
                gvp_local_ldst(cg, GV_I_ST, t, cg->xfer[j + q],
                               rb[k].off + (uint64_t)q * c, rb[k].framed);
            }
        }
        j += n;
    }
}

void gvp_rcall(struct cg *cg, const struct gvp_stmt *s, struct gvp_func *f,
               const struct callsite *cs)
{
    struct arg ab[GVP_MAX_ARGS];
    struct res rb[GVP_MAX_RETS];
    uint16_t bump, end = (uint16_t)gvp_new_slot(cg);
    int r;
    struct rpatch *pt;

    (void)s;
    gvp_call_check(cg, f, cs);
    r = rfunc_of(cg, f);
    gvp_eval_args(cg, f, cs, ab, rb);
    args_out(cg, f, ab);
    if (!cg->rcur && !cg->kentry) {
        cg->kentry = gvp_konst_fresh(cg, 0);
    }
    bump = cg->rcur ? cg->rf[cg->rcur - 1].ksize : cg->kentry;
    gvp_emit(cg, GV_I_ADD, GV_T_U64, 0, cg->sp, cg->sp, bump, 0, 0);
    gvp_emit(cg, GV_I_ADD, GV_T_U64, 0, end, cg->sp, cg->rf[r].ksize, 0, 0);
    pt = PUSH(cg, cg->rp, cg->nrp, cg->caprp);
    pt->at = gvp_emit(cg, GV_I_CALL, GV_T_NONE, 0, cg->lr, end, 0, 0, 0);
    pt->rf = r;
    gvp_emit(cg, GV_I_SUB, GV_T_U64, 0, cg->sp, cg->sp, bump, 0, 0);
    results_in(cg, f, cs, rb);
}

/* ---- a function called for real ---- */

/* A parameter's or result's place in the frame: its slot (.reg) or
 * offset. */
struct place {
    uint16_t slot;
    uint64_t off;
};

static void bind(struct cg *cg, const struct gvp_decl *d, struct place *pl)
{
    struct sym *y;

    if (d->space == SP_REG) {
        y = gvp_sym_add(cg, d->name, Y_REG, d->line);
        y->slot = gvp_new_slot(cg);
        y->ptype = d->ptype;
        pl->slot = (uint16_t)y->slot;
        return;
    }
    if (d->unsized || !d->size) {
        gvp_fail(cg->p, d->line, d->name, "unsized parameter");
    }
    y = gvp_sym_add(cg, d->name, Y_LOCAL, d->line);
    y->off = gvp_local_alloc(cg, d->size, gvp_decl_align(d));
    y->framed = true;
    y->ptype = d->ptype;
    pl->off = y->off;
}

/* Move @n declarations between their places and the transfer registers:
 * @op GV_I_ST (transfer -> place) or GV_I_LD. */
static void xfer_places(struct cg *cg, const struct gvp_decl *d,
                        const struct place *pl, int n, unsigned op)
{
    int j = 0;

    for (int k = 0; k < n; k++) {
        unsigned t, c;
        int m = xfer_form(&d[k], &t, &c);

        if (d[k].space == SP_REG) {
            if (op == GV_I_ST) {
                emit_mov(cg, pl[k].slot, cg->xfer[j]);
            } else {
                emit_mov(cg, cg->xfer[j], pl[k].slot);
            }
            j++;
            continue;
        }
        for (int q = 0; q < m; q++) {
            gvp_local_ldst(cg, op, t, cg->xfer[j++],
                           pl[k].off + (uint64_t)q * c, true);
        }
    }
}

/* Save (GV_I_ST) or restore (GV_I_LD) the slots @regs at @at. */
static void save_regs(struct cg *cg, unsigned op, const uint16_t *regs,
                      uint32_t n, uint64_t at)
{
    for (uint32_t k = 0; k < n; k++) {
        gvp_local_ldst(cg, op, GV_T_U64, regs[k], at + 8ull * k, true);
    }
}

/* ---- which registers a call must keep ---- */

/* The live sets of the body [@b, @e) of a function with registers
 * [lo, lo + nw * 64): one bit set per instruction, and the exit's (the
 * epilogue: @out). */
struct live {
    const struct gv_insn *ins;
    uint32_t b, e, lo, nw;
    uint64_t *in;               /* (e - b + 1) x nw: live into each */
};

static void bit(uint64_t *set, const struct live *v, uint32_t r, bool on)
{
    if (r >= v->lo && r - v->lo < 64ull * v->nw) {
        uint32_t k = r - v->lo;

        if (on) {
            set[k / 64] |= 1ull << (k % 64);
        } else {
            set[k / 64] &= ~(1ull << (k % 64));
        }
    }
}

/* Live into instruction @k from what is live out of it (@set, changed
 * in place): its writes die, its reads (a guarded write's old value
 * too) are born. */
static void transfer(const struct live *v, uint32_t k, uint64_t *set)
{
    const struct gv_insn *i = &v->ins[k];
    const uint16_t f[GV_ISA_NFIELDS] = { i->d, i->a, i->b, i->c, i->e };
    uint8_t role[GV_ISA_NFIELDS];

    gv_isa_roles(i, role);
    for (int pass = 0; pass < 2; pass++) {
        for (int j = 0; j < GV_ISA_NFIELDS; j++) {
            bool dst = role[j] == GV_ROLE_DST || role[j] == GV_ROLE_DSTN;
            bool src = role[j] == GV_ROLE_SRC || role[j] == GV_ROLE_SRCN;

            if (f[j] >= GV_ISA_CONST_BASE) {
                continue;
            }
            if (pass == 0 && dst && !i->guard) {
                bit(set, v, f[j], false);
            } else if (pass == 1 && (src || (dst && i->guard))) {
                bit(set, v, f[j], true);
            }
        }
    }
    if (i->guard & GV_G_ON) {
        bit(set, v, i->gpred, true);
    }
}

static uint32_t tgt(const struct gv_insn *i)
{
    return (uint32_t)i->b | (uint32_t)i->c << 16;
}

/* Backward dataflow to a fixed point. */
static void liveness(struct live *v, uint64_t *tmp)
{
    bool changed = true;
    uint32_t nw = v->nw;

    while (changed) {
        changed = false;
        for (uint32_t k = v->e; k-- > v->b;) {
            const struct gv_insn *i = &v->ins[k];
            uint64_t *in = v->in + (size_t)(k - v->b) * nw;
            bool fall = (i->guard & GV_G_ON) ||
                        (i->op != GV_I_BRA && i->op != GV_I_EXIT &&
                         i->op != GV_I_TRAP && i->op != GV_I_RET);

            memset(tmp, 0, nw * sizeof(uint64_t));
            if (fall) {
                const uint64_t *n = v->in + (size_t)(k + 1 - v->b) * nw;

                for (uint32_t w = 0; w < nw; w++) {
                    tmp[w] |= n[w];
                }
            }
            if (i->op == GV_I_BRA && tgt(i) >= v->b && tgt(i) <= v->e) {
                const uint64_t *n = v->in + (size_t)(tgt(i) - v->b) * nw;

                for (uint32_t w = 0; w < nw; w++) {
                    tmp[w] |= n[w];
                }
            }
            transfer(v, k, tmp);
            if (memcmp(tmp, in, nw * sizeof(uint64_t))) {
                memcpy(in, tmp, nw * sizeof(uint64_t));
                changed = true;
            }
        }
    }
}

/* The registers of [lo, hi) live after a CALL of the body [b, e) (the
 * epilogue reads the .reg results @rets), into @regs; their number.  All
 * of them if the bit sets would be too large. */
static uint32_t kept_regs(struct cg *cg, uint32_t b, uint32_t e, uint32_t lo,
                          uint32_t hi, const struct gvp_func *f,
                          const uint16_t *rets, uint16_t *regs)
{
    struct live v = { .ins = cg->ins, .b = b, .e = e, .lo = lo,
                      .nw = (hi - lo + 63) / 64 };
    uint64_t *keep, *tmp;
    uint32_t n = 0;

    v.in = (size_t)(e - b + 1) * v.nw <= (8u << 20)
           ? calloc((size_t)(e - b + 1) * v.nw + 2 * v.nw + 1,
                    sizeof(uint64_t))
           : NULL;
    if (!v.in) {
        for (uint32_t r = lo; r < hi; r++) {
            regs[n++] = (uint16_t)r;
        }
        return n;
    }
    keep = v.in + (size_t)(e - b + 1) * v.nw;
    tmp = keep + v.nw;
    for (int k = 0; k < f->nrets; k++) {
        if (f->rets[k].space == SP_REG) {
            bit(v.in + (size_t)(e - b) * v.nw, &v, rets[k], true);
        }
    }
    liveness(&v, tmp);
    for (uint32_t k = b; k < e; k++) {
        if (cg->ins[k].op == GV_I_CALL) {
            const uint64_t *after = v.in + (size_t)(k + 1 - b) * v.nw;

            for (uint32_t w = 0; w < v.nw; w++) {
                keep[w] |= after[w];
            }
        }
    }
    for (uint32_t r = lo; r < hi; r++) {
        if (keep[(r - lo) / 64] >> ((r - lo) % 64) & 1) {
            regs[n++] = (uint16_t)r;
        }
    }
    free(v.in);
    return n;
}

static void gen_real(struct cg *cg, int r)
{
    struct gvp_func *f = cg->m->funcs[cg->rf[r].fi];
    uint64_t local = cg->local_size, save;
    int frame = cg->frame, depth = cg->depth, nstack = cg->nstack;
    uint32_t lo = cg->nregs, hi, body = (uint32_t)cg->nins, nkept;
    uint16_t *kept, *rets = gvp_alloc(cg->p, (size_t)(f->nrets + 1) *
                                                 sizeof(*rets));
    struct place *pp = gvp_alloc(cg->p, (size_t)(f->nparams + 1) *
                                            sizeof(*pp));
    struct place *rp = gvp_alloc(cg->p, (size_t)(f->nrets + 1) *
                                            sizeof(*rp));
    char *ret_label = gvp_alloc(cg->p, 32);

    cg->rcur = r + 1;
    cg->local_size = 8;         /* lr */
    cg->nstack = 0;
    cg->stack[cg->nstack++] = f;
    cg->frame = ++cg->nframes;
    cg->depth = 1;
    cg->guard = 0;
    cg->line = f->line;
    cg->opc = f->name;
    for (int k = 0; k < f->nparams; k++) {
        bind(cg, &f->params[k], &pp[k]);
    }
    for (int k = 0; k < f->nrets; k++) {
        bind(cg, &f->rets[k], &rp[k]);
    }
    snprintf(ret_label, 32, "\001rret%d", cg->frame);
    gvp_translate_body(cg, f, ret_label);
    cg->line = f->line;
    cg->opc = f->name;
    gvp_label_define(cg, ret_label, f->line);
    gvp_fixups_resolve(cg, cg->frame);
    hi = cg->nregs;
    for (int k = 0; k < f->nrets; k++) {
        rets[k] = rp[k].slot;
    }
    kept = gvp_alloc(cg->p, (size_t)(hi - lo + 1) * sizeof(*kept));
    nkept = kept_regs(cg, body, (uint32_t)cg->nins, lo, hi, f, rets, kept);
    save = gvp_align_up(cg->local_size, 8);
    cg->rf[r].size = (uint32_t)gvp_align_up(save + 8ull * nkept, 16);
    if (cg->rf[r].size > GV_ISA_MAX_LOCAL / 2) {
        FAIL(cg, "the frame of a recursive function is larger than %u "
             "bytes", GV_ISA_MAX_LOCAL / 2);
    }
    /* epilogue (every ret of the body comes here) */
    xfer_places(cg, f->rets, rp, f->nrets, GV_I_LD);
    save_regs(cg, GV_I_LD, kept, nkept, save);
    gvp_local_ldst(cg, GV_I_LD, GV_T_U64, cg->lr, 0, true);
    gvp_emit(cg, GV_I_RET, GV_T_NONE, 0, 0, cg->lr, 0, 0, 0);
    /* prologue, the CALL target */
    cg->rf[r].pro = (uint32_t)cg->nins;
    gvp_local_ldst(cg, GV_I_ST, GV_T_U64, cg->lr, 0, true);
    save_regs(cg, GV_I_ST, kept, nkept, save);
    xfer_places(cg, f->params, pp, f->nparams, GV_I_ST);
    gvp_emit(cg, GV_I_BRA, GV_T_NONE, 0, 0, 0, (uint16_t)body,
             (uint16_t)(body >> 16), 0);
    cg->depth = 0;
    gvp_sym_pop(cg, -1);
    cg->frame = frame;
    cg->depth = depth;
    cg->nstack = nstack;
    cg->local_size = local;
    cg->rcur = 0;
}

bool gvp_rcall_entry_end(struct cg *cg)
{
    uint64_t entry = gvp_align_up(cg->local_size, 16), most = 0;

    if (!cg->nrf) {
        return false;
    }
    for (size_t r = 0; r < cg->nrf; r++) {      /* nrf may grow */
        gen_real(cg, (int)r);
    }
    if (cg->kentry) {
        cg->consts[cg->kentry - GV_ISA_CONST_BASE] = entry;
    }
    for (size_t r = 0; r < cg->nrf; r++) {
        cg->consts[cg->rf[r].ksize - GV_ISA_CONST_BASE] = cg->rf[r].size;
        if (cg->rf[r].size > most) {
            most = cg->rf[r].size;
        }
    }
    for (size_t k = 0; k < cg->nrp; k++) {
        uint32_t t = cg->rf[cg->rp[k].rf].pro;

        cg->ins[cg->rp[k].at].b = (uint16_t)t;
        cg->ins[cg->rp[k].at].c = (uint16_t)(t >> 16);
    }
    if (entry + most > GV_ISA_MAX_LOCAL) {
        FAIL(cg, "the entry's local memory and a recursive function's "
             "frame exceed %u bytes", GV_ISA_MAX_LOCAL);
    }
    cg->local_size = entry + GVP_STACK < GV_ISA_MAX_LOCAL
                     ? entry + GVP_STACK : GV_ISA_MAX_LOCAL;
    if (cg->local_size < entry + most) {
        cg->local_size = entry + most;
    }
    return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PTX translator, code generator: .func calls, inlined at the call site
 * with fresh registers and labels; parameters and results pass through
 * local memory exactly as the PTX moves them.  Functions on a cycle of
 * the call graph (recursion) are called for real instead:
 * gv_ptx_rcall.c.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_isa.h"
#include "gv_ptx_cg.h"

/* The index of the function @name in the module, or -1. */
int gvp_func_index(const struct gvp_module *m, const char *name)
{
    for (int i = 0; i < m->nfuncs; i++) {
        if (!strcmp(m->funcs[i]->name, name)) {
            return i;
        }
    }
    return -1;
}

#define MAX_ARGS GVP_MAX_ARGS
#define MAX_RETS GVP_MAX_RETS

void gvp_local_ldst(struct cg *cg, unsigned op, unsigned t, uint16_t v,
                    uint64_t off, bool framed)
{
    struct maddr ma = { .a = framed ? cg->sp : gvp_konst(cg, off),
                        .off = framed ? (int64_t)off : 0,
                        .space = GV_SPACE_LOCAL };
    uint16_t a, e;

    gvp_mem_ae(cg, &ma, 0, &a, &e);
    if (op == GV_I_LD) {
        gvp_emit(cg, GV_I_LD, t, GV_SPACE_LOCAL, v, a, 0, 0, e);
    } else {
        gvp_emit(cg, GV_I_ST, t, GV_SPACE_LOCAL, 0, a, v, 0, e);
    }
}

void gvp_call_check(struct cg *cg, const struct gvp_func *f,
                    const struct callsite *cs)
{
    if (!f->has_body && (!strncmp(f->name, "cudaGetParameterBuffer", 22) ||
                         !strncmp(f->name, "cudaLaunchDevice", 16))) {
        FAIL(cg, "%s: dynamic parallelism (launches from the device) is "
             "not supported", f->name);
    }
    if (f->entry || !f->has_body) {
        FAIL(cg, "%s: %s", f->name, f->entry ? "calling a kernel entry"
                                             : "function has no body");
    }
    if ((cs->args ? cs->args->n : 0) != f->nparams ||
        (cs->rets ? cs->rets->n : 0) > f->nrets || f->nrets > MAX_RETS) {
        FAIL(cg, "%s: wrong number of arguments or results", f->name);
    }
    if (f->nparams > MAX_ARGS) {
        FAIL(cg, "too many parameters");
    }
}

void gvp_eval_args(struct cg *cg, const struct gvp_func *f,
                   const struct callsite *cs, struct arg *ab, struct res *rb)
{
    for (int k = 0; k < f->nparams; k++) {
        const struct gvp_opd *x = &cs->args->elts[k];
        const struct gvp_decl *p = &f->params[k];
        struct sym *y = x->kind == OK_NAME ? gvp_sym_find(cg, x->name) : NULL;

        if (y && y->kind == Y_LOCAL && gvp_reg_lookup(cg, x->name) < 0) {
            ab[k].kind = Y_LOCAL;       /* a .param variable: alias it */
            ab[k].off = y->off;
            ab[k].framed = y->framed;
        } else {
            ab[k].kind = Y_REG;
            ab[k].val = gvp_src(cg, x, p->ptype);
        }
    }
    for (int k = 0; cs->rets && k < cs->rets->n; k++) {
        const struct gvp_opd *x = &cs->rets->elts[k];
        struct sym *y = x->kind == OK_NAME ? gvp_sym_find(cg, x->name) : NULL;

        rb[k].pt = f->rets[k].ptype;
        if (y && y->kind == Y_LOCAL) {
            rb[k].kind = Y_LOCAL;
            rb[k].off = y->off;
            rb[k].framed = y->framed;
        } else {
            rb[k].kind = Y_REG;
            rb[k].reg = gvp_dst(cg, x);
        }
    }
}

/* In the callee's frame: its parameters and results. */
static void bind_params(struct cg *cg, const struct gvp_func *f,
                        const struct callsite *cs, const struct arg *ab,
                        struct res *rb)
{
    const struct gvp_opd *rets = cs->rets;

    for (int k = 0; k < f->nparams; k++) {
        const struct gvp_decl *p = &f->params[k];
        struct sym *y;

        if (p->space == SP_REG) {
            if (ab[k].kind != Y_REG) {
                gvp_fail(cg->p, p->line, p->name, ".reg parameter passed a "
                         ".param variable");
            }
            y = gvp_sym_add(cg, p->name, Y_REG, p->line);
            y->slot = gvp_new_slot(cg);
            gvp_emit(cg, GV_I_MOV, GV_T_U64, 0, (uint16_t)y->slot, ab[k].val,
                     0, 0, 0);
            continue;
        }
        y = gvp_sym_add(cg, p->name, Y_LOCAL, p->line);
        if (ab[k].kind == Y_LOCAL) {
            y->off = ab[k].off;
            y->framed = ab[k].framed;
        } else {
            unsigned t = gvp_gvt(cg, p->ptype);

            if (p->size > 8 || p->vec > 1) {
                gvp_fail(cg->p, p->line, p->name, "aggregate parameter "
                         "passed a register");
            }
            y->off = gvp_local_alloc(cg, p->size, gvp_decl_align(p));
            y->framed = cg->rcur != 0;
            gvp_local_ldst(cg, GV_I_ST, t, ab[k].val, y->off, y->framed);
        }
    }
    for (int k = 0; k < f->nrets; k++) {
        const struct gvp_decl *r = &f->rets[k];
        struct sym *y;

        if (r->space == SP_REG) {
            y = gvp_sym_add(cg, r->name, Y_REG, r->line);
            y->slot = gvp_new_slot(cg);
            rb[k].off = y->slot;
            continue;
        }
        y = gvp_sym_add(cg, r->name, Y_LOCAL, r->line);
        if (rets && k < rets->n && rb[k].kind == Y_LOCAL) {
            y->off = rb[k].off;
            y->framed = rb[k].framed;
        } else {
            y->off = gvp_local_alloc(cg, r->size, gvp_decl_align(r));
            y->framed = cg->rcur != 0;
        }
        if (rets && k < rets->n && rb[k].kind == Y_REG) {
            rb[k].off = y->off;
            rb[k].framed = y->framed;
        }
    }
}

/* Inline @f at the call site, unguarded. */
static void inline_call(struct cg *cg, const struct gvp_stmt *s,
                        struct gvp_func *f, const struct callsite *cs)
{
    int frame = cg->frame, depth = cg->depth;
    struct arg ab[MAX_ARGS];
    struct res rb[MAX_RETS];
    char *ret_label;

    gvp_call_check(cg, f, cs);
    for (int k = 0; k < cg->nstack; k++) {
        if (cg->stack[k] == f) {    /* gvp_rcall_analyse missed a cycle */
            FAIL(cg, "recursive call of %s", f->name);
        }
    }
    if (cg->nstack == (int)(sizeof(cg->stack) / sizeof(cg->stack[0]))) {
        FAIL(cg, "calls nested too deeply");
    }
    gvp_eval_args(cg, f, cs, ab, rb);
    cg->stack[cg->nstack++] = f;
    cg->frame = ++cg->nframes;
    cg->depth = 1;
    bind_params(cg, f, cs, ab, rb);
    ret_label = gvp_alloc(cg->p, 32);
    snprintf(ret_label, 32, "\001ret%d", cg->frame);
    gvp_translate_body(cg, f, ret_label);
    cg->line = s->line;
    cg->opc = s->opc;
    gvp_label_define(cg, ret_label, s->line);
    gvp_fixups_resolve(cg, cg->frame);
    /* results passed back in registers */
    for (int k = 0; cs->rets && k < cs->rets->n; k++) {
        if (rb[k].kind != Y_REG) {
            continue;
        }
        if (f->rets[k].space == SP_REG) {
            gvp_emit(cg, GV_I_MOV, GV_T_U64, 0, rb[k].reg, (uint16_t)rb[k].off,
                     0, 0, 0);
        } else {
            gvp_local_ldst(cg, GV_I_LD, gvp_gvt(cg, rb[k].pt), rb[k].reg,
                           rb[k].off, rb[k].framed);
        }
    }
    cg->depth = 0;
    gvp_sym_pop(cg, -1);
    cg->nstack--;
    cg->frame = frame;
    cg->depth = depth;
}

static void mark_opd(struct gvp_module *m, const struct gvp_opd *o)
{
    int fi;

    if (o->kind == OK_VEC || o->kind == OK_LIST) {
        for (int k = 0; k < o->n; k++) {
            mark_opd(m, &o->elts[k]);
        }
    } else if ((o->kind == OK_NAME || o->kind == OK_MEM) && o->name &&
               (fi = gvp_func_index(m, o->name)) >= 0) {
        m->funcs[fi]->addr_taken = true;
    }
}

static void mark_init(struct gvp_module *m, const struct gvp_init *in)
{
    if (!in) {
        return;
    }
    if (!in->list) {
        mark_opd(m, &in->val);
    }
    for (int k = 0; in->list && k < in->n; k++) {
        mark_init(m, &in->elts[k]);
    }
}

/* Mark the functions whose address the module takes (operands other
 * than a call's callee, initialisers). */
void gvp_mark_addr_taken(struct gvp_module *m)
{
    for (int i = 0; i < m->nvars; i++) {
        mark_init(m, m->vars[i]->init);
    }
    for (int i = 0; i < m->nfuncs; i++) {
        const struct gvp_func *f = m->funcs[i];

        for (int j = 0; j < f->nstmts; j++) {
            const struct gvp_stmt *s = &f->stmts[j];
            int callee = -1;

            for (int k = 0; s->kind == S_DECL && k < s->ndecl; k++) {
                mark_init(m, s->decl[k].init);
            }
            if (s->kind != S_INSN) {
                continue;
            }
            if (!strncmp(s->opc, "call", 4)) {
                callee = s->nopd && s->opd[0].kind == OK_LIST ? 1 : 0;
            }
            for (int k = 0; k < s->nopd; k++) {
                if (k != callee) {
                    mark_opd(m, &s->opd[k]);
                }
            }
        }
    }
}

/* Call @f: for real if it recurses, else inlined. */
static void call_one(struct cg *cg, const struct gvp_stmt *s,
                     struct gvp_func *f, const struct callsite *cs)
{
    if (f->real) {
        gvp_rcall(cg, s, f, cs);
    } else {
        inline_call(cg, s, f, cs);
    }
}

/*
 * call through a register: the candidates are the module's functions
 * whose address is taken and whose signature fits; compare and inline
 * each.  An address that is none of them traps.
 */
static void indirect_call(struct cg *cg, const struct gvp_stmt *s,
                          const struct callsite *cs)
{
    uint16_t fp = gvp_src(cg, cs->fn, PT_U64);
    char *done = gvp_alloc(cg->p, 32);
    int n = 0;

    snprintf(done, 32, "\001icall%zu", cg->nins);
    for (int i = 0; i < cg->m->nfuncs; i++) {
        struct gvp_func *f = cg->m->funcs[i];
        char *next;
        uint16_t p;

        if (!f->addr_taken || f->entry || !f->has_body ||
            f->nparams != (cs->args ? cs->args->n : 0) ||
            f->nrets < (cs->rets ? cs->rets->n : 0)) {
            continue;
        }
        next = gvp_alloc(cg->p, 32);
        snprintf(next, 32, "\001inext%zu", cg->nins);
        p = (uint16_t)gvp_new_slot(cg);
        gvp_emit(cg, GV_I_SETP, GV_T_U64, GV_CMP_EQ, p, fp,
                 gvp_konst(cg, GVP_FUNC_ADDR(i)), 0, 0);
        cg->guard = GV_G_ON | GV_G_NEG;
        cg->gpred = p;
        gvp_branch_to(cg, next);
        cg->guard = 0;
        call_one(cg, s, f, cs);
        gvp_branch_to(cg, done);
        gvp_label_define(cg, next, s->line);
        n++;
    }
    if (!n) {
        FAIL(cg, "indirect call: no function of this signature has its "
             "address taken in the module");
    }
    gvp_emit(cg, GV_I_TRAP, GV_T_NONE, 0, 0, 0, 0, 0, 0);
    gvp_label_define(cg, done, s->line);
}

/* call[.uni] [(rets),] func[, (args)][, prototype]: inline the callee;
 * through a register, each function it may be. */
void gvp_do_call(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    struct callsite cs = { NULL, NULL, NULL };
    uint8_t guard = cg->guard;
    uint16_t gpred = cg->gpred;
    char *skip = NULL;
    int i = 0, fi;

    gvp_take(o, "uni");
    gvp_opc_done(cg, o);
    if (s->nopd > i && s->opd[i].kind == OK_LIST) {
        cs.rets = &s->opd[i++];
    }
    if (s->nopd <= i || s->opd[i].kind != OK_NAME || s->opd[i].ival) {
        FAIL(cg, "expected a function name");
    }
    cs.fn = &s->opd[i++];
    if (s->nopd > i && s->opd[i].kind == OK_LIST) {
        cs.args = &s->opd[i++];
    }
    fi = gvp_func_index(cg->m, cs.fn->name);
    if (s->nopd > i + 1 || (s->nopd == i + 1 &&
                            (s->opd[i].kind != OK_NAME || fi >= 0))) {
        FAIL(cg, "unexpected operand after the arguments");
    }
    if (fi < 0 && gvp_reg_lookup(cg, cs.fn->name) < 0) {
        FAIL(cg, "%s is not a function", cs.fn->name);
    }
    if (fi < 0 && s->nopd != i + 1) {
        FAIL(cg, "an indirect call needs a prototype or target list");
    }
    /* A guarded call: branch around the inlined body. */
    if (guard) {
        skip = gvp_alloc(cg->p, 32);
        snprintf(skip, 32, "\001skip%d", cg->nframes + 1);
        cg->gpred = gpred;
        cg->guard = guard ^ GV_G_NEG;
        gvp_branch_to(cg, skip);
        cg->guard = 0;
    }
    if (fi >= 0) {
        call_one(cg, s, cg->m->funcs[fi], &cs);
    } else {
        indirect_call(cg, s, &cs);
    }
    if (skip) {
        gvp_label_define(cg, skip, s->line);
    }
    cg->guard = guard;
    cg->gpred = gpred;
}

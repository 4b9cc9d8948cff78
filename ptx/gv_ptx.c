/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PTX translator, back half: the code generator.  Walks the parsed module
 * (gv_ptx_parse.c) and emits a GVX module (include/graviton/gv_isa.h).
 * This file: function bodies, entries, the peephole pass, the module image
 * and the API; gv_ptx_sym.c (symbols, operands, declarations),
 * gv_ptx_insn.c (instructions), gv_ptx_call.c (calls) and gv_ptx_compat.c
 * (old PTX) do the rest, sharing gv_ptx_cg.h.
 *
 * - One register slot per PTX register, allocated on first use; predicates
 *   are slots holding 0 or 1.  Immediates and symbol addresses go to the
 *   constant pool (deduplicated).
 * - Entry parameters are read from the PARAM space at their offsets
 *   (declaration order, natural alignment), listed in the params table.
 * - .shared variables: offsets in the block's shared memory (module-scope
 *   ones first, then each entry's own; .extern arrays after the static
 *   part).  .local variables and the .param variables of call sequences:
 *   offsets in the thread's local memory.  .global/.const variables: the
 *   module's data section, addressed with MADDR.
 * - .func calls are inlined at the call site, with fresh registers and
 *   labels per call; parameters and return values pass through local
 *   memory exactly as the PTX writes them.  Functions that recurse are
 *   called for real (CALL/RET, a call stack in local memory:
 *   gv_ptx_rcall.c).  The instruction order of the PTX is kept; every
 *   conditional branch carries its reconvergence point, the immediate
 *   post-dominator (gv_ptx_join.c), where the engine makes its lanes meet.
 * - Every modifier of an instruction must be understood or explicitly
 *   harmless; anything else is an error naming the line and the construct.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_isa.h"
#include "gv_ptx.h"
#include "gv_ptx_cg.h"
#include "gv_ptx_int.h"

void gvp_translate_body(struct cg *cg, const struct gvp_func *f,
                        const char *ret_label)
{
    for (int i = 0; i < f->nstmts; i++) {
        const struct gvp_stmt *s = &f->stmts[i];

        cg->line = s->line;
        cg->opc = f->name;
        switch (s->kind) {
        case S_INSN:
            gvp_translate_insn(cg, s, ret_label);
            break;
        case S_LABEL:
            gvp_label_define(cg, s->label, s->line);
            break;
        case S_DECL:
            gvp_declare(cg, s);
            break;
        case S_OPEN:
            cg->depth++;
            break;
        case S_CLOSE:
            gvp_scope_close(cg);
            break;
        }
    }
    cg->guard = 0;
    cg->gpred = 0;
}

static uint32_t add_string(struct cg *cg, const char *s)
{
    uint32_t off = (uint32_t)cg->nstrings;

    do {
        *PUSH(cg, cg->strings, cg->nstrings, cg->capstrings) = *s;
    } while (*s++);
    return off;
}

static uint32_t bra_target(const struct gv_insn *i)
{
    return (uint32_t)i->b | (uint32_t)i->c << 16;
}

static void set_target(struct gv_insn *i, uint32_t t)
{
    i->b = (uint16_t)t;
    i->c = (uint16_t)(t >> 16);
}

/*
 * Peephole over one function [start, nins): "@p bra X; bra Y; X:" (how
 * compilers write loop back-edges) becomes "@!p bra Y; X:", and NOPs go.
 * Instruction order is otherwise kept.
 */
static void peephole(struct cg *cg, uint32_t start)
{
    uint32_t n = (uint32_t)cg->nins - start, w = 0;
    uint8_t *target = gvp_alloc(cg->p, n + 1), *dead = gvp_alloc(cg->p, n);
    uint32_t *map = gvp_alloc(cg->p, (n + 1) * sizeof(*map));
    struct gv_insn *ins = cg->ins + start;

    for (uint32_t k = 0; k < n; k++) {
        if (ins[k].op == GV_I_BRA || ins[k].op == GV_I_CALL) {
            target[bra_target(&ins[k]) - start] = 1;
        }
    }
    for (uint32_t k = 0; k + 1 < n; k++) {
        struct gv_insn *i = &ins[k], *j = &ins[k + 1];

        if (i->op == GV_I_BRA && i->guard && j->op == GV_I_BRA && !j->guard &&
            bra_target(i) == start + k + 2 && !target[k + 1] && !dead[k]) {
            i->guard ^= GV_G_NEG;
            set_target(i, bra_target(j));
            dead[k + 1] = 1;
        } else if (i->op == GV_I_NOP) {
            dead[k] = 1;
        }
    }
    /* map[k]: new index of instruction k (dead: of the next live one) */
    for (uint32_t k = 0; k < n; k++) {
        map[k] = start + w;
        if (!dead[k]) {
            w++;
        }
    }
    map[n] = start + w;
    for (uint32_t k = 0, o = 0; k < n; k++) {
        if (dead[k]) {
            continue;
        }
        ins[o] = ins[k];
        if (ins[o].op == GV_I_BRA || ins[o].op == GV_I_CALL) {
            set_target(&ins[o], map[bra_target(&ins[o]) - start]);
        }
        o++;
    }
    cg->nins = start + w;
}

/* Take the reconvergence points off the branches (gvp_joins marks them
 * again). */
static void unjoin(struct gv_insn *ins, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        if (ins[k].op == GV_I_BRA && (ins[k].mod & GV_BRA_JOIN)) {
            ins[k].mod &= (uint8_t)~GV_BRA_JOIN;
            ins[k].d = ins[k].a = 0;
        }
    }
}

static void translate_entry(struct cg *cg, const struct gvp_func *f)
{
    struct gv_isa_func *out = PUSH(cg, cg->funcs, cg->nfuncs, cg->capfuncs);
    uint32_t start = (uint32_t)cg->nins, poff = 0;
    bool real;

    memset(out, 0, sizeof(*out));
    cg->nregs = 0;
    cg->cc = 0;
    memset(cg->bred, 0, sizeof(cg->bred));
    gvp_compat_entry_start(cg);
    gvp_rcall_entry_start(cg, f);
    cg->shared_size = cg->mod_shared_size;
    cg->next = 0;
    cg->nstack = 0;
    cg->stack[cg->nstack++] = f;
    cg->frame = ++cg->nframes;
    cg->depth = 1;
    cg->line = f->line;
    cg->opc = f->name;
    out->param_start = (uint32_t)cg->nparams;
    out->nparams = (uint32_t)f->nparams;
    for (int k = 0; k < f->nparams; k++) {
        const struct gvp_decl *p = &f->params[k];
        struct gv_isa_param *q = PUSH(cg, cg->params, cg->nparams,
                                      cg->capparams);
        struct sym *y = gvp_sym_add(cg, p->name, Y_KPARAM, p->line);

        if (p->space != SP_PARAM || p->unsized) {
            gvp_fail(cg->p, p->line, p->name, "kernel parameters must be "
                     "sized .param variables");
        }
        poff = (uint32_t)gvp_align_up(poff, gvp_decl_align(p));
        y->off = poff;
        y->ptype = p->ptype;
        q->offset = poff;
        q->size = (uint32_t)p->size;
        poff += (uint32_t)p->size;
        if (poff > GV_ISA_MAX_PARAM) {
            gvp_fail(cg->p, p->line, p->name, "more than %u bytes of "
                     "parameters", GV_ISA_MAX_PARAM);
        }
    }
    gvp_translate_body(cg, f, NULL);
    gvp_fixups_resolve(cg, cg->frame);
    cg->line = f->line;
    /* Nothing may run off the end, nor branch there (a label before the
     * closing brace). */
    bool end_target = false;

    for (size_t k = start; k < cg->nins; k++) {
        if (cg->ins[k].op == GV_I_BRA &&
            ((uint32_t)cg->ins[k].b | (uint32_t)cg->ins[k].c << 16) ==
                cg->nins) {
            end_target = true;
        }
    }
    cg->guard = 0;
    if (end_target || cg->nins == start || cg->ins[cg->nins - 1].guard ||
        (cg->ins[cg->nins - 1].op != GV_I_EXIT &&
         cg->ins[cg->nins - 1].op != GV_I_BRA)) {
        gvp_emit(cg, GV_I_EXIT, GV_T_NONE, 0, 0, 0, 0, 0, 0);
    }
    cg->depth = 0;
    gvp_sym_pop(cg, -1);
    /* the functions called for real follow, in the entry's range; their
     * registers are saved by slot (docs/ptx.md, "Calls"): no
     * reallocation then */
    real = gvp_rcall_entry_end(cg);
    peephole(cg, start);
    gvp_joins(cg->ins + start, (uint32_t)cg->nins - start, start);
    if (!real) {
        cg->nregs = gvp_regs_allocate(cg->ins + start,
                                      (uint32_t)cg->nins - start, start,
                                      cg->nregs);
        /* moves the allocation made self-moves go; then the
         * reconvergence points again, at the new pcs */
        if (gvp_regs_self_moves(cg->ins + start,
                                (uint32_t)cg->nins - start)) {
            peephole(cg, start);
            unjoin(cg->ins + start, (uint32_t)cg->nins - start);
            gvp_joins(cg->ins + start, (uint32_t)cg->nins - start, start);
        }
    }
    cg->shared_size = gvp_align_up(cg->shared_size, 16);
    if (cg->shared_size > GV_ISA_MAX_SHARED) {
        FAIL(cg, "more than %u bytes of shared memory", GV_ISA_MAX_SHARED);
    }
    for (size_t i = 0; i < cg->next; i++) {
        cg->consts[cg->ext[i].cidx] = cg->shared_size +
                                      (uint64_t)cg->ext[i].add;
    }
    out->name_off = add_string(cg, f->name);
    out->flags = GV_FUNC_ENTRY;
    out->insn_start = start;
    out->insn_count = (uint32_t)cg->nins - start;
    out->nregs = cg->nregs;
    out->param_size = (uint32_t)gvp_align_up(poff, 1);
    out->shared_size = (uint32_t)cg->shared_size;
    out->local_size = (uint32_t)gvp_align_up(cg->local_size, 8);
    if (f->has_reqntid) {
        memcpy(out->reqntid, f->reqntid, sizeof(out->reqntid));
        for (int k = 0; k < 3; k++) {
            if (!out->reqntid[k]) {
                out->reqntid[k] = 1;
            }
        }
    }
    if (cg->nins > 0xffffffffu || (cg->nins >> 32)) {
        FAIL(cg, "module too large");
    }
}

static uint8_t *assemble(struct cg *cg, size_t *len)
{
    uint8_t *img;

    if (!cg->nstrings) {
        add_string(cg, "");     /* a module without entries */
    }
    if (cg->nstrings > UINT32_MAX || cg->ndata > UINT32_MAX ||
        cg->nparams > UINT32_MAX || cg->nconsts > UINT32_MAX) {
        gvp_fail(cg->p, 0, "module", "the module is larger than %u bytes",
                 GV_ISA_MODULE_MAX);
    }

    struct gv_isa_parts parts = {
        .funcs = cg->funcs, .nfuncs = (uint32_t)cg->nfuncs,
        .params = cg->params, .nparams = (uint32_t)cg->nparams,
        .insns = cg->ins, .ninsns = (uint32_t)cg->nins,
        .consts = cg->consts, .nconsts = (uint32_t)cg->nconsts,
        .strings = cg->strings, .strings_size = (uint32_t)cg->nstrings,
        .data = cg->data, .data_size = (uint32_t)cg->ndata,
    };

    img = gv_isa_write(&parts, len);
    if (!img && *len > GV_ISA_MODULE_MAX) {
        gvp_fail(cg->p, 0, "module", "the module is larger than %u bytes",
                 GV_ISA_MODULE_MAX);
    }
    if (!img) {
        gvp_fail(cg->p, 0, "module", "out of memory");
    }
    return img;
}

/* The module's .global/.const variables as one allocation: the array,
 * then the names. */
static struct gv_ptx_symbol *symbols(struct gvp *p, const struct gvp_module *m,
                                     size_t *n)
{
    struct gv_ptx_symbol *y;
    size_t count = 0, bytes = 0;
    char *names;

    for (int i = 0; i < m->nvars; i++) {
        const struct gvp_decl *d = m->vars[i];

        if (d->space == SP_GLOBAL || d->space == SP_CONST) {
            count++;
            bytes += strlen(d->name) + 1;
        }
    }
    y = calloc(1, count * sizeof(*y) + bytes + 1);
    if (!y) {
        gvp_fail(p, 0, "module", "out of memory");
    }
    names = (char *)(y + count);
    count = 0;
    for (int i = 0; i < m->nvars; i++) {
        const struct gvp_decl *d = m->vars[i];
        size_t l = strlen(d->name) + 1;

        if (d->space != SP_GLOBAL && d->space != SP_CONST) {
            continue;
        }
        memcpy(names, d->name, l);
        y[count].name = names;
        y[count].offset = (uint32_t)d->off;
        y[count].size = (uint32_t)d->size;
        y[count].is_const = d->space == SP_CONST;
        names += l;
        count++;
    }
    *n = count;
    return y;
}

int gv_ptx_translate(const char *ptx, size_t len, uint8_t **out,
                     size_t *out_len, char *err, size_t err_len)
{
    return gv_ptx_translate_syms(ptx, len, out, out_len, NULL, NULL, err,
                                 err_len);
}

int gv_ptx_translate_syms(const char *ptx, size_t len, uint8_t **out,
                          size_t *out_len, struct gv_ptx_symbol **syms,
                          size_t *nsyms, char *err, size_t err_len)
{
    struct gv_ptx_symbol *volatile ys = NULL;
    struct gvp p;
    struct gvp_module m;
    struct cg *cg;

    memset(&p, 0, sizeof(p));
    memset(&m, 0, sizeof(m));
    if (out) {
        *out = NULL;
    }
    if (syms) {
        *syms = NULL;
    }
    if (nsyms) {
        *nsyms = 0;
    }
    if (err && err_len) {
        err[0] = 0;
    }
    p.err = err;
    p.err_len = err_len;
    p.src = ptx;
    p.end = ptx ? ptx + len : NULL;     /* no offset from NULL */
    if (setjmp(p.fail)) {
        free(ys);
        gvp_free_all(&p);
        return -1;
    }
    if (!ptx || !out || !out_len) {
        gvp_fail(&p, 0, "translator", "bad arguments");
    }
    gvp_parse(&p, &m);
    cg = gvp_alloc(&p, sizeof(*cg));
    cg->p = &p;
    cg->m = &m;
    for (int i = 0; i < NBUCKET; i++) {
        cg->bucket[i] = -1;
    }
    gvp_rcall_analyse(cg);
    /* module scope: data and shared variables */
    for (int i = 0; i < m.nvars; i++) {
        struct gvp_decl *d = m.vars[i];

        cg->line = d->line;
        cg->opc = d->name;
        if (d->space == SP_SHARED) {
            gvp_declare_shared(cg, d, true);
        } else if (d->space == SP_GLOBAL || d->space == SP_CONST) {
            if (d->ext) {
                gvp_fail(&p, d->line, d->name, ".extern .global/.const "
                         "variables are not supported");
            }
            gvp_declare_data(cg, d);
        } else {
            gvp_compat_module_var(cg, d);
        }
    }
    for (int i = 0; i < m.nfuncs; i++) {
        if (m.funcs[i]->entry) {
            if (!m.funcs[i]->has_body) {
                gvp_fail(&p, m.funcs[i]->line, m.funcs[i]->name,
                         "kernel without a body");
            }
            translate_entry(cg, m.funcs[i]);
        }
    }
    if (syms) {
        size_t n = 0;

        ys = symbols(&p, &m, &n);
        if (nsyms) {
            *nsyms = n;
        }
    }
    *out = assemble(cg, out_len);
    if (syms) {
        *syms = ys;
    }
    gvp_free_all(&p);
    return 0;
}

int gv_ptx_translate_file(const char *path, uint8_t **out, size_t *out_len,
                          char *err, size_t err_len)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL, msg[256];
    size_t len = 0, cap = 0, n;
    int r;

    if (out) {
        *out = NULL;
    }
    if (!f) {
        if (err && err_len) {
            snprintf(err, err_len, "%s: %s", path, strerror(errno));
        }
        return -1;
    }
    do {
        if (len == cap) {
            char *t = realloc(text, cap = cap ? 2 * cap : 65536);

            if (!t) {
                free(text);
                fclose(f);
                if (err && err_len) {
                    snprintf(err, err_len, "%s: out of memory", path);
                }
                return -1;
            }
            text = t;
        }
        n = fread(text + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    r = gv_ptx_translate(text ? text : "", len, out, out_len, msg,
                         sizeof(msg));
    if (r && err && err_len) {
        snprintf(err, err_len, "%s: %s", path, msg);
    }
    free(text);
    return r;
}


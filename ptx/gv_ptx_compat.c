/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PTX translator, code generator: the constructs of old PTX (ISA 1.x and
 * 2.x, as nvcc 2.2 to 4.x wrote it) and the instructions that are
 * expansions into existing GVX opcodes:
 *
 * - .target map_f64_to_f32 (PTX ISA, .target): every .f64 instruction
 *   operates on .f32; .f64 storage stays 64 bits wide, of which the low
 *   half is used;
 * - mul24 / mad24 (.lo/.hi, .u32/.s32; mad24.hi.sat.s32): 24-bit
 *   operands (sign-extended for .s32), 48-bit product;
 * - slct (.f32 or .s32 selector), isspacep (.global/.shared/.local);
 * - module-scope .local variables (per thread, every entry's local memory
 *   starts with them) and .reg variables (one register per thread, shared
 *   by the entry and the functions it calls).
 */
#include <stdio.h>
#include <string.h>

#include "graviton/gv_isa.h"
#include "gv_ptx_cg.h"

/* ---- map_f64_to_f32 ---- */

void gvp_compat_types(struct cg *cg, struct opc *o)
{
    if (!cg->m->map_f64) {
        return;
    }
    for (int i = 0; i < o->ntypes; i++) {
        if (o->types[i] == PT_F64) {
            o->types[i] = PT_F32;
        }
    }
}

int gvp_compat_data_type(struct cg *cg, int pt)
{
    return cg->m->map_f64 && pt == PT_F64 ? PT_F32 : pt;
}

/* ---- mul24, mad24 ---- */

/* The low 24 bits of @v, sign-extended for .s32. */
static uint16_t low24(struct cg *cg, uint16_t v, bool sgn)
{
    uint16_t t = (uint16_t)gvp_new_slot(cg);

    gvp_emit(cg, GV_I_BFE, sgn ? GV_T_S32 : GV_T_U32, 0, t, v,
             gvp_konst(cg, 0), gvp_konst(cg, 24), 0);
    return t;
}

static void do_mul24(struct cg *cg, const struct gvp_stmt *s, struct opc *o,
                     bool mad)
{
    bool hi = gvp_take(o, "hi"), lo = gvp_take(o, "lo");
    bool sat = mad && gvp_take(o, "sat");
    int pt = gvp_one_type(cg, o);
    bool sgn = pt == PT_S32;
    uint16_t d, a, b, c = 0, w, h;

    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, mad ? 4 : 3);
    if (hi == lo) {
        FAIL(cg, "expected .hi or .lo");
    }
    if (pt != PT_U32 && pt != PT_S32) {
        FAIL(cg, "%s needs .u32 or .s32", mad ? "mad24" : "mul24");
    }
    if (sat && (!hi || !sgn)) {
        FAIL(cg, ".sat needs mad24.hi.s32");
    }
    a = low24(cg, gvp_src(cg, &s->opd[1], pt), sgn);
    b = low24(cg, gvp_src(cg, &s->opd[2], pt), sgn);
    if (mad) {
        c = gvp_src(cg, &s->opd[3], pt);
    }
    d = gvp_dst(cg, &s->opd[0]);
    if (lo) {
        /* bits 31..0 of the 48-bit product: the low half of a 32-bit
         * multiply */
        gvp_emit(cg, mad ? GV_I_MAD : GV_I_MUL, GV_T_U32, 0, d, a, b, c, 0);
        return;
    }
    /* bits 47..16 */
    w = (uint16_t)gvp_new_slot(cg);
    h = (uint16_t)gvp_new_slot(cg);
    gvp_emit(cg, GV_I_MULWIDE, sgn ? GV_T_S32 : GV_T_U32, 0, w, a, b, 0, 0);
    gvp_emit(cg, GV_I_SHR, GV_T_U64, 0, h, w, gvp_konst(cg, 16), 0, 0);
    if (mad) {
        gvp_emit(cg, GV_I_ADD, gvp_gvt(cg, pt), sat ? GV_M_SAT : 0, d, h, c,
                 0, 0);
    } else {
        gvp_emit(cg, GV_I_MOV, GV_T_U32, 0, d, h, 0, 0, 0);
    }
}

/* ---- slct ---- */

/* slct.dtype.s32 d, a, b, c: d = c >= 0 ? a : b; .f32 c: the same in
 * floating point (NaN selects b; .ftz: a negative subnormal is -0). */
static void do_slct(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    bool ftz = gvp_take(o, "ftz");
    int dt, ct;
    uint16_t a, b, c, p, zero;
    unsigned mod = GV_CMP_GE;

    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 4);
    if (o->ntypes != 2) {
        FAIL(cg, "slct needs a destination and a selector type");
    }
    dt = o->types[0];
    ct = o->types[1];
    if (ct != PT_S32 && ct != PT_F32) {
        FAIL(cg, "the selector of slct is .s32 or .f32");
    }
    if (ftz && ct != PT_F32) {
        FAIL(cg, ".ftz needs an .f32 selector");
    }
    if (dt == PT_PRED || gvp_gvt(cg, dt) == GV_T_F16) {
        FAIL(cg, "type .%s is not valid here", gvp_types[dt].name);
    }
    a = gvp_src(cg, &s->opd[1], dt);
    b = gvp_src(cg, &s->opd[2], dt);
    c = gvp_src(cg, &s->opd[3], ct);
    zero = gvp_konst(cg, 0);
    if (ftz) {
        /* c >= 0 after flushing: c > -FLT_MIN (a negative subnormal is
         * -0, which is >= 0) */
        mod = GV_CMP_GT;
        zero = gvp_konst(cg, 0x80800000u);
    }
    p = (uint16_t)gvp_new_slot(cg);
    gvp_emit(cg, GV_I_SETP, gvp_gvt(cg, ct), mod, p, c, zero, 0, 0);
    gvp_emit(cg, GV_I_SELP, gvp_gvt(cg, dt), 0, gvp_dst(cg, &s->opd[0]), a,
             b, p, 0);
}

/* ---- isspacep ---- */

/* p = a lies in the generic window at @base. */
static uint16_t in_window(struct cg *cg, uint16_t a, uint64_t base)
{
    uint16_t t = (uint16_t)gvp_new_slot(cg), p = (uint16_t)gvp_new_slot(cg);

    gvp_emit(cg, GV_I_SUB, GV_T_U64, 0, t, a, gvp_konst(cg, base), 0, 0);
    gvp_emit(cg, GV_I_SETP, GV_T_U64, GV_CMP_LT, p, t,
             gvp_konst(cg, GV_GENERIC_WINDOW), 0, 0);
    return p;
}

/* isspacep.space p, a: is the generic address a in that space?  Shared
 * and local memory are the engine's two generic windows, global memory
 * everything else (docs/isa.md). */
static void do_isspacep(struct cg *cg, const struct gvp_stmt *s,
                        struct opc *o)
{
    static const char *const sp[] = { "global", "shared", "shared::cta",
                                      "local", NULL };
    int k = gvp_take_one(o, sp);
    uint16_t a, d, ps, pl, t;

    if (k < 0) {
        FAIL(cg, "expected isspacep.global, .shared or .local (.const and "
             ".param are not generic windows here)");
    }
    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 2);
    a = gvp_src(cg, &s->opd[1], cg->m->addr32 ? PT_U32 : PT_U64);
    d = gvp_dst(cg, &s->opd[0]);
    if (k == 1 || k == 2) {
        gvp_emit(cg, GV_I_MOV, GV_T_PRED, 0, d,
                 in_window(cg, a, GV_GENERIC_SHARED), 0, 0, 0);
        return;
    }
    if (k == 3) {
        gvp_emit(cg, GV_I_MOV, GV_T_PRED, 0, d,
                 in_window(cg, a, GV_GENERIC_LOCAL), 0, 0, 0);
        return;
    }
    ps = in_window(cg, a, GV_GENERIC_SHARED);
    pl = in_window(cg, a, GV_GENERIC_LOCAL);
    t = (uint16_t)gvp_new_slot(cg);
    gvp_emit(cg, GV_I_OR, GV_T_PRED, 0, t, ps, pl, 0, 0);
    gvp_emit(cg, GV_I_NOT, GV_T_PRED, 0, d, t, 0, 0, 0);
}

bool gvp_compat_insn(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    if (!strcmp(o->base, "mul24") || !strcmp(o->base, "mad24")) {
        do_mul24(cg, s, o, o->base[1] == 'a');
    } else if (!strcmp(o->base, "slct")) {
        do_slct(cg, s, o);
    } else if (!strcmp(o->base, "isspacep")) {
        do_isspacep(cg, s, o);
    } else {
        return false;
    }
    return true;
}

/* ---- module-scope .local and .reg ---- */

void gvp_compat_module_var(struct cg *cg, struct gvp_decl *d)
{
    struct sym *y;

    if (d->space == SP_LOCAL) {
        if (d->init || d->unsized || d->ext) {
            gvp_fail(cg->p, d->line, d->name, "module-scope .local variables "
                     "are sized, defined here and not initialised");
        }
        uint64_t off = gvp_align_up(cg->mod_local_size, gvp_decl_align(d));

        cg->mod_local_size = off + d->size;
        if (cg->mod_local_size > GV_ISA_MAX_LOCAL) {
            gvp_fail(cg->p, d->line, d->name, "more than %u bytes of local "
                     "memory per thread", GV_ISA_MAX_LOCAL);
        }
        y = gvp_sym_add(cg, d->name, Y_LOCAL, d->line);
        y->off = off;
        y->ptype = d->ptype;
        return;
    }
    /* SP_REG: the slots are given in every entry (gvp_compat_entry_start) */
    if (d->vec > 1 || d->is_array || d->init) {
        gvp_fail(cg->p, d->line, d->name, "module-scope registers are "
                 "scalars without initialiser");
    }
    y = gvp_sym_add(cg, d->name, d->range >= 0 ? Y_RANGE : Y_REG, d->line);
    y->ptype = d->ptype;
    if (d->range >= 0) {
        y->rcount = (uint32_t)d->range;
        y->rslots = gvp_alloc(cg->p, (d->range + 1) * sizeof(int32_t));
    }
}

void gvp_compat_entry_start(struct cg *cg)
{
    cg->local_size = cg->mod_local_size;
    for (int i = 0; i < cg->m->nvars; i++) {
        const struct gvp_decl *d = cg->m->vars[i];
        struct sym *y;

        if (d->space != SP_REG || !(y = gvp_sym_find(cg, d->name))) {
            continue;
        }
        if (y->kind == Y_REG) {
            y->slot = gvp_new_slot(cg);
        } else if (y->kind == Y_RANGE) {
            for (uint32_t k = 0; k < y->rcount; k++) {
                y->rslots[k] = -1;      /* allocated on first use */
            }
        }
    }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PTX translator, code generator: one PTX instruction into GVX ones
 * (gvp_translate_insn) and the expansions of the instructions that need
 * more than one.  Calls are in gv_ptx_call.c, old-PTX forms in
 * gv_ptx_compat.c.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graviton/gv_isa.h"
#include "gv_ptx_cg.h"

static unsigned cmp_of(struct cg *cg, struct opc *o, int pt)
{
    static const char *const names[] = {
        "eq", "ne", "lt", "le", "gt", "ge", "equ", "neu", "ltu", "leu",
        "gtu", "geu", "num", "nan", "lo", "ls", "hi", "hs", NULL,
    };
    int k = gvp_take_one(o, names);

    if (k < 0) {
        FAIL(cg, "missing comparison");
    }
    if (k >= GV_CMP_EQU && k <= GV_CMP_NAN && !gvp_pt_float(pt)) {
        FAIL(cg, "comparison .%s needs a floating-point type", names[k]);
    }
    if (k >= 14) {
        if (gvp_types[pt].kind == K_S || gvp_pt_float(pt)) {
            FAIL(cg, "comparison .%s needs an unsigned type", names[k]);
        }
        return GV_CMP_LT + (unsigned)(k - 14);
    }
    return (unsigned)k;
}

/* The modifiers of a comparison (setp, set): .ftz flushes subnormal f32
 * operands to zero before comparing (PTX ISA 9.7.3.17).  Regression: it
 * was accepted and dropped, so setp.ftz compared subnormals as such. */
static unsigned compare_mods(struct cg *cg, struct opc *o, int pt)
{
    unsigned mod = gvp_float_mods(cg, o, pt, false);

    if (mod & GV_M_SAT) {
        FAIL(cg, ".sat is not a modifier of a comparison");
    }
    if (mod & GV_M_RND) {
        FAIL(cg, "a comparison has no rounding");
    }
    return mod & GV_M_FTZ;
}

/* If the guard is one of the predicates @p, @q an expansion writes,
 * guard the rest of it on a copy taken first. */
static void guard_copy(struct cg *cg, uint16_t p, uint16_t q)
{
    if (cg->guard && (p == cg->gpred || q == cg->gpred)) {
        uint16_t g = (uint16_t)gvp_new_slot(cg);
        uint8_t guard = cg->guard;

        cg->guard = 0;
        gvp_emit(cg, GV_I_MOV, GV_T_PRED, 0, g, cg->gpred, 0, 0, 0);
        cg->guard = guard;
        cg->gpred = g;
    }
}

/* setp.cmp[.bool].f16x2/.bf16x2 p|q, a, b[, {!}c] (PTX ISA, half
 * precision "setp"): p compares the low halves, q the high ones, each
 * combined with c. */
static void setp_x2(struct cg *cg, const struct gvp_stmt *s, int pt,
                    unsigned cmp, unsigned bop)
{
    const struct gvp_opd *d = &s->opd[0];
    struct gvp_opd x;
    uint16_t a, b, c = 0, r[2], p, q;

    if (d->kind != OK_PAIR) {
        FAIL(cg, "setp on .%s writes p|q", gvp_types[pt].name);
    }
    x = *d;
    x.kind = OK_NAME;
    p = gvp_dst(cg, &x);
    x.name = d->name2;
    q = gvp_dst(cg, &x);
    guard_copy(cg, p, q);
    a = gvp_src(cg, &s->opd[1], PT_B32);
    b = gvp_src(cg, &s->opd[2], PT_B32);
    if (bop) {
        c = gvp_psrc(cg, &s->opd[3]);
    }
    for (int k = 0; k < 2; k++) {
        uint16_t fa = gvp_half2_to_f32(cg, a, pt, k);
        uint16_t fb = gvp_half2_to_f32(cg, b, pt, k);

        r[k] = (uint16_t)gvp_new_slot(cg);
        gvp_emit(cg, GV_I_SETP, GV_T_F32, cmp, r[k], fa, fb, 0, 0);
        if (bop) {
            gvp_emit(cg, bop, GV_T_PRED, 0, r[k], r[k], c, 0, 0);
        }
    }
    gvp_emit(cg, GV_I_MOV, GV_T_PRED, 0, p, r[0], 0, 0, 0);
    gvp_emit(cg, GV_I_MOV, GV_T_PRED, 0, q, r[1], 0, 0, 0);
}

/* setp.cmp[.bool].type p[|q], a, b[, {!}c] */
static void do_setp(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    static const char *const bools[] = { "and", "or", "xor", NULL };
    static const unsigned bop[] = { GV_I_AND, GV_I_OR, GV_I_XOR };
    int pt = gvp_one_type(cg, o), bk;
    /* .f16/.bf16: the f32 comparison of the widened operands (the ISA's
     * SETP has no f16: fuzz-ptx) */
    bool x2 = pt == PT_F16X2 || pt == PT_BF16X2;
    bool half = pt == PT_F16 || pt == PT_BF16 || x2;
    int cpt = half ? PT_F32 : pt;
    unsigned cmp, t;
    uint16_t a, b, r, nr = 0, c = 0, p, q = GV_ISA_NONE;
    const struct gvp_opd *d;

    cmp = cmp_of(cg, o, cpt);
    t = gvp_gvt(cg, cpt);
    bk = gvp_take_one(o, bools);
    if (half && gvp_take(o, "ftz")) {
        FAIL(cg, "half-precision .ftz is not supported");
    }
    cmp |= compare_mods(cg, o, cpt);
    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, bk >= 0 ? 4 : 3);
    if (x2) {
        setp_x2(cg, s, pt, cmp, bk >= 0 ? bop[bk] : 0);
        return;
    }
    d = &s->opd[0];             /* after the count: opd is NULL if none */
    if (d->kind == OK_PAIR) {
        struct gvp_opd x = *d;

        x.kind = OK_NAME;
        p = gvp_dst(cg, &x);
        x.name = d->name2;
        q = gvp_dst(cg, &x);
    } else {
        p = gvp_dst(cg, d);
    }
    /* The expansion writes p before q: if p is the guard, guard the rest
     * on a copy taken first. */
    guard_copy(cg, p, q);
    if (half) {
        a = gvp_half_to_f32(cg, &s->opd[1], pt);
        b = gvp_half_to_f32(cg, &s->opd[2], pt);
    } else {
        a = gvp_src(cg, &s->opd[1], pt);
        b = gvp_src(cg, &s->opd[2], pt);
    }
    if (bk >= 0) {
        c = gvp_psrc(cg, &s->opd[3]);
    }
    if (q == GV_ISA_NONE && bk < 0) {
        gvp_emit(cg, GV_I_SETP, t, cmp, p, a, b, 0, 0);
        return;
    }
    r = (uint16_t)gvp_new_slot(cg);
    gvp_emit(cg, GV_I_SETP, t, cmp, r, a, b, 0, 0);
    if (q != GV_ISA_NONE) {
        nr = (uint16_t)gvp_new_slot(cg);
        gvp_emit(cg, GV_I_NOT, GV_T_PRED, 0, nr, r, 0, 0, 0);
    }
    if (bk >= 0) {
        uint16_t r2 = (uint16_t)gvp_new_slot(cg);

        gvp_emit(cg, bop[bk], GV_T_PRED, 0, r2, r, c, 0, 0);
        if (q != GV_ISA_NONE) {
            uint16_t n2 = (uint16_t)gvp_new_slot(cg);

            gvp_emit(cg, bop[bk], GV_T_PRED, 0, n2, nr, c, 0, 0);
            nr = n2;
        }
        r = r2;
    }
    gvp_emit(cg, GV_I_MOV, GV_T_PRED, 0, p, r, 0, 0, 0);
    if (q != GV_ISA_NONE) {
        gvp_emit(cg, GV_I_MOV, GV_T_PRED, 0, q, nr, 0, 0, 0);
    }
}

static void do_cvt(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    static const char *const rnds[] = { "rn", "rz", "rm", "rp", "rni",
                                        "rzi", "rmi", "rpi", NULL };
    int k, dt, st;
    unsigned mod = 0, rnd;

    if (o->ntypes != 2) {
        FAIL(cg, "cvt needs a destination and a source type");
    }
    dt = o->types[0];
    st = o->types[1];
    if (dt == PT_BF16 || st == PT_BF16 || dt == PT_F16X2 ||
        dt == PT_BF16X2) {
        gvp_half_cvt(cg, s, o, dt, st);
        return;
    }
    k = gvp_take_one(o, rnds);
    rnd = k < 0 ? GV_RND_NONE : GV_RND_RN + (unsigned)k;
    if (gvp_take(o, "ftz")) {
        mod |= GV_M_FTZ;
    }
    if (gvp_take(o, "sat")) {
        mod |= GV_M_SAT;
    }
    if (gvp_take(o, "relu")) {
        FAIL(cg, ".relu is not supported");
    }
    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 2);
    if (dt == PT_F16 && rnd != GV_RND_NONE && rnd != GV_RND_RN) {
        FAIL(cg, "conversions to .f16 round to nearest only");
    }
    if (!gvp_pt_float(dt) && dt != PT_F16 &&
        (gvp_pt_float(st) || st == PT_F16) && rnd == GV_RND_NONE) {
        rnd = GV_RND_RZI;
    }
    gvp_emit(cg, GV_I_CVT, gvp_gvt(cg, dt), mod, gvp_dst(cg, &s->opd[0]),
             gvp_src(cg, &s->opd[1], st), 0, 0,
             (uint16_t)(gvp_gvt(cg, st) | rnd << 8));
}

static void do_cvta(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    static const char *const sp[] = { "global", "shared", "local", "const",
                                      "param", NULL };
    bool to = gvp_take(o, "to");
    int k = gvp_take_one(o, sp), pt = gvp_one_type(cg, o);
    uint16_t d, a;
    uint64_t base;

    gvp_take(o, "cta");
    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 2);
    if (k < 0) {
        FAIL(cg, "missing state space");
    }
    if (pt != PT_U64 && pt != PT_B64) {
        FAIL(cg, "only 64-bit addresses are supported");
    }
    if (k == 4) {
        FAIL(cg, "generic addresses of kernel parameters are not "
             "supported");
    }
    d = gvp_dst(cg, &s->opd[0]);
    a = gvp_src(cg, &s->opd[1], PT_U64);
    if (k == 0 || k == 3) {
        gvp_emit(cg, GV_I_MOV, GV_T_U64, 0, d, a, 0, 0, 0);
        return;
    }
    base = k == 1 ? GV_GENERIC_SHARED : GV_GENERIC_LOCAL;
    gvp_emit(cg, to ? GV_I_SUB : GV_I_ADD, GV_T_U64, 0, d, a,
             gvp_konst(cg, base), 0, 0);
}

/* mov with vector operands: pack or unpack */
static void do_mov_vec(struct cg *cg, const struct gvp_stmt *s, int pt)
{
    const struct gvp_opd *d = &s->opd[0], *a = &s->opd[1];
    unsigned bits = gvp_types[pt].size * 8;

    if (d->kind == OK_VEC && a->kind != OK_VEC) {
        unsigned eb = bits / (unsigned)d->n;
        uint16_t v = gvp_src(cg, a, pt);

        if (bits % (unsigned)d->n || (eb != 8 && eb != 16 && eb != 32)) {
            FAIL(cg, "bad vector unpack");
        }
        for (int i = 0; i < d->n; i++) {
            uint16_t t;

            if (d->elts[i].kind == OK_SINK) {
                continue;
            }
            t = (uint16_t)gvp_new_slot(cg);
            gvp_emit(cg, GV_I_SHR, GV_T_U64, 0, t, v,
                     gvp_konst(cg, eb * (unsigned)i), 0, 0);
            gvp_emit(cg, GV_I_AND, GV_T_U64, 0, gvp_dst(cg, &d->elts[i]), t,
                     gvp_konst(cg, (1ull << eb) - 1), 0, 0);
        }
        return;
    }
    if (a->kind == OK_VEC && d->kind != OK_VEC) {
        unsigned eb = bits / (unsigned)a->n;
        uint16_t acc = (uint16_t)gvp_new_slot(cg);

        if (bits % (unsigned)a->n || (eb != 8 && eb != 16 && eb != 32)) {
            FAIL(cg, "bad vector pack");
        }
        gvp_emit(cg, GV_I_MOV, GV_T_U64, 0, acc, gvp_konst(cg, 0), 0, 0, 0);
        for (int i = 0; i < a->n; i++) {
            uint16_t t = (uint16_t)gvp_new_slot(cg);
            uint16_t u = (uint16_t)gvp_new_slot(cg);

            gvp_emit(cg, GV_I_AND, GV_T_U64, 0, t,
                     gvp_src(cg, &a->elts[i], PT_B64),
                     gvp_konst(cg, (1ull << eb) - 1), 0, 0);
            gvp_emit(cg, GV_I_SHL, GV_T_U64, 0, u, t,
                     gvp_konst(cg, eb * (unsigned)i), 0, 0);
            gvp_emit(cg, GV_I_OR, GV_T_U64, 0, acc, acc, u, 0, 0);
        }
        gvp_emit(cg, GV_I_MOV, gvp_gvt(cg, pt), 0, gvp_dst(cg, d), acc, 0, 0,
                 0);
        return;
    }
    FAIL(cg, "bad vector operands");
}

static void do_ldst(struct cg *cg, const struct gvp_stmt *s, struct opc *o,
                    bool store)
{
    int space = gvp_space_mod(o), pt, n = 1;
    struct maddr ma;
    const struct gvp_opd *v;
    unsigned t, size;

    gvp_take_harmless(o);
    if (gvp_take(o, "v2")) {
        n = 2;
    } else if (gvp_take(o, "v4")) {
        n = 4;
    }
    pt = gvp_one_type(cg, o);
    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 2);
    /* bf16 and the .x2 pairs move as bits */
    pt = pt == PT_BF16 ? PT_B16 : pt == PT_F16X2 || pt == PT_BF16X2 ? PT_B32
                                                                    : pt;
    t = gvp_gvt(cg, pt);
    if (t == GV_T_PRED) {
        FAIL(cg, "predicates cannot be loaded or stored");
    }
    size = gvp_types[pt].size;
    gvp_mem_operand(cg, &s->opd[store ? 0 : 1], space, &ma);
    if (store && ma.space == GV_SPACE_PARAM) {
        FAIL(cg, "kernel parameters are read-only");
    }
    v = &s->opd[store ? 1 : 0];
    if ((n > 1) != (v->kind == OK_VEC) || (n > 1 && v->n != n)) {
        FAIL(cg, "vector width and operand do not match");
    }
    /* ld.v2 {%r1, %r2}, [%r1]: keep the address past the first element */
    if (!store && n > 1) {
        for (int i = 0; i < n; i++) {
            if (v->elts[i].kind == OK_NAME && ma.a < GV_ISA_CONST_BASE &&
                gvp_reg_lookup(cg, v->elts[i].name) == ma.a) {
                uint16_t copy = (uint16_t)gvp_new_slot(cg);

                gvp_emit(cg, GV_I_MOV, GV_T_U64, 0, copy, ma.a, 0, 0, 0);
                ma.a = copy;
                break;
            }
        }
    }
    for (int i = 0; i < n; i++) {
        const struct gvp_opd *x = n > 1 ? &v->elts[i] : v;
        uint16_t a, e;

        if (x->kind == OK_SINK) {
            continue;
        }
        gvp_mem_ae(cg, &ma, (int64_t)i * size, &a, &e);
        if (store) {
            gvp_emit(cg, GV_I_ST, t, (unsigned)ma.space, 0, a,
                     gvp_src(cg, x, pt), 0, e);
        } else {
            gvp_emit(cg, GV_I_LD, t, (unsigned)ma.space, gvp_dst(cg, x), a, 0,
                     0, e);
        }
    }
}

static void do_atom(struct cg *cg, const struct gvp_stmt *s, struct opc *o,
                    bool red)
{
    static const char *const ops[] = { "add", "min", "max", "inc", "dec",
                                       "and", "or", "xor", "exch", "cas",
                                       NULL };
    int space = gvp_space_mod(o), k, pt, i = 0;
    bool half;
    struct maddr ma;
    unsigned t;
    uint16_t d = GV_ISA_NONE, a, e, b, c = 0;

    gvp_take_harmless(o);
    k = gvp_take_one(o, ops);
    half = gvp_take(o, "noftz");
    pt = gvp_one_type(cg, o);
    gvp_opc_done(cg, o);
    if (k < 0) {
        FAIL(cg, "missing atomic operation");
    }
    if (red && k == GV_ATOM_CAS) {
        FAIL(cg, "red.cas does not exist");
    }
    gvp_nopd(cg, s, (red ? 2 : 3) + (k == GV_ATOM_CAS));
    if (pt == PT_F16 || pt == PT_F16X2 || pt == PT_BF16 ||
        pt == PT_BF16X2 || pt == PT_B16) {
        gvp_half_atom(cg, s, k, pt, space, red);
        return;
    }
    if (half) {
        FAIL(cg, ".noftz needs a half-precision type");
    }
    t = gvp_gvt(cg, pt);
    if (t < GV_T_U32 || t > GV_T_F64) {
        FAIL(cg, "atomics on .%s are not supported", gvp_types[pt].name);
    }
    if ((t == GV_T_F32 || t == GV_T_F64) && k != GV_ATOM_ADD &&
        k != GV_ATOM_MIN && k != GV_ATOM_MAX && k != GV_ATOM_EXCH &&
        k != GV_ATOM_CAS) {
        FAIL(cg, "atomic .%s on a floating-point type", ops[k]);
    }
    if (!red) {
        d = gvp_dst(cg, &s->opd[i++]);
    }
    gvp_mem_operand(cg, &s->opd[i++], space, &ma);
    if (ma.space == GV_SPACE_PARAM || ma.space == GV_SPACE_LOCAL) {
        FAIL(cg, "atomics on local or parameter memory");
    }
    b = gvp_src(cg, &s->opd[i++], pt);
    if (k == GV_ATOM_CAS) {
        c = gvp_src(cg, &s->opd[i++], pt);
    }
    gvp_mem_ae(cg, &ma, 0, &a, &e);
    gvp_emit(cg, GV_I_ATOM, t, (unsigned)ma.space | (unsigned)k << 4, d, a, b,
             c, e);
}

/* An ALU instruction of type u32 into a new slot. */
static uint16_t alu32(struct cg *cg, unsigned op, unsigned t, uint16_t a,
                      uint16_t b)
{
    uint16_t d = (uint16_t)gvp_new_slot(cg);

    gvp_emit(cg, op, t, 0, d, a, b, 0, 0);
    return d;
}

/* shfl's predicate result p (PTX ISA, "shfl.sync"): whether the source
 * lane is inside the lane's segment, from b and c as the SHFL instruction
 * computes it (hw/core/gv_simt.c shfl()):
 *   seg = c[12:8], maxLane = (lane & seg) | (c[4:0] & ~seg),
 *   minLane = lane & seg; up: j = lane - b[4:0], p = j >= maxLane;
 *   down: j = lane + b[4:0]; bfly: j = lane ^ b[4:0];
 *   idx: j = minLane | (b[4:0] & ~seg); otherwise p = j <= maxLane.
 * Returns the slot of p's value; the caller moves it into p last. */
static uint16_t shfl_pred(struct cg *cg, int mode, uint16_t b, uint16_t c)
{
    uint16_t k31 = gvp_konst(cg, 31), lane = (uint16_t)gvp_new_slot(cg);
    uint16_t bv, cv, seg, nseg, maxl, minl, j, p;

    gvp_emit(cg, GV_I_S2R, GV_T_U32, GV_SR_LANEID, lane, 0, 0, 0, 0);
    bv = alu32(cg, GV_I_AND, GV_T_U32, b, k31);
    cv = alu32(cg, GV_I_AND, GV_T_U32, c, k31);
    seg = alu32(cg, GV_I_AND, GV_T_U32,
                alu32(cg, GV_I_SHR, GV_T_U32, c, gvp_konst(cg, 8)), k31);
    nseg = alu32(cg, GV_I_NOT, GV_T_U32, seg, 0);
    minl = alu32(cg, GV_I_AND, GV_T_U32, lane, seg);
    maxl = alu32(cg, GV_I_OR, GV_T_U32, minl,
                 alu32(cg, GV_I_AND, GV_T_U32, cv, nseg));
    switch (mode) {
    case GV_SHFL_UP: j = alu32(cg, GV_I_SUB, GV_T_S32, lane, bv); break;
    case GV_SHFL_DOWN: j = alu32(cg, GV_I_ADD, GV_T_U32, lane, bv); break;
    case GV_SHFL_BFLY: j = alu32(cg, GV_I_XOR, GV_T_U32, lane, bv); break;
    default:
        j = alu32(cg, GV_I_OR, GV_T_U32, minl,
                  alu32(cg, GV_I_AND, GV_T_U32, bv, nseg));
        break;
    }
    p = (uint16_t)gvp_new_slot(cg);
    gvp_emit(cg, GV_I_SETP, GV_T_S32,
             mode == GV_SHFL_UP ? GV_CMP_GE : GV_CMP_LE, p, j, maxl, 0, 0);
    return p;
}

static void do_shfl(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    static const char *const modes[] = { "up", "down", "bfly", "idx", NULL };
    bool sync = gvp_take(o, "sync");
    int k = gvp_take_one(o, modes), pt = gvp_one_type(cg, o);
    uint16_t m = GV_ISA_NONE, p = GV_ISA_NONE, pv = 0, a, b, c, d;

    gvp_opc_done(cg, o);
    if (k < 0) {
        FAIL(cg, "missing shuffle mode");
    }
    if (pt != PT_B32 && pt != PT_U32 && pt != PT_S32 && pt != PT_F32) {
        FAIL(cg, "shfl needs .b32");
    }
    gvp_nopd(cg, s, sync ? 5 : 4);
    if (sync) {
        m = gvp_src(cg, &s->opd[4], PT_B32);
    }
    a = gvp_src(cg, &s->opd[1], PT_B32);
    b = gvp_src(cg, &s->opd[2], PT_B32);
    c = gvp_src(cg, &s->opd[3], PT_B32);
    if (s->opd[0].kind == OK_PAIR) {      /* d|p: p from b and c first */
        struct gvp_opd x = s->opd[0];

        pv = shfl_pred(cg, k, b, c);
        x.kind = OK_NAME;
        x.name = s->opd[0].name2;
        p = gvp_dst(cg, &x);
        x.name = s->opd[0].name;
        d = gvp_dst(cg, &x);
    } else {
        d = gvp_dst(cg, &s->opd[0]);
    }
    gvp_emit(cg, GV_I_SHFL, GV_T_U32, (unsigned)k, d, a, b, c, m);
    if (p != GV_ISA_NONE) {
        gvp_emit(cg, GV_I_MOV, GV_T_PRED, 0, p, pv, 0, 0, 0);
    }
}

static void do_vote(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    static const char *const modes[] = { "all", "any", "uni", "ballot",
                                         NULL };
    bool sync = gvp_take(o, "sync");
    int k = gvp_take_one(o, modes), pt = gvp_one_type(cg, o);
    uint16_t m = GV_ISA_NONE;

    gvp_opc_done(cg, o);
    if (k < 0) {
        FAIL(cg, "missing vote mode");
    }
    if ((k == GV_VOTE_BALLOT) != (pt == PT_B32) ||
        (k != GV_VOTE_BALLOT && pt != PT_PRED)) {
        FAIL(cg, "vote.%s needs .%s", modes[k],
             k == GV_VOTE_BALLOT ? "b32" : "pred");
    }
    gvp_nopd(cg, s, sync ? 3 : 2);
    if (sync) {
        m = gvp_src(cg, &s->opd[2], PT_B32);
    }
    gvp_emit(cg, GV_I_VOTE, k == GV_VOTE_BALLOT ? GV_T_U32 : GV_T_PRED,
             (unsigned)k, gvp_dst(cg, &s->opd[0]), gvp_psrc(cg, &s->opd[1]), 0,
             0, m);
}

/* Plain ALU instructions: name, GVX op, operand count, allowed kinds. */
enum { AK_INT = 1, AK_FLT = 2, AK_BIT = 4, AK_PRED = 8 };

static const struct {
    const char *name;
    unsigned op, nsrc, kinds;
    bool fmods, approx;
} alu_tab[] = {
    { "add", GV_I_ADD, 2, AK_INT | AK_FLT, true, false },
    { "sub", GV_I_SUB, 2, AK_INT | AK_FLT, true, false },
    { "div", GV_I_DIV, 2, AK_INT | AK_FLT, true, true },
    { "rem", GV_I_REM, 2, AK_INT, false, false },
    { "abs", GV_I_ABS, 1, AK_INT | AK_FLT, true, false },
    { "neg", GV_I_NEG, 1, AK_INT | AK_FLT, true, false },
    { "min", GV_I_MIN, 2, AK_INT | AK_FLT, true, false },
    { "max", GV_I_MAX, 2, AK_INT | AK_FLT, true, false },
    { "and", GV_I_AND, 2, AK_BIT | AK_PRED, false, false },
    { "or", GV_I_OR, 2, AK_BIT | AK_PRED, false, false },
    { "xor", GV_I_XOR, 2, AK_BIT | AK_PRED, false, false },
    { "not", GV_I_NOT, 1, AK_BIT | AK_PRED, false, false },
    { "cnot", GV_I_CNOT, 1, AK_BIT, false, false },
    { "shl", GV_I_SHL, 2, AK_BIT, false, false },
    { "shr", GV_I_SHR, 2, AK_BIT | AK_INT, false, false },
    { "popc", GV_I_POPC, 1, AK_BIT, false, false },
    { "clz", GV_I_CLZ, 1, AK_BIT, false, false },
    { "brev", GV_I_BREV, 1, AK_BIT, false, false },
    { "bfe", GV_I_BFE, 3, AK_INT, false, false },
    { "bfi", GV_I_BFI, 4, AK_BIT, false, false },
    { "fma", GV_I_FMA, 3, AK_FLT, true, false },
    { "rcp", GV_I_RCP, 1, AK_FLT, true, true },
    { "sqrt", GV_I_SQRT, 1, AK_FLT, true, true },
    { "rsqrt", GV_I_RSQRT, 1, AK_FLT, true, true },
    { "sin", GV_I_SIN, 1, AK_FLT, true, true },
    { "cos", GV_I_COS, 1, AK_FLT, true, true },
    { "ex2", GV_I_EX2, 1, AK_FLT, true, true },
    { "lg2", GV_I_LG2, 1, AK_FLT, true, true },
    { "tanh", GV_I_TANH, 1, AK_FLT, true, true },
    { "copysign", GV_I_COPYSIGN, 2, AK_FLT, false, false },
};

static bool kind_ok(unsigned kinds, int pt)
{
    unsigned k = gvp_types[pt].kind;

    return ((kinds & AK_INT) && (k == K_U || k == K_S)) ||
           ((kinds & AK_FLT) && k == K_F) ||
           ((kinds & AK_BIT) && (k == K_B || k == K_U || k == K_S)) ||
           ((kinds & AK_PRED) && k == K_PRED);
}

static void do_alu(struct cg *cg, const struct gvp_stmt *s, struct opc *o,
                   int idx)
{
    int pt = gvp_one_type(cg, o);
    unsigned mod = 0, n = alu_tab[idx].nsrc, op = alu_tab[idx].op;
    uint16_t v[4] = { 0, 0, 0, 0 };

    if (!kind_ok(alu_tab[idx].kinds, pt)) {
        FAIL(cg, "type .%s is not valid here", gvp_types[pt].name);
    }
    if (alu_tab[idx].fmods) {
        mod = gvp_float_mods(cg, o, pt, alu_tab[idx].approx);
        if ((mod & GV_M_SAT) && !gvp_pt_float(pt) &&
            !(pt == PT_S32 && (op == GV_I_ADD || op == GV_I_SUB))) {
            FAIL(cg, ".sat is not valid here");
        }
        /* PTX ISA: add sub fma div rcp sqrt take .rz .rm .rp */
        if ((mod & GV_M_RND) && op != GV_I_ADD && op != GV_I_SUB &&
            op != GV_I_FMA && op != GV_I_DIV && op != GV_I_RCP &&
            op != GV_I_SQRT) {
            FAIL(cg, "%s has no directed rounding", alu_tab[idx].name);
        }
    }
    if (op == GV_I_SHR && gvp_types[pt].kind == K_B) {
        pt = pt == PT_B64 ? PT_U64 : pt == PT_B32 ? PT_U32 : pt == PT_B16
                                                  ? PT_U16 : PT_U8;
    }
    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, (int)n + 1);
    for (unsigned k = 0; k < n; k++) {
        int spt = pt;

        if ((op == GV_I_SHL || op == GV_I_SHR) && k == 1) {
            spt = PT_U32;
        }
        if ((op == GV_I_BFE && k > 0) || (op == GV_I_BFI && k > 1)) {
            spt = PT_U32;
        }
        v[k] = gvp_src(cg, &s->opd[k + 1], spt);
    }
    if ((op == GV_I_POPC || op == GV_I_CLZ) && pt != PT_B32 && pt != PT_B64) {
        FAIL(cg, "%s needs .b32 or .b64", alu_tab[idx].name);
    }
    gvp_emit(cg, op, gvp_gvt(cg, pt), mod, gvp_dst(cg, &s->opd[0]), v[0], v[1],
             v[2], v[3]);
}

/* mul / mad: .lo .hi .wide on integers; float forms */
static void do_mul(struct cg *cg, const struct gvp_stmt *s, struct opc *o,
                   bool mad)
{
    int pt = gvp_one_type(cg, o);
    unsigned op, mod = 0;
    uint16_t a, b, c = 0, d;

    if (gvp_pt_float(pt)) {
        mod = gvp_float_mods(cg, o, pt, false);
        op = mad ? GV_I_FMA : GV_I_MUL;
    } else if (gvp_types[pt].kind == K_U || gvp_types[pt].kind == K_S) {
        if (gvp_take(o, "hi")) {
            op = mad ? GV_I_MADHI : GV_I_MULHI;
        } else if (gvp_take(o, "wide")) {
            op = mad ? GV_I_MADWIDE : GV_I_MULWIDE;
            if (gvp_types[pt].size > 4) {
                FAIL(cg, ".wide needs a 16- or 32-bit type");
            }
        } else {
            gvp_take(o, "lo");
            op = mad ? GV_I_MAD : GV_I_MUL;
        }
        if (gvp_take(o, "sat")) {
            FAIL(cg, ".sat is not supported on integer mul/mad");
        }
    } else {
        FAIL(cg, "type .%s is not valid here", gvp_types[pt].name);
    }
    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, mad ? 4 : 3);
    d = gvp_dst(cg, &s->opd[0]);
    a = gvp_src(cg, &s->opd[1], pt);
    b = gvp_src(cg, &s->opd[2], pt);
    if (mad) {
        int cpt = pt;

        if (op == GV_I_MADWIDE) {
            cpt = gvp_types[pt].size == 4 ? PT_U64 : PT_U32;
        }
        c = gvp_src(cg, &s->opd[3], cpt);
    }
    gvp_emit(cg, op, gvp_gvt(cg, pt), mod, d, a, b, c, 0);
}

static void do_mov(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    int sr, pt = gvp_one_type(cg, o);

    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 2);
    if (s->opd[0].kind == OK_VEC || s->opd[1].kind == OK_VEC) {
        do_mov_vec(cg, s, pt);
    } else if (s->opd[1].kind == OK_NAME &&
               (sr = gvp_sreg_of(s->opd[1].name)) >= 0) {
        gvp_emit(cg, GV_I_S2R, gvp_sregs[sr].type, gvp_sregs[sr].id,
                 gvp_dst(cg, &s->opd[0]), 0, 0, 0, 0);
    } else {
        uint16_t d = gvp_dst(cg, &s->opd[0]);
        /* A move copies bits: a half-precision one is a 16-bit move (the
         * ISA's MOV has no f16 type; found by fuzz-ptx, finding 3). */
        int mt = pt == PT_F16 || pt == PT_BF16 ? PT_B16
                 : pt == PT_F16X2 || pt == PT_BF16X2 ? PT_B32 : pt;

        gvp_emit(cg, GV_I_MOV, gvp_gvt(cg, mt), 0, d,
                 gvp_src(cg, &s->opd[1], pt), 0, 0, 0);
    }
}

/* set.cmp[.bool][.ftz].dtype.stype d, a, b[, {!}c] (PTX ISA, "set"):
 * the comparison, combined with c by .and/.or/.xor, as all ones (.u32,
 * .s32) or 1.0f (.f32), else 0. */
static void do_set(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    static const char *const bools[] = { "and", "or", "xor", NULL };
    static const unsigned bop[] = { GV_I_AND, GV_I_OR, GV_I_XOR };
    int dt, st, bk;
    unsigned cmp;
    uint16_t p, a, b, d;

    if (o->ntypes != 2) {
        FAIL(cg, "set needs a destination and a source type");
    }
    dt = o->types[0];
    st = o->types[1];
    cmp = cmp_of(cg, o, st);
    bk = gvp_take_one(o, bools);
    cmp |= compare_mods(cg, o, st);
    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, bk >= 0 ? 4 : 3);
    if (dt != PT_U32 && dt != PT_S32 && dt != PT_F32) {
        FAIL(cg, "the result of set is .u32, .s32 or .f32");
    }
    if (st == PT_PRED || gvp_gvt(cg, st) == GV_T_F16) {
        FAIL(cg, "set cannot compare .%s", gvp_types[st].name);
    }
    a = gvp_src(cg, &s->opd[1], st);
    b = gvp_src(cg, &s->opd[2], st);
    p = (uint16_t)gvp_new_slot(cg);
    gvp_emit(cg, GV_I_SETP, gvp_gvt(cg, st), cmp, p, a, b, 0, 0);
    if (bk >= 0) {
        uint16_t c = gvp_psrc(cg, &s->opd[3]), q;

        q = (uint16_t)gvp_new_slot(cg);
        gvp_emit(cg, bop[bk], GV_T_PRED, 0, q, p, c, 0, 0);
        p = q;
    }
    d = gvp_dst(cg, &s->opd[0]);
    gvp_emit(cg, GV_I_SELP, gvp_gvt(cg, dt), 0, d,
             gvp_konst(cg, dt == PT_F32 ? 0x3f800000u : 0xffffffffu),
             gvp_konst(cg, 0), p, 0);
}

/* The barrier number of bar/barrier: an immediate 0..15. */
static uint16_t bar_id(struct cg *cg, const struct gvp_opd *a)
{
    if (a->kind != OK_INT || a->ival < 0 || a->ival > 15) {
        FAIL(cg, "expected a barrier number 0..15");
    }
    return gvp_konst(cg, (uint64_t)a->ival);
}

/* bar.red.popc.u32 d, a{, b}, {!}c and bar.red.and/.or.pred p, a{, b},
 * {!}c (PTX ISA, "bar.red"; __syncthreads_count/and/or): a barrier that
 * also reduces c over the block's threads.  Each thread adds
 * (1 << 32 | c) to an 8-byte counter in shared memory between two
 * barriers and reads it before and after: the difference holds the
 * number of threads (high half) and of true c (low half).  Between the
 * first and second barrier nobody adds, so every thread's "before" is
 * the same; the next bar.red adds only after its own first barrier,
 * which every thread passes after its "after" read. */
static void do_bar_red(struct cg *cg, const struct gvp_stmt *s,
                       struct opc *o)
{
    static const char *const ops[] = { "popc", "and", "or", NULL };
    int k = gvp_take_one(o, ops), pt = gvp_one_type(cg, o), bn;
    uint16_t id, n = 0, c, a, x0, x1, v, df;
    unsigned bm = 0;

    gvp_opc_done(cg, o);
    if (k < 0) {
        FAIL(cg, "expected .popc, .and or .or");
    }
    if ((k == 0) != (pt == PT_U32) || (k > 0 && pt != PT_PRED)) {
        FAIL(cg, "bar.red.%s needs .%s", ops[k], k ? "pred" : "u32");
    }
    if (s->nopd != 3 && s->nopd != 4) {
        FAIL(cg, "expected d, a{, b}, {!}c");
    }
    id = bar_id(cg, &s->opd[1]);
    if (s->nopd == 4) {
        n = gvp_src(cg, &s->opd[2], PT_U32);
        bm = GV_BAR_COUNT;
    }
    c = gvp_psrc(cg, &s->opd[s->nopd - 1]);
    /* one counter per barrier number */
    bn = (int)s->opd[1].ival;
    if (!cg->bred[bn]) {
        cg->shared_size = gvp_align_up(cg->shared_size, 8);
        cg->bred[bn] = (uint32_t)cg->shared_size + 1;
        cg->shared_size += 8;
        if (cg->shared_size > GV_ISA_MAX_SHARED) {
            FAIL(cg, "shared memory over %u bytes", GV_ISA_MAX_SHARED);
        }
    }
    a = gvp_konst(cg, cg->bred[bn] - 1);
    x0 = (uint16_t)gvp_new_slot(cg);
    x1 = (uint16_t)gvp_new_slot(cg);
    v = (uint16_t)gvp_new_slot(cg);
    df = (uint16_t)gvp_new_slot(cg);
    gvp_emit(cg, GV_I_BAR, GV_T_NONE, bm, 0, id, n, 0, 0);
    gvp_emit(cg, GV_I_LD, GV_T_U64, GV_SPACE_SHARED, x0, a, 0, 0, 0);
    gvp_emit(cg, GV_I_SELP, GV_T_U64, 0, v, gvp_konst(cg, 0x100000001ull),
             gvp_konst(cg, 0x100000000ull), c, 0);
    gvp_emit(cg, GV_I_BAR, GV_T_NONE, bm, 0, id, n, 0, 0);
    gvp_emit(cg, GV_I_ATOM, GV_T_U64,
             GV_SPACE_SHARED | (unsigned)GV_ATOM_ADD << 4, GV_ISA_NONE, a, v,
             0, 0);
    gvp_emit(cg, GV_I_BAR, GV_T_NONE, bm, 0, id, n, 0, 0);
    gvp_emit(cg, GV_I_LD, GV_T_U64, GV_SPACE_SHARED, x1, a, 0, 0, 0);
    gvp_emit(cg, GV_I_SUB, GV_T_U64, 0, df, x1, x0, 0, 0);
    if (k == 0) {
        gvp_emit(cg, GV_I_MOV, GV_T_U32, 0, gvp_dst(cg, &s->opd[0]), df, 0,
                 0, 0);
        return;
    }
    if (k == 1) {       /* and: every thread's c, popc == count */
        uint16_t cnt = (uint16_t)gvp_new_slot(cg);

        gvp_emit(cg, GV_I_SHR, GV_T_U64, 0, cnt, df, gvp_konst(cg, 32), 0,
                 0);
        gvp_emit(cg, GV_I_SETP, GV_T_U32, GV_CMP_EQ, gvp_dst(cg, &s->opd[0]),
                 df, cnt, 0, 0);
        return;
    }
    gvp_emit(cg, GV_I_SETP, GV_T_U32, GV_CMP_NE, gvp_dst(cg, &s->opd[0]), df,
             gvp_konst(cg, 0), 0, 0);
}

/* bar / barrier {.cta}{.sync}{.aligned} a{, b}; bar.red; bar.warp.sync */
static void do_bar(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    if (gvp_take(o, "warp")) {
        /* bar.warp.sync M: a rendezvous of the lanes of M, as vote.sync's
         * (a ballot into a scratch register; docs/compute.md) */
        gvp_take(o, "sync");
        gvp_opc_done(cg, o);
        gvp_nopd(cg, s, 1);
        gvp_emit(cg, GV_I_VOTE, GV_T_U32, GV_VOTE_BALLOT,
                 (uint16_t)gvp_new_slot(cg), gvp_konst(cg, 1), 0, 0,
                 gvp_src(cg, &s->opd[0], PT_B32));
        return;
    }
    gvp_take(o, "cta");
    gvp_take(o, "aligned");
    if (gvp_take(o, "red")) {
        do_bar_red(cg, s, o);
        return;
    }
    bool arrive = gvp_take(o, "arrive");

    gvp_take(o, "sync");
    gvp_opc_done(cg, o);
    if (s->nopd < 1 + arrive || s->nopd > 2) {
        FAIL(cg, arrive ? "bar.arrive needs a barrier number and a thread "
                          "count"
                        : "expected a barrier number and an optional thread "
                          "count");
    }
    uint16_t id = bar_id(cg, &s->opd[0]), n = 0;
    unsigned mod = 0;

    if (s->nopd == 2) {
        n = gvp_src(cg, &s->opd[1], PT_U32);
        mod = GV_BAR_COUNT | (arrive ? GV_BAR_ARRIVE : 0);
    }
    gvp_emit(cg, GV_I_BAR, GV_T_NONE, mod, 0, id, n, 0, 0);
}

static void do_prmt(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    static const char *const modes[] = { "f4e", "b4e", "rc8", "ecl",
                                         "ecr", "rc16", NULL };
    int k = gvp_take_one(o, modes), pt = gvp_one_type(cg, o);

    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 4);
    if (pt != PT_B32) {
        FAIL(cg, "prmt needs .b32");
    }
    gvp_emit(cg, GV_I_PRMT, GV_T_U32, (unsigned)(k + 1),
             gvp_dst(cg, &s->opd[0]), gvp_src(cg, &s->opd[1], pt),
             gvp_src(cg, &s->opd[2], pt), gvp_src(cg, &s->opd[3], pt), 0);
}

static void do_shf(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    bool r = gvp_take(o, "r"), l = gvp_take(o, "l");
    unsigned mod = r ? GV_SHF_R : 0;
    int pt;

    if (gvp_take(o, "wrap")) {
        mod |= GV_SHF_WRAP;
    } else {
        gvp_take(o, "clamp");
    }
    pt = gvp_one_type(cg, o);
    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 4);
    if (r == l || pt != PT_B32) {
        FAIL(cg, "expected shf.l or shf.r with .b32");
    }
    gvp_emit(cg, GV_I_SHF, GV_T_U32, mod, gvp_dst(cg, &s->opd[0]),
             gvp_src(cg, &s->opd[1], pt), gvp_src(cg, &s->opd[2], pt),
             gvp_src(cg, &s->opd[3], PT_U32), 0);
}

static void do_testp(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    static const char *const kinds[] = { "finite", "infinite", "number",
                                         "notanumber", "normal",
                                         "subnormal", NULL };
    int k = gvp_take_one(o, kinds), pt = gvp_one_type(cg, o);

    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 2);
    if (k < 0 || !gvp_pt_float(pt)) {
        FAIL(cg, "expected testp.<class>.f32/.f64");
    }
    gvp_emit(cg, GV_I_TESTP, gvp_gvt(cg, pt), (unsigned)k,
             gvp_dst(cg, &s->opd[0]), gvp_src(cg, &s->opd[1], pt), 0, 0, 0);
}

void gvp_translate_insn(struct cg *cg, const struct gvp_stmt *s,
                        const char *ret_label)
{
    struct opc o;
    int pt;

    cg->line = s->line;
    cg->opc = s->opc;
    cg->guard = 0;
    cg->gpred = 0;
    if (s->guard) {
        int r = gvp_reg_lookup(cg, s->guard);

        if (r < 0) {
            FAIL(cg, "guard %s is not a declared predicate", s->guard);
        }
        cg->guard = GV_G_ON | (s->guard_neg ? GV_G_NEG : 0);
        cg->gpred = (uint16_t)r;
    }
    gvp_opc_split(cg, s->opc, &o);
    gvp_compat_types(cg, &o);
    if (gvp_ops_insn(cg, s, &o) || gvp_half_insn(cg, s, &o)) {
        return;
    }
    for (size_t i = 0; i < sizeof(alu_tab) / sizeof(alu_tab[0]); i++) {
        if (!strcmp(o.base, alu_tab[i].name)) {
            do_alu(cg, s, &o, (int)i);
            return;
        }
    }
    if (!strcmp(o.base, "mul") || !strcmp(o.base, "mad")) {
        do_mul(cg, s, &o, o.base[1] == 'a');
    } else if (!strcmp(o.base, "mov")) {
        do_mov(cg, s, &o);
    } else if (!strcmp(o.base, "setp")) {
        do_setp(cg, s, &o);
    } else if (!strcmp(o.base, "selp")) {
        pt = gvp_one_type(cg, &o);
        gvp_opc_done(cg, &o);
        gvp_nopd(cg, s, 4);
        uint16_t d = gvp_dst(cg, &s->opd[0]), a = gvp_src(cg, &s->opd[1], pt),
                 b = gvp_src(cg, &s->opd[2], pt);

        gvp_emit(cg, GV_I_SELP, gvp_gvt(cg, pt), 0, d, a, b,
                 gvp_psrc(cg, &s->opd[3]), 0);
    } else if (!strcmp(o.base, "set")) {
        do_set(cg, s, &o);
    } else if (!strcmp(o.base, "cvt")) {
        do_cvt(cg, s, &o);
    } else if (!strcmp(o.base, "cvta")) {
        do_cvta(cg, s, &o);
    } else if (!strcmp(o.base, "ld") || !strcmp(o.base, "ldu")) {
        do_ldst(cg, s, &o, false);
    } else if (!strcmp(o.base, "st")) {
        do_ldst(cg, s, &o, true);
    } else if (!strcmp(o.base, "atom") || !strcmp(o.base, "red")) {
        do_atom(cg, s, &o, o.base[0] == 'r');
    } else if (!strcmp(o.base, "bra")) {
        gvp_take(&o, "uni");
        gvp_opc_done(cg, &o);
        gvp_nopd(cg, s, 1);
        if (s->opd[0].kind != OK_NAME || s->opd[0].ival) {
            FAIL(cg, "expected a label");
        }
        gvp_branch_to(cg, s->opd[0].name);
    } else if (!strcmp(o.base, "ret")) {
        gvp_take(&o, "uni");
        gvp_opc_done(cg, &o);
        gvp_nopd(cg, s, 0);
        if (ret_label) {
            gvp_branch_to(cg, ret_label);
        } else {
            gvp_emit(cg, GV_I_EXIT, GV_T_NONE, 0, 0, 0, 0, 0, 0);
        }
    } else if (!strcmp(o.base, "exit")) {
        gvp_opc_done(cg, &o);
        gvp_nopd(cg, s, 0);
        gvp_emit(cg, GV_I_EXIT, GV_T_NONE, 0, 0, 0, 0, 0, 0);
    } else if (!strcmp(o.base, "bar") || !strcmp(o.base, "barrier")) {
        do_bar(cg, s, &o);
    } else if (!strcmp(o.base, "membar") || !strcmp(o.base, "fence")) {
        /* every scope and proxy kind (PTX ISA, "membar / fence"): the engine's
         * memory is sequentially consistent */
        static const char *const fk[] = {
            "gl", "proxy", "alias", "async", "global", "shared::cta",
            "shared::cluster", "tensormap::generic", "mbarrier_init", NULL,
        };

        gvp_take_harmless(&o);
        while (gvp_take_one(&o, fk) >= 0) {
        }
        gvp_opc_done(cg, &o);
        gvp_emit(cg, GV_I_NOP, GV_T_NONE, 0, 0, 0, 0, 0, 0);
    } else if (!strcmp(o.base, "shfl")) {
        do_shfl(cg, s, &o);
    } else if (!strcmp(o.base, "vote")) {
        do_vote(cg, s, &o);
    } else if (!strcmp(o.base, "activemask")) {
        pt = gvp_one_type(cg, &o);
        gvp_opc_done(cg, &o);
        gvp_nopd(cg, s, 1);
        gvp_emit(cg, GV_I_VOTE, GV_T_U32, GV_VOTE_BALLOT,
                 gvp_dst(cg, &s->opd[0]), gvp_konst(cg, 1), 0, 0, GV_ISA_NONE);
    } else if (!strcmp(o.base, "prmt")) {
        do_prmt(cg, s, &o);
    } else if (!strcmp(o.base, "shf")) {
        do_shf(cg, s, &o);
    } else if (!strcmp(o.base, "testp")) {
        do_testp(cg, s, &o);
    } else if (!strcmp(o.base, "trap")) {
        gvp_opc_done(cg, &o);
        gvp_emit(cg, GV_I_TRAP, GV_T_NONE, 0, 0, 0, 0, 0, 0);
    } else if (!strcmp(o.base, "nanosleep") || !strcmp(o.base, "prefetch") ||
               !strcmp(o.base, "prefetchu")) {
        gvp_take_harmless(&o);
        gvp_take(&o, "global");
        gvp_take(&o, "local");
        gvp_take(&o, "L1");
        gvp_take(&o, "L2");
        o.ntypes = 0;
        gvp_opc_done(cg, &o);
        gvp_emit(cg, GV_I_NOP, GV_T_NONE, 0, 0, 0, 0, 0, 0);
    } else if (!strcmp(o.base, "call")) {
        gvp_do_call(cg, s, &o);
    } else if (!strncmp(o.base, "tex", 3) || !strncmp(o.base, "tld", 3) ||
               !strncmp(o.base, "suld", 4) || !strncmp(o.base, "sust", 4) ||
               !strncmp(o.base, "sured", 5) || !strncmp(o.base, "txq", 3) ||
               !strncmp(o.base, "suq", 3)) {
        FAIL(cg, "texture and surface instructions are not supported");
    } else if (!gvp_compat_insn(cg, s, &o)) {
        FAIL(cg, "instruction %s is not supported", o.base);
    }
}

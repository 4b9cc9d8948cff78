/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PTX translator, code generator: integer and bit instructions of the
 * PTX ISA ("Integer Arithmetic Instructions", "Extended-Precision
 * Integer Arithmetic Instructions") lowered into
 * existing GVX opcodes:
 *
 * - sad (|a - b| + c), bfind (.shiftamt), bmsk, szext, dp4a, dp2a;
 * - add.cc / addc / sub.cc / subc / mad.cc / madc: the condition code's
 *   carry flag (CC.CF) is one hidden predicate register per entry,
 *   shared by the functions the entry inlines (PTX does not keep it
 *   across calls, so sharing is allowed);
 * - fns is the FNS opcode (a search loop has no cheap expansion).
 *
 * Every expansion computes into temporaries and writes d last, so d may
 * be any of its sources; the statement's guard applies to each
 * instruction of it.
 */
#include <string.h>

#include "graviton/gv_isa.h"
#include "gv_ptx_cg.h"

static uint16_t tmp(struct cg *cg)
{
    return (uint16_t)gvp_new_slot(cg);
}

static uint16_t emit_t(struct cg *cg, unsigned op, unsigned type,
                       uint16_t a, uint16_t b, uint16_t c)
{
    uint16_t t = tmp(cg);

    gvp_emit(cg, op, type, 0, t, a, b, c, 0);
    return t;
}

/* The unsigned GVX type of @pt's width (32 or 64 bits). */
static unsigned utype(int pt)
{
    return gvp_types[pt].size == 8 ? GV_T_U64 : GV_T_U32;
}

static bool is_int32_64(int pt)
{
    return pt == PT_U32 || pt == PT_S32 || pt == PT_U64 || pt == PT_S64;
}

/* ---- sad, bfind, fns, bmsk, szext ---- */

/* sad.type d, a, b, c: d = c + |a - b| (PTX ISA, "sad").  max - min is
 * |a - b| modulo 2^n for signed and unsigned types alike. */
static void do_sad(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    int pt = gvp_one_type(cg, o);
    unsigned t = gvp_gvt(cg, pt);
    uint16_t a, b, c, mx, mn, df;

    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 4);
    if (gvp_types[pt].kind != K_U && gvp_types[pt].kind != K_S) {
        FAIL(cg, "sad needs an integer type");
    }
    if (gvp_types[pt].size < 2) {
        FAIL(cg, "sad needs a 16-, 32- or 64-bit type");
    }
    a = gvp_src(cg, &s->opd[1], pt);
    b = gvp_src(cg, &s->opd[2], pt);
    c = gvp_src(cg, &s->opd[3], pt);
    mx = emit_t(cg, GV_I_MAX, t, a, b, 0);
    mn = emit_t(cg, GV_I_MIN, t, a, b, 0);
    df = emit_t(cg, GV_I_SUB, t, mx, mn, 0);
    gvp_emit(cg, GV_I_ADD, t, 0, gvp_dst(cg, &s->opd[0]), df, c, 0, 0);
}

/* bfind{.shiftamt}.type d, a (PTX ISA, "bfind"): the position of the
 * most significant non-sign bit, 0xffffffff if none.  Signed inputs are
 * complemented when negative (a ^ (a >> msb)), then CLZ: the position is
 * msb - clz (msb - width wraps to 0xffffffff), the shift amount is clz
 * itself (0xffffffff when clz = width). */
static void do_bfind(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    bool shiftamt = gvp_take(o, "shiftamt");
    int pt = gvp_one_type(cg, o);
    unsigned ut, w;
    uint16_t x, n, d;

    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 2);
    if (!is_int32_64(pt)) {
        FAIL(cg, "bfind needs .u32, .s32, .u64 or .s64");
    }
    ut = utype(pt);
    w = gvp_types[pt].size * 8;
    x = gvp_src(cg, &s->opd[1], pt);
    if (gvp_types[pt].kind == K_S) {
        uint16_t sg = emit_t(cg, GV_I_SHR, gvp_gvt(cg, pt), x,
                             gvp_konst(cg, w - 1), 0);

        x = emit_t(cg, GV_I_XOR, ut, x, sg, 0);
    }
    n = emit_t(cg, GV_I_CLZ, ut, x, 0, 0);
    d = gvp_dst(cg, &s->opd[0]);
    if (!shiftamt) {
        gvp_emit(cg, GV_I_SUB, GV_T_U32, 0, d, gvp_konst(cg, w - 1), n, 0,
                 0);
        return;
    }
    uint16_t none = tmp(cg);

    gvp_emit(cg, GV_I_SETP, GV_T_U32, GV_CMP_EQ, none, n, gvp_konst(cg, w),
             0, 0);
    gvp_emit(cg, GV_I_SELP, GV_T_U32, 0, d, gvp_konst(cg, 0xffffffffu), n,
             none, 0);
}

/* fns.b32 d, mask, base, offset (PTX ISA, "fns"): FNS. */
static void do_fns(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    int pt = gvp_one_type(cg, o);

    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 4);
    if (pt != PT_B32) {
        FAIL(cg, "fns needs .b32");
    }
    uint16_t m = gvp_src(cg, &s->opd[1], PT_B32);
    uint16_t b = gvp_src(cg, &s->opd[2], PT_U32);
    uint16_t c = gvp_src(cg, &s->opd[3], PT_S32);

    gvp_emit(cg, GV_I_FNS, GV_T_U32, 0, gvp_dst(cg, &s->opd[0]), m, b, c, 0);
}

/* .clamp or .wrap (one of them is required). */
static bool wrap_mode(struct cg *cg, struct opc *o)
{
    bool clamp = gvp_take(o, "clamp"), wrap = gvp_take(o, "wrap");

    if (clamp == wrap) {
        FAIL(cg, "expected .clamp or .wrap");
    }
    return wrap;
}

/* bmsk.mode.b32 d, a, b (PTX ISA, "bmsk"): b ones from bit a.  With
 * SHL's "a shift of 32 or more gives 0": ((1 << b) - 1) << a is the
 * .clamp form (b >= 32: all ones from a; a >= 32: 0) and, once a and b
 * are taken mod 32, the .wrap form. */
static void do_bmsk(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    bool wrap = wrap_mode(cg, o);
    int pt = gvp_one_type(cg, o);
    uint16_t a, b, k31, m;

    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 3);
    if (pt != PT_B32) {
        FAIL(cg, "bmsk needs .b32");
    }
    a = gvp_src(cg, &s->opd[1], PT_U32);
    b = gvp_src(cg, &s->opd[2], PT_U32);
    if (wrap) {
        k31 = gvp_konst(cg, 31);
        a = emit_t(cg, GV_I_AND, GV_T_U32, a, k31, 0);
        b = emit_t(cg, GV_I_AND, GV_T_U32, b, k31, 0);
    }
    m = emit_t(cg, GV_I_SHL, GV_T_U32, gvp_konst(cg, 1), b, 0);
    m = emit_t(cg, GV_I_SUB, GV_T_U32, m, gvp_konst(cg, 1), 0);
    gvp_emit(cg, GV_I_SHL, GV_T_U32, 0, gvp_dst(cg, &s->opd[0]), m, a, 0, 0);
}

/* szext.mode.type d, a, b (PTX ISA, "szext"): the low b bits of a,
 * sign- or zero-extended: BFE a, 0, n with n = min(b, 32) (.clamp) or
 * b & 31 (.wrap); BFE of length 0 is 0. */
static void do_szext(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    bool wrap = wrap_mode(cg, o);
    int pt = gvp_one_type(cg, o);
    uint16_t a, n;

    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 3);
    if (pt != PT_U32 && pt != PT_S32) {
        FAIL(cg, "szext needs .u32 or .s32");
    }
    a = gvp_src(cg, &s->opd[1], pt);
    n = gvp_src(cg, &s->opd[2], PT_U32);
    n = emit_t(cg, wrap ? GV_I_AND : GV_I_MIN, GV_T_U32, n,
               gvp_konst(cg, wrap ? 31 : 32), 0);
    gvp_emit(cg, GV_I_BFE, gvp_gvt(cg, pt), 0, gvp_dst(cg, &s->opd[0]), a,
             gvp_konst(cg, 0), n, 0);
}

/* ---- dp4a, dp2a ---- */

/* dp4a.atype.btype d, a, b, c (PTX ISA, "dp4a"): c plus the four
 * products of a's and b's bytes; dp2a.lo/.hi.atype.btype: c plus the
 * products of a's two 16-bit halves with b's bytes 0-1 (.lo) or 2-3
 * (.hi).  Each part is extracted by BFE (sign-extended for .s32), the
 * products summed by MAD modulo 2^32. */
static void do_dp(struct cg *cg, const struct gvp_stmt *s, struct opc *o,
                  bool dp2)
{
    bool hi = false;
    int at, bt;
    unsigned ta, tb, aw = dp2 ? 16 : 8;
    uint16_t a, b, acc, d;

    if (dp2) {
        bool lo = gvp_take(o, "lo");

        hi = gvp_take(o, "hi");
        if (lo == hi) {
            FAIL(cg, "expected .lo or .hi");
        }
    }
    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 4);
    if (o->ntypes != 2) {
        FAIL(cg, "%s needs the types of a and b", o->base);
    }
    at = o->types[0];
    bt = o->types[1];
    if ((at != PT_U32 && at != PT_S32) || (bt != PT_U32 && bt != PT_S32)) {
        FAIL(cg, "%s types are .u32 or .s32", o->base);
    }
    ta = gvp_gvt(cg, at);
    tb = gvp_gvt(cg, bt);
    a = gvp_src(cg, &s->opd[1], at);
    b = gvp_src(cg, &s->opd[2], bt);
    acc = gvp_src(cg, &s->opd[3], at == PT_S32 || bt == PT_S32 ? PT_S32
                                                               : PT_U32);
    d = gvp_dst(cg, &s->opd[0]);
    for (unsigned k = 0; k < (dp2 ? 2u : 4u); k++) {
        unsigned bpos = 8 * (k + (hi ? 2 : 0));
        uint16_t x = emit_t(cg, GV_I_BFE, ta, a, gvp_konst(cg, aw * k),
                            gvp_konst(cg, aw));
        uint16_t y = emit_t(cg, GV_I_BFE, tb, b, gvp_konst(cg, bpos),
                            gvp_konst(cg, 8));
        uint16_t r = k == (dp2 ? 1u : 3u) ? d : tmp(cg);

        gvp_emit(cg, GV_I_MAD, GV_T_U32, 0, r, x, y, acc, 0);
        acc = r;
    }
}

/* ---- extended precision: the carry flag ---- */

/* The entry's carry-flag register (created on first use). */
static uint16_t cc_slot(struct cg *cg)
{
    if (!cg->cc) {
        cg->cc = gvp_new_slot(cg) + 1;
    }
    return (uint16_t)(cg->cc - 1);
}

/* d = x + y (+ CF with @cin), the carry out into CF with @cout;
 * subtraction: d = x - y (- CF), CF the borrow (PTX ISA, "subc":
 * computes a - (b + CC.CF)). */
static void carry_op(struct cg *cg, bool sub, unsigned ut, uint16_t d,
                     uint16_t x, uint16_t y, bool cin, bool cout)
{
    unsigned op = sub ? GV_I_SUB : GV_I_ADD;
    uint16_t cf = cc_slot(cg);
    uint16_t t1 = emit_t(cg, op, ut, x, y, 0), c1 = 0, t2, c2;

    if (cout) {
        /* add: the sum wrapped (t1 < x); sub: x < y */
        c1 = cin ? tmp(cg) : cf;
        gvp_emit(cg, GV_I_SETP, ut, GV_CMP_LT, c1, sub ? x : t1,
                 sub ? y : x, 0, 0);
    }
    if (!cin) {
        gvp_emit(cg, GV_I_MOV, ut, 0, d, t1, 0, 0, 0);
        return;
    }
    t2 = emit_t(cg, op, ut, t1, cf, 0);
    if (cout) {
        /* add: t2 < t1 (t1 = all ones, CF = 1); sub: t1 < CF */
        c2 = tmp(cg);
        gvp_emit(cg, GV_I_SETP, ut, GV_CMP_LT, c2, sub ? t1 : t2,
                 sub ? cf : t1, 0, 0);
        gvp_emit(cg, GV_I_OR, GV_T_PRED, 0, cf, c1, c2, 0, 0);
    }
    gvp_emit(cg, GV_I_MOV, ut, 0, d, t2, 0, 0, 0);
}

/* add.cc, addc{.cc}, sub.cc, subc{.cc} (.u32 .s32 .u64 .s64) and
 * mad.cc.lo/.hi, madc{.cc}.lo/.hi: the product's half, then the carry
 * addition of c. */
static void do_carry(struct cg *cg, const struct gvp_stmt *s, struct opc *o,
                     char kind, bool cin)
{
    bool cout = gvp_take(o, "cc"), hi = false;
    int pt;
    unsigned ut;
    uint16_t a, b, d;

    if (kind == 'm') {
        bool lo = gvp_take(o, "lo");

        hi = gvp_take(o, "hi");
        if (lo == hi) {
            FAIL(cg, "expected .lo or .hi");
        }
    }
    pt = gvp_one_type(cg, o);
    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, kind == 'm' ? 4 : 3);
    if (!is_int32_64(pt)) {
        FAIL(cg, "extended-precision arithmetic needs .u32, .s32, .u64 "
             "or .s64");
    }
    ut = utype(pt);
    a = gvp_src(cg, &s->opd[1], pt);
    b = gvp_src(cg, &s->opd[2], pt);
    if (kind == 'm') {
        uint16_t c = gvp_src(cg, &s->opd[3], pt);

        a = emit_t(cg, hi ? GV_I_MULHI : GV_I_MUL, gvp_gvt(cg, pt), a, b, 0);
        b = c;
    }
    d = gvp_dst(cg, &s->opd[0]);
    carry_op(cg, kind == 's', ut, d, a, b, cin, cout);
}

static bool has_mod(const struct opc *o, const char *name)
{
    for (int i = 0; i < o->n; i++) {
        if (!strcmp(o->m[i], name)) {
            return true;
        }
    }
    return false;
}

bool gvp_ops_insn(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    const char *b = o->base;

    if ((!strcmp(b, "add") || !strcmp(b, "sub") || !strcmp(b, "mad")) &&
        has_mod(o, "cc")) {
        do_carry(cg, s, o, b[0], false);
    } else if (!strcmp(b, "addc") || !strcmp(b, "subc") ||
               !strcmp(b, "madc")) {
        do_carry(cg, s, o, b[0], true);
    } else if (!strcmp(b, "sad")) {
        do_sad(cg, s, o);
    } else if (!strcmp(b, "bfind")) {
        do_bfind(cg, s, o);
    } else if (!strcmp(b, "fns")) {
        do_fns(cg, s, o);
    } else if (!strcmp(b, "bmsk")) {
        do_bmsk(cg, s, o);
    } else if (!strcmp(b, "szext")) {
        do_szext(cg, s, o);
    } else if (!strcmp(b, "dp4a") || !strcmp(b, "dp2a")) {
        do_dp(cg, s, o, b[2] == '2');
    } else {
        return false;
    }
    return true;
}

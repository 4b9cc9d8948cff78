/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PTX translator, code generator: half-precision arithmetic (PTX ISA
 * "Half Precision Floating-Point Instructions") on .f16, .f16x2,
 * .bf16 and .bf16x2, lowered into f32/f64 operations:
 *
 * - add, sub, mul, min, max: each element widened to f32 (exactly), the
 *   f32 operation, then rounded to the element type.  f32 has at least
 *   2p + 2 significand bits for both half formats (p = 11 and 8), so the
 *   second rounding never changes the correctly rounded result;
 * - fma: in f64 (the product is exact), then rounded: f16 by CVT (the
 *   engine rounds f64 to f16 once), bf16 through f32 rounded to odd;
 * - neg, abs: the sign bit; min/max.xorsign.abs: the magnitudes, then
 *   the sign bit;
 * - cvt between bf16 and the integer types: through f32 (rounded to odd
 *   from an integer, then to bf16 in the asked mode);
 * - setp on .f16/.bf16: the f32 comparison of the widened operands.
 *
 * A .f16 value is the 16-bit pattern in a register, an .x2 value the
 * pair in 32 bits (element 0 in bits 15..0).  bf16 widens by a shift and
 * narrows by integer rounding to nearest even (NaN: 0x7fff, the ISA's
 * canonical NaN).
 */
#include <string.h>

#include "graviton/gv_isa.h"
#include "gv_ptx_cg.h"

static uint16_t tmp(struct cg *cg)
{
    return (uint16_t)gvp_new_slot(cg);
}

static uint16_t emit_t(struct cg *cg, unsigned op, unsigned type,
                       unsigned mod, uint16_t a, uint16_t b, uint16_t c)
{
    uint16_t t = tmp(cg);

    gvp_emit(cg, op, type, mod, t, a, b, c, 0);
    return t;
}

static uint16_t cvt(struct cg *cg, unsigned dt, unsigned st, unsigned rnd,
                    uint16_t a)
{
    uint16_t t = tmp(cg);

    gvp_emit(cg, GV_I_CVT, dt, 0, t, a, 0, 0, (uint16_t)(st | rnd << 8));
    return t;
}

/* Element @k of @v: the low or high 16 bits (x2), or @v itself. */
static uint16_t elem(struct cg *cg, uint16_t v, bool x2, int k)
{
    if (!x2) {
        return v;
    }
    if (k == 0) {
        return emit_t(cg, GV_I_AND, GV_T_U32, 0, v, gvp_konst(cg, 0xffff), 0);
    }
    return emit_t(cg, GV_I_SHR, GV_T_U32, 0, v, gvp_konst(cg, 16), 0);
}

/* A half's value as an f32 (exact). */
static uint16_t widen(struct cg *cg, uint16_t h, bool bf)
{
    if (bf) {
        return emit_t(cg, GV_I_SHL, GV_T_U32, 0, h, gvp_konst(cg, 16), 0);
    }
    return cvt(cg, GV_T_F32, GV_T_F16, GV_RND_NONE, h);
}

/* An f32 rounded to the nearest half (even on ties). */
static uint16_t narrow(struct cg *cg, uint16_t x, bool bf)
{
    uint16_t lsb, r, nan;

    if (!bf) {
        return cvt(cg, GV_T_F16, GV_T_F32, GV_RND_RN, x);
    }
    /* (x + 0x7fff + bit 16 of x) >> 16; carries into the exponent round
     * up to the next binade or to infinity as they should */
    lsb = emit_t(cg, GV_I_BFE, GV_T_U32, 0, x, gvp_konst(cg, 16),
                 gvp_konst(cg, 1));
    r = emit_t(cg, GV_I_ADD, GV_T_U32, 0, x, gvp_konst(cg, 0x7fff), 0);
    r = emit_t(cg, GV_I_ADD, GV_T_U32, 0, r, lsb, 0);
    r = emit_t(cg, GV_I_SHR, GV_T_U32, 0, r, gvp_konst(cg, 16), 0);
    nan = emit_t(cg, GV_I_SETP, GV_T_F32, GV_CMP_NAN, x, x, 0);
    return emit_t(cg, GV_I_SELP, GV_T_U32, 0, gvp_konst(cg, 0x7fff), r, nan);
}

/* An f64 rounded to the nearest half: f16 by one CVT; bf16 first to f32
 * rounded to odd (toward zero, then the last bit set if inexact), which
 * keeps the second rounding correct. */
static uint16_t narrow64(struct cg *cg, uint16_t x, bool bf)
{
    uint16_t f, back, inexact, odd;

    if (!bf) {
        return cvt(cg, GV_T_F16, GV_T_F64, GV_RND_RN, x);
    }
    f = cvt(cg, GV_T_F32, GV_T_F64, GV_RND_RZ, x);
    back = cvt(cg, GV_T_F64, GV_T_F32, GV_RND_NONE, f);
    inexact = emit_t(cg, GV_I_SETP, GV_T_F64, GV_CMP_NE, back, x, 0);
    odd = emit_t(cg, GV_I_OR, GV_T_U32, 0, f, gvp_konst(cg, 1), 0);
    f = emit_t(cg, GV_I_SELP, GV_T_U32, 0, odd, f, inexact);
    return narrow(cg, f, true);
}

struct hop {
    const char *name;
    unsigned op, nsrc;
    bool sat;           /* .sat allowed (f16 forms) */
};

static const struct hop hops[] = {
    { "add", GV_I_ADD, 2, true },
    { "sub", GV_I_SUB, 2, true },
    { "mul", GV_I_MUL, 2, true },
    { "fma", GV_I_FMA, 3, true },
    { "min", GV_I_MIN, 2, false },
    { "max", GV_I_MAX, 2, false },
    { "neg", GV_I_NEG, 1, false },
    { "abs", GV_I_ABS, 1, false },
    { "ex2", GV_I_EX2, 1, false },      /* .approx */
    { "tanh", GV_I_TANH, 1, false },    /* .approx */
};

enum { HF_FTZ = 1, HF_RELU = 2, HF_NAN = 4, HF_XORSIGN = 8 };

/* .ftz: a subnormal (exponent 0) becomes a zero of its sign. */
static uint16_t flush(struct cg *cg, uint16_t h, bool bf)
{
    uint16_t e = emit_t(cg, GV_I_AND, GV_T_U32, 0, h,
                        gvp_konst(cg, bf ? 0x7f80 : 0x7c00), 0);
    uint16_t z = emit_t(cg, GV_I_SETP, GV_T_U32, GV_CMP_EQ, e,
                        gvp_konst(cg, 0), 0);
    uint16_t sg = emit_t(cg, GV_I_AND, GV_T_U32, 0, h, gvp_konst(cg, 0x8000),
                         0);

    return emit_t(cg, GV_I_SELP, GV_T_U32, 0, sg, h, z);
}

/* .relu: a negative result is 0, NaN the canonical NaN 0x7fff. */
static uint16_t relu(struct cg *cg, uint16_t r, bool bf)
{
    uint16_t mag = emit_t(cg, GV_I_AND, GV_T_U32, 0, r, gvp_konst(cg, 0x7fff),
                          0);
    uint16_t nan = emit_t(cg, GV_I_SETP, GV_T_U32, GV_CMP_GT, mag,
                          gvp_konst(cg, bf ? 0x7f80 : 0x7c00), 0);
    uint16_t neg = emit_t(cg, GV_I_SETP, GV_T_U32, GV_CMP_GE, r,
                          gvp_konst(cg, 0x8000), 0);

    r = emit_t(cg, GV_I_SELP, GV_T_U32, 0, gvp_konst(cg, 0), r, neg);
    return emit_t(cg, GV_I_SELP, GV_T_U32, 0, gvp_konst(cg, 0x7fff), r, nan);
}

/* min/max.xorsign.abs (PTX ISA 9.0, "Half Precision Floating-Point
 * Instructions: min, max"): the operation on |a| and |b|, then, unless
 * the result is NaN, its sign the XOR of a's and b's signs.  The
 * operands' magnitudes into @in; the sign bit to give the result. */
static uint16_t xorsign_in(struct cg *cg, uint16_t *in)
{
    uint16_t sg = emit_t(cg, GV_I_XOR, GV_T_U32, 0, in[0], in[1], 0);

    for (unsigned k = 0; k < 2; k++) {
        in[k] = emit_t(cg, GV_I_AND, GV_T_U32, 0, in[k],
                       gvp_konst(cg, 0x7fff), 0);
    }
    return emit_t(cg, GV_I_AND, GV_T_U32, 0, sg, gvp_konst(cg, 0x8000), 0);
}

static uint16_t xorsign_out(struct cg *cg, uint16_t r, uint16_t sg, bool bf)
{
    uint16_t nan = emit_t(cg, GV_I_SETP, GV_T_U32, GV_CMP_GT, r,
                          gvp_konst(cg, bf ? 0x7f80 : 0x7c00), 0);

    /* r is |a| or |b| (or the canonical NaN): its sign bit is clear */
    return emit_t(cg, GV_I_SELP, GV_T_U32, 0, r,
                  emit_t(cg, GV_I_OR, GV_T_U32, 0, r, sg, 0), nan);
}

/* One element of @h's operation on elements @v: its 16-bit result.
 * @fl: HF_* (.ftz on inputs and result, .relu, min/max .NaN and
 * .xorsign.abs). */
static uint16_t half_elem(struct cg *cg, const struct hop *h, unsigned mod,
                          unsigned fl, bool bf, const uint16_t *v)
{
    uint16_t x[3] = { 0 }, in[3] = { 0 }, r, sg = 0;

    for (unsigned k = 0; k < h->nsrc; k++) {
        in[k] = fl & HF_FTZ ? flush(cg, v[k], bf) : v[k];
    }
    if (fl & HF_XORSIGN) {
        sg = xorsign_in(cg, in);
    }
    v = in;
    if (h->op == GV_I_NEG || h->op == GV_I_ABS) {
        return emit_t(cg, h->op == GV_I_NEG ? GV_I_XOR : GV_I_AND, GV_T_U32,
                      0, v[0],
                      gvp_konst(cg, h->op == GV_I_NEG ? 0x8000 : 0x7fff), 0);
    }
    if (h->op == GV_I_FMA) {
        for (unsigned k = 0; k < 3; k++) {
            x[k] = bf ? cvt(cg, GV_T_F64, GV_T_F32, GV_RND_NONE,
                            widen(cg, v[k], true))
                      : cvt(cg, GV_T_F64, GV_T_F16, GV_RND_NONE, v[k]);
        }
        r = narrow64(cg, emit_t(cg, GV_I_FMA, GV_T_F64, mod, x[0], x[1],
                                x[2]), bf);
    } else {
        for (unsigned k = 0; k < h->nsrc; k++) {
            x[k] = widen(cg, v[k], bf);
        }
        r = narrow(cg, emit_t(cg, h->op, GV_T_F32, mod, x[0], x[1], 0), bf);
        if (fl & HF_NAN) {      /* min/max.NaN: a NaN operand wins */
            uint16_t un = emit_t(cg, GV_I_SETP, GV_T_F32, GV_CMP_NAN, x[0],
                                 x[1], 0);

            r = emit_t(cg, GV_I_SELP, GV_T_U32, 0, gvp_konst(cg, 0x7fff), r,
                       un);
        }
    }
    if (fl & HF_RELU) {
        r = relu(cg, r, bf);
    }
    if (fl & HF_XORSIGN) {
        r = xorsign_out(cg, r, sg, bf);
    }
    return fl & HF_FTZ ? flush(cg, r, bf) : r;
}

static bool half_type(int pt, bool *bf, bool *x2)
{
    *bf = pt == PT_BF16 || pt == PT_BF16X2;
    *x2 = pt == PT_F16X2 || pt == PT_BF16X2;
    return pt == PT_F16 || pt == PT_BF16 || *x2;
}

/* add sub mul fma min max neg abs on .f16 .f16x2 .bf16 .bf16x2 */
static void do_half(struct cg *cg, const struct gvp_stmt *s, struct opc *o,
                    const struct hop *h, bool bf, bool x2)
{
    unsigned mod = 0, fl = 0;
    uint16_t src[3], r[2], v[3], d;

    if ((h->op == GV_I_EX2 || h->op == GV_I_TANH) != gvp_take(o, "approx")) {
        FAIL(cg, h->op == GV_I_EX2 || h->op == GV_I_TANH
                     ? "expected .approx" : ".approx is not valid here");
    }
    gvp_take(o, "rn");
    if (gvp_take(o, "sat")) {
        if (!h->sat || bf) {
            FAIL(cg, ".sat is not valid here");
        }
        mod = GV_M_SAT;
    }
    if (gvp_take(o, "ftz")) {
        if (bf && h->op != GV_I_EX2) {
            FAIL(cg, ".ftz needs .f16 or .f16x2");
        }
        fl |= HF_FTZ;
    }
    if (gvp_take(o, "relu")) {
        if (h->op != GV_I_FMA || mod) {
            FAIL(cg, ".relu is valid on fma without .sat only");
        }
        fl |= HF_RELU;
    }
    if (gvp_take(o, "NaN")) {
        if (h->op != GV_I_MIN && h->op != GV_I_MAX) {
            FAIL(cg, ".NaN is valid on min and max only");
        }
        fl |= HF_NAN;
    }
    if (gvp_take(o, "xorsign")) {
        if (!gvp_take(o, "abs") ||
            (h->op != GV_I_MIN && h->op != GV_I_MAX)) {
            FAIL(cg, ".xorsign.abs is valid on min and max only");
        }
        fl |= HF_XORSIGN;
    }
    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, (int)h->nsrc + 1);
    for (unsigned k = 0; k < h->nsrc; k++) {
        src[k] = gvp_src(cg, &s->opd[k + 1], x2 ? PT_B32 : PT_B16);
    }
    for (int e = 0; e < (x2 ? 2 : 1); e++) {
        for (unsigned k = 0; k < h->nsrc; k++) {
            v[k] = elem(cg, src[k], x2, e);
        }
        r[e] = half_elem(cg, h, mod, fl, bf, v);
    }
    d = gvp_dst(cg, &s->opd[0]);
    if (!x2) {
        gvp_emit(cg, GV_I_MOV, GV_T_U16, 0, d, r[0], 0, 0, 0);
        return;
    }
    r[1] = emit_t(cg, GV_I_SHL, GV_T_U32, 0, r[1], gvp_konst(cg, 16), 0);
    gvp_emit(cg, GV_I_OR, GV_T_U32, 0, d, r[0], r[1], 0, 0);
}

uint16_t gvp_half_to_f32(struct cg *cg, const struct gvp_opd *o, int pt)
{
    return widen(cg, gvp_src(cg, o, PT_B16), pt == PT_BF16);
}

uint16_t gvp_half2_to_f32(struct cg *cg, uint16_t v, int pt, int k)
{
    return widen(cg, elem(cg, v, true, k), pt == PT_BF16X2);
}

/* The value of source @o of type @st as an f32 (@w64: f64), exactly. */
static uint16_t cvt_in(struct cg *cg, const struct gvp_opd *o, int st,
                       bool w64)
{
    uint16_t x = gvp_src(cg, o, st == PT_BF16 ? PT_B16 : st);

    if (st == PT_F64) {
        return w64 ? x : cvt(cg, GV_T_F32, GV_T_F64, GV_RND_NONE, x);
    }
    if (st == PT_F16 || st == PT_BF16) {
        x = widen(cg, x, st == PT_BF16);
    }
    return w64 ? cvt(cg, GV_T_F64, GV_T_F32, GV_RND_NONE, x) : x;
}

/* Round @f, an f32 rounded to odd (its last bit set when inexact), to a
 * bf16 in mode @rnd (GV_RND_RN .. _RP). */
static uint16_t bf16_round(struct cg *cg, uint16_t f, unsigned rnd)
{
    uint16_t t, nz, inc;

    if (rnd == GV_RND_RN) {
        return narrow(cg, f, true);
    }
    t = emit_t(cg, GV_I_SHR, GV_T_U32, 0, f, gvp_konst(cg, 16), 0);
    if (rnd == GV_RND_RZ) {
        return t;           /* sign and magnitude: truncation */
    }
    /* .rm/.rp: the magnitude up when inexact and the sign says so */
    nz = emit_t(cg, GV_I_AND, GV_T_U32, 0, f, gvp_konst(cg, 0xffff), 0);
    nz = emit_t(cg, GV_I_SETP, GV_T_U32, GV_CMP_NE, nz, gvp_konst(cg, 0), 0);
    nz = emit_t(cg, GV_I_SELP, GV_T_U32, 0, gvp_konst(cg, 1),
                gvp_konst(cg, 0), nz);
    inc = emit_t(cg, GV_I_SHR, GV_T_U32, 0, f, gvp_konst(cg, 31), 0);
    if (rnd == GV_RND_RP) {
        inc = emit_t(cg, GV_I_XOR, GV_T_U32, 0, inc, gvp_konst(cg, 1), 0);
    }
    inc = emit_t(cg, GV_I_AND, GV_T_U32, 0, inc, nz, 0);
    return emit_t(cg, GV_I_ADD, GV_T_U32, 0, t, inc, 0);
}

static bool int_type(int pt)
{
    return gvp_types[pt].kind == K_U || gvp_types[pt].kind == K_S;
}

/* cvt between .bf16 and an integer type (PTX ISA 9.0, "cvt").  To an
 * integer (.rni .rzi .rmi .rpi required): the exact f32 value converted
 * by the engine's CVT (saturating; NaN gives 0, or 1 << 63 into 64
 * bits).  From an integer (.rn .rz .rm .rp required): the value widened
 * to 64 bits, converted to f32 toward zero, the last bit set if that was
 * inexact (rounding to odd: f32 keeps more than 2 * 8 + 2 bits, so the
 * second rounding is exact), then rounded to bf16. */
static void cvt_bf16_int(struct cg *cg, const struct gvp_stmt *s,
                         struct opc *o, int dt, int st, bool rn)
{
    static const char *const rnds[] = { "rn", "rz", "rm", "rp", "rni",
                                        "rzi", "rmi", "rpi", NULL };
    int k = gvp_take_one(o, rnds);
    unsigned rnd = k >= 0 ? GV_RND_RN + (unsigned)k
                   : rn ? GV_RND_RN : GV_RND_NONE;
    unsigned mod = gvp_take(o, "sat") ? GV_M_SAT : 0, w;
    uint16_t x, f, back, inexact;

    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, 2);
    if (st == PT_BF16) {
        if (rnd < GV_RND_RNI) {
            FAIL(cg, "a conversion from .bf16 to an integer needs .rni, "
                     ".rzi, .rmi or .rpi");
        }
        x = widen(cg, gvp_src(cg, &s->opd[1], PT_B16), true);
        gvp_emit(cg, GV_I_CVT, gvp_gvt(cg, dt), mod, gvp_dst(cg, &s->opd[0]),
                 x, 0, 0, (uint16_t)(GV_T_F32 | rnd << 8));
        return;
    }
    if (rnd < GV_RND_RN || rnd > GV_RND_RP) {
        FAIL(cg, "a conversion from an integer to .bf16 needs .rn, .rz, "
                 ".rm or .rp");
    }
    if (mod) {
        FAIL(cg, ".sat is not supported on a conversion to .bf16");
    }
    w = gvp_types[st].kind == K_S ? GV_T_S64 : GV_T_U64;
    x = cvt(cg, w, gvp_gvt(cg, st), GV_RND_NONE,
            gvp_src(cg, &s->opd[1], st));
    f = cvt(cg, GV_T_F32, w, GV_RND_RZ, x);
    back = cvt(cg, w, GV_T_F32, GV_RND_RZI, f);
    inexact = emit_t(cg, GV_I_SETP, GV_T_U64, GV_CMP_NE, back, x, 0);
    f = emit_t(cg, GV_I_SELP, GV_T_U32, 0,
               emit_t(cg, GV_I_OR, GV_T_U32, 0, f, gvp_konst(cg, 1), 0), f,
               inexact);
    gvp_emit(cg, GV_I_MOV, GV_T_U16, 0, gvp_dst(cg, &s->opd[0]),
             bf16_round(cg, f, rnd), 0, 0, 0);
}

/* cvt with a .bf16 or .x2 type (PTX ISA, "cvt"): between bf16 and
 * f16/f32/f64 (.rn into a half), and cvt.rn.f16x2/.bf16x2.f32 d, a, b
 * (d = {b, a}: a in the upper half). */
void gvp_half_cvt(struct cg *cg, const struct gvp_stmt *s, struct opc *o,
                  int dt, int st)
{
    bool rn = gvp_take(o, "rn"), dx2 = dt == PT_F16X2 || dt == PT_BF16X2;
    bool dbf = dt == PT_BF16 || dt == PT_BF16X2, dhalf = dbf ||
               dt == PT_F16 || dt == PT_F16X2;
    uint16_t r[2], d;

    if ((dt == PT_BF16 && int_type(st)) || (st == PT_BF16 && int_type(dt))) {
        cvt_bf16_int(cg, s, o, dt, st, rn);
        return;
    }
    gvp_opc_done(cg, o);
    gvp_nopd(cg, s, dx2 ? 3 : 2);
    if ((st != PT_F32 && st != PT_F64 && st != PT_F16 && st != PT_BF16) ||
        (!dhalf && dt != PT_F32 && dt != PT_F64) || (dx2 && st != PT_F32)) {
        FAIL(cg, "conversions between .%s and .%s are not supported",
             gvp_types[dt].name, gvp_types[st].name);
    }
    if (dhalf != rn) {
        FAIL(cg, dhalf ? "a conversion to a half type needs .rn"
                       : "a widening conversion has no rounding");
    }
    for (int e = 0; e < (dx2 ? 2 : 1); e++) {
        const struct gvp_opd *a = &s->opd[dx2 ? 2 - e : 1];

        if (!dhalf) {
            r[e] = cvt_in(cg, a, st, dt == PT_F64);
        } else if (st == PT_F64) {
            r[e] = narrow64(cg, cvt_in(cg, a, st, true), dbf);
        } else {
            r[e] = narrow(cg, cvt_in(cg, a, st, false), dbf);
        }
    }
    d = gvp_dst(cg, &s->opd[0]);
    if (!dx2) {
        gvp_emit(cg, GV_I_MOV, dhalf ? GV_T_U16 : gvp_gvt(cg, dt), 0, d, r[0],
                 0, 0, 0);
        return;
    }
    r[1] = emit_t(cg, GV_I_SHL, GV_T_U32, 0, r[1], gvp_konst(cg, 16), 0);
    gvp_emit(cg, GV_I_OR, GV_T_U32, 0, d, r[0], r[1], 0, 0);
}

/* ---- atomics ---- */

static void set_target(struct cg *cg, uint32_t at, uint32_t target)
{
    cg->ins[at].b = (uint16_t)target;
    cg->ins[at].c = (uint16_t)(target >> 16);
}

/* The new value of the 16-bit (@x2: 32-bit) element @cur: add b, or
 * (cas) c where cur equals b. */
static uint16_t atom_new(struct cg *cg, int k, bool bf, bool x2,
                         uint16_t cur, uint16_t b, uint16_t c)
{
    static const struct hop add = { "add", GV_I_ADD, 2, true };
    uint16_t v[2], r[2];

    if (k == GV_ATOM_CAS) {
        uint16_t eq = emit_t(cg, GV_I_SETP, GV_T_U32, GV_CMP_EQ, cur, b, 0);

        return emit_t(cg, GV_I_SELP, GV_T_U32, 0, c, cur, eq);
    }
    for (int e = 0; e < (x2 ? 2 : 1); e++) {
        v[0] = elem(cg, cur, x2, e);
        v[1] = elem(cg, b, x2, e);
        r[e] = half_elem(cg, &add, 0, 0, bf, v);
    }
    if (!x2) {
        return r[0];
    }
    r[1] = emit_t(cg, GV_I_SHL, GV_T_U32, 0, r[1], gvp_konst(cg, 16), 0);
    return emit_t(cg, GV_I_OR, GV_T_U32, 0, r[0], r[1], 0);
}

/* atom/red.add(.noftz) on .f16 .f16x2 .bf16 .bf16x2 and atom.cas.b16
 * (PTX ISA, "atom"): a compare-and-swap loop on the aligned 32-bit word
 * holding the value (its other half kept): read the word, compute the
 * new one, CAS it, again while another thread changed the word first.
 * A guarded statement branches around the loop where its guard is
 * false; inside, nothing is guarded. */
void gvp_half_atom(struct cg *cg, const struct gvp_stmt *s, int k, int pt,
                   int space, bool red)
{
    bool x2 = pt == PT_F16X2 || pt == PT_BF16X2, bf = pt == PT_BF16 ||
              pt == PT_BF16X2;
    uint8_t guard = cg->guard;
    uint16_t gpred = cg->gpred, d = GV_ISA_NONE, b, c = 0, w, sh = 0, old;
    uint16_t cur, nv, prev, p;
    uint32_t skip = 0, loop;
    struct maddr ma;
    int i = 0;

    if (pt == PT_B16 ? k != GV_ATOM_CAS : k != GV_ATOM_ADD) {
        FAIL(cg, "this atomic operation is not supported on .%s",
             gvp_types[pt].name);
    }
    if (!red) {
        d = gvp_dst(cg, &s->opd[i++]);
    }
    gvp_mem_operand(cg, &s->opd[i++], space, &ma);
    if (ma.space == GV_SPACE_PARAM || ma.space == GV_SPACE_LOCAL) {
        FAIL(cg, "atomics on local or parameter memory");
    }
    b = gvp_src(cg, &s->opd[i++], x2 ? PT_B32 : PT_B16);
    if (k == GV_ATOM_CAS) {
        c = gvp_src(cg, &s->opd[i++], PT_B16);
    }
    w = ma.a;
    if (ma.off) {
        w = emit_t(cg, GV_I_ADD, GV_T_U64, 0, w,
                   gvp_konst(cg, (uint64_t)ma.off), 0);
    }
    if (guard) {
        cg->guard = guard ^ GV_G_NEG;
        skip = gvp_emit(cg, GV_I_BRA, GV_T_NONE, 0, 0, 0, 0, 0, 0);
        cg->guard = 0;
    }
    if (!x2) {
        sh = emit_t(cg, GV_I_AND, GV_T_U32, 0, w, gvp_konst(cg, 2), 0);
        sh = emit_t(cg, GV_I_SHL, GV_T_U32, 0, sh, gvp_konst(cg, 3), 0);
        w = emit_t(cg, GV_I_AND, GV_T_U64, 0, w, gvp_konst(cg, ~3ull), 0);
    }
    old = tmp(cg);
    gvp_emit(cg, GV_I_LD, GV_T_U32, (unsigned)ma.space, old, w, 0, 0, 0);
    loop = (uint32_t)cg->nins;
    cur = old;
    if (!x2) {
        cur = emit_t(cg, GV_I_SHR, GV_T_U32, 0, old, sh, 0);
        cur = emit_t(cg, GV_I_AND, GV_T_U32, 0, cur, gvp_konst(cg, 0xffff),
                     0);
    }
    nv = atom_new(cg, k, bf, x2, cur, b, c);
    if (!x2) {
        uint16_t m = emit_t(cg, GV_I_SHL, GV_T_U32, 0, gvp_konst(cg, 0xffff),
                            sh, 0);

        m = emit_t(cg, GV_I_NOT, GV_T_U32, 0, m, 0, 0);
        m = emit_t(cg, GV_I_AND, GV_T_U32, 0, old, m, 0);
        nv = emit_t(cg, GV_I_SHL, GV_T_U32, 0, nv, sh, 0);
        nv = emit_t(cg, GV_I_OR, GV_T_U32, 0, m, nv, 0);
    }
    prev = tmp(cg);
    gvp_emit(cg, GV_I_ATOM, GV_T_U32,
             (unsigned)ma.space | (unsigned)GV_ATOM_CAS << 4, prev, w, old, nv,
             0);
    p = emit_t(cg, GV_I_SETP, GV_T_U32, GV_CMP_NE, prev, old, 0);
    gvp_emit(cg, GV_I_MOV, GV_T_U32, 0, old, prev, 0, 0, 0);
    cg->guard = GV_G_ON;
    cg->gpred = p;
    set_target(cg, gvp_emit(cg, GV_I_BRA, GV_T_NONE, 0, 0, 0, 0, 0, 0), loop);
    cg->guard = 0;
    if (d != GV_ISA_NONE) {
        gvp_emit(cg, GV_I_MOV, x2 ? GV_T_U32 : GV_T_U16, 0, d, cur, 0, 0, 0);
    }
    if (guard) {
        set_target(cg, skip, (uint32_t)cg->nins);
    }
    cg->guard = guard;
    cg->gpred = gpred;
}

bool gvp_half_insn(struct cg *cg, const struct gvp_stmt *s, struct opc *o)
{
    bool bf, x2;

    if (o->ntypes != 1 || !half_type(o->types[0], &bf, &x2)) {
        return false;
    }
    for (size_t i = 0; i < sizeof(hops) / sizeof(hops[0]); i++) {
        if (!strcmp(o->base, hops[i].name)) {
            do_half(cg, s, o, &hops[i], bf, x2);
            return true;
        }
    }
    return false;
}

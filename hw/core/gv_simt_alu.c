/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the SIMT interpreter's per-lane ALU.  One
 * exact evaluator for every (op, type, modifier) form the ISA rules
 * allow (gv_isa_rules.c); the interpreter's loop (gv_simt.c) has its own
 * full-warp handlers for the common pairs and calls gv_simt_alu for
 * everything else, lane by lane.  Half-precision conversions, PTX's
 * float-to-integer cvt rules, the directed roundings and the integer
 * forms (bfe/bfi/prmt/fns/...) live here.
 */
/* Never contract a * b + c into an FMA: every build must round alike
 * (gv_simt.c says why). */
#pragma GCC optimize("O3", "fp-contract=off")

#include "gv_simt.h"

#include <fenv.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
static float h2f(uint16_t h)
{
    unsigned e = (h >> 10) & 0x1f, m = h & 0x3ff;
    float r;

    if (e == 0) {
        r = ldexpf((float)m, -24);
    } else if (e == 31) {
        r = m ? NAN : INFINITY;
    } else {
        r = ldexpf((float)(m | 0x400), (int)e - 25);
    }
    return (h & 0x8000) ? -r : r;
}

/* float -> half, round to nearest even */
static uint16_t f2h(float f)
{
    uint32_t x = (uint32_t)bf(f), ax = x & 0x7fffffff;
    uint16_t sign = (x >> 16) & 0x8000;

    if (ax >= 0x7f800000) {
        return sign | 0x7c00 | (ax > 0x7f800000 ? 0x200 : 0);
    }
    if (ax >= 0x477ff000) {             /* >= 65520 rounds to infinity */
        return sign | 0x7c00;
    }
    if (ax < 0x38800000) {              /* below 2^-14: subnormal half */
        return sign | (uint16_t)nearbyintf(fabsf(f) * 16777216.0f);
    }
    uint32_t h = ((((ax >> 23) - 127 + 15) << 10) | ((ax & 0x7fffff) >> 13));
    uint32_t rem = ax & 0x1fff;

    if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) {
        h++;
    }
    return sign | (uint16_t)h;
}

/* double -> half, round to nearest even, in one rounding: to f32 rounded
 * to odd (toward zero, the last bit set if inexact), whose 24 bits keep
 * f2h's rounding correct.  Regression: (float)x first rounded twice. */
static uint16_t d2h(double x)
{
    float f = (float)x;

    if (isfinite(f) && (double)f != x) {
        if (fabs((double)f) > fabs(x)) {
            f = nextafterf(f, 0.0f);
        }
        f = f32(bf(f) | 1);
    }
    return f2h(f);
}

static inline float ftz(float x)
{
    return fpclassify(x) == FP_SUBNORMAL ? copysignf(0.0f, x) : x;
}

static inline double sat01(double x)
{
    return isnan(x) ? 0.0 : x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

/* ---- the per-lane ALU ---- */

static atomic_uint_fast64_t unsupported;

__attribute__((cold, noinline)) uint64_t gv_simt_unsupported(void)
{
    atomic_fetch_add_explicit(&unsupported, 1, memory_order_relaxed);
    return 0;
}

uint64_t gv_simt_unsupported_count(void)
{
    return atomic_load_explicit(&unsupported, memory_order_relaxed);
}

static bool fcmp(unsigned cmp, double x, double y)
{
    bool un = isnan(x) || isnan(y);

    switch (cmp) {
    case GV_CMP_EQ: return !un && x == y;
    case GV_CMP_NE: return !un && x != y;
    case GV_CMP_LT: return !un && x < y;
    case GV_CMP_LE: return !un && x <= y;
    case GV_CMP_GT: return !un && x > y;
    case GV_CMP_GE: return !un && x >= y;
    case GV_CMP_EQU: return un || x == y;
    case GV_CMP_NEU: return un || x != y;
    case GV_CMP_LTU: return un || x < y;
    case GV_CMP_LEU: return un || x <= y;
    case GV_CMP_GTU: return un || x > y;
    case GV_CMP_GEU: return un || x >= y;
    case GV_CMP_NUM: return !un;
    case GV_CMP_NAN: return un;
    default: return gv_simt_unsupported();
    }
}

static bool icmp(unsigned cmp, bool s, uint64_t a, uint64_t b, unsigned n)
{
    if (s) {
        int64_t x = sx(a, n), y = sx(b, n);

        switch (cmp) {
        case GV_CMP_EQ: return x == y;
        case GV_CMP_NE: return x != y;
        case GV_CMP_LT: return x < y;
        case GV_CMP_LE: return x <= y;
        case GV_CMP_GT: return x > y;
        default: return x >= y;
        }
    }
    a = zx(a, n);
    b = zx(b, n);
    switch (cmp) {
    case GV_CMP_EQ: return a == b;
    case GV_CMP_NE: return a != b;
    case GV_CMP_LT: return a < b;
    case GV_CMP_LE: return a <= b;
    case GV_CMP_GT: return a > b;
    default: return a >= b;
    }
}

static double fget(unsigned t, uint64_t v)
{
    return t == GV_T_F32 ? f32(v) : t == GV_T_F16 ? h2f((uint16_t)v) : f64(v);
}

static const int rnd_mode[] = {
    [GV_RND_RN] = FE_TONEAREST, [GV_RND_RZ] = FE_TOWARDZERO,
    [GV_RND_RM] = FE_DOWNWARD, [GV_RND_RP] = FE_UPWARD,
};

/* An ADD SUB MUL MAD FMA DIV RCP SQRT rounded toward zero, -inf or +inf
 * (mod & GV_M_RND): the host's operation in that rounding mode.  The
 * operands and result go through volatile objects so that the
 * arithmetic stays between the two fesetround() calls. */
static float frnd32(unsigned op, unsigned rnd, float x, float y, float z)
{
    volatile float a = x, b = y, c = z, r;
    float out;
    int old = fegetround();

    fesetround(rnd_mode[rnd]);
    switch (op) {
    case GV_I_ADD: r = a + b; break;
    case GV_I_SUB: r = a - b; break;
    case GV_I_MUL: r = a * b; break;
    case GV_I_DIV: r = a / b; break;
    case GV_I_RCP: r = 1.0f / a; break;
    case GV_I_SQRT: r = sqrtf(a); break;
    default: r = fmaf(a, b, c); break;
    }
    out = r;
    fesetround(old);
    return out;
}

static double frnd64(unsigned op, unsigned rnd, double x, double y, double z)
{
    volatile double a = x, b = y, c = z, r;
    double out;
    int old = fegetround();

    fesetround(rnd_mode[rnd]);
    switch (op) {
    case GV_I_ADD: r = a + b; break;
    case GV_I_SUB: r = a - b; break;
    case GV_I_MUL: r = a * b; break;
    case GV_I_DIV: r = a / b; break;
    case GV_I_RCP: r = 1.0 / a; break;
    case GV_I_SQRT: r = sqrt(a); break;
    default: r = fma(a, b, c); break;
    }
    out = r;
    fesetround(old);
    return out;
}

/* Is @i an operation with a directed rounding (mod & GV_M_RND)?  Only
 * the ops above; other values of the field round to nearest. */
static inline bool directed(const struct gv_dinsn *i)
{
    unsigned rnd = i->mod & GV_M_RND;

    return rnd >= GV_RND_RZ && rnd <= GV_RND_RP &&
           (i->op == GV_I_ADD || i->op == GV_I_SUB || i->op == GV_I_MUL ||
            i->op == GV_I_MAD || i->op == GV_I_FMA || i->op == GV_I_DIV ||
            i->op == GV_I_RCP || i->op == GV_I_SQRT);
}

/* The operation @op of the f32 ALU, rounding to nearest. */
static float fcalc32(unsigned op, float x, float y, float z)
{
    switch (op) {
    case GV_I_ADD: return x + y;
    case GV_I_SUB: return x - y;
    case GV_I_MUL: return x * y;
    case GV_I_MAD:
    case GV_I_FMA: return fmaf(x, y, z);
    case GV_I_DIV: return x / y;
    case GV_I_ABS: return fabsf(x);
    case GV_I_NEG: return -x;
    case GV_I_MIN: return fminf(x, y);
    case GV_I_MAX: return fmaxf(x, y);
    case GV_I_RCP: return 1.0f / x;
    case GV_I_SQRT: return sqrtf(x);
    case GV_I_RSQRT: return 1.0f / sqrtf(x);
    case GV_I_SIN: return sinf(x);
    case GV_I_COS: return cosf(x);
    case GV_I_EX2: return exp2f(x);
    case GV_I_LG2: return log2f(x);
    case GV_I_TANH: return tanhf(x);
    case GV_I_COPYSIGN: return copysignf(y, x);
    default: return (float)gv_simt_unsupported();
    }
}

static uint64_t fop32(const struct gv_dinsn *i, float x, float y, float z)
{
    float r;

    if (i->mod & GV_M_FTZ) {
        x = ftz(x);
        y = ftz(y);
        z = ftz(z);
    }
    if (directed(i)) {
        r = frnd32(i->op, i->mod & GV_M_RND, x, y, z);
    } else {
        r = fcalc32(i->op, x, y, z);
    }
    if (i->mod & GV_M_FTZ) {
        r = ftz(r);
    }
    if (i->mod & GV_M_SAT) {
        r = (float)sat01(r);
    }
    return bf(r);
}

/* The operation @op of the f64 ALU, rounding to nearest. */
static double fcalc64(unsigned op, double x, double y, double z)
{
    switch (op) {
    case GV_I_ADD: return x + y;
    case GV_I_SUB: return x - y;
    case GV_I_MUL: return x * y;
    case GV_I_MAD:
    case GV_I_FMA: return fma(x, y, z);
    case GV_I_DIV: return x / y;
    case GV_I_ABS: return fabs(x);
    case GV_I_NEG: return -x;
    case GV_I_MIN: return fmin(x, y);
    case GV_I_MAX: return fmax(x, y);
    case GV_I_RCP: return 1.0 / x;
    case GV_I_SQRT: return sqrt(x);
    case GV_I_RSQRT: return 1.0 / sqrt(x);
    case GV_I_SIN: return sin(x);
    case GV_I_COS: return cos(x);
    case GV_I_EX2: return exp2(x);
    case GV_I_LG2: return log2(x);
    case GV_I_TANH: return tanh(x);
    case GV_I_COPYSIGN: return copysign(y, x);
    default: return (double)gv_simt_unsupported();
    }
}

static uint64_t fop64(const struct gv_dinsn *i, double x, double y, double z)
{
    double r;

    if (directed(i)) {
        r = frnd64(i->op, i->mod & GV_M_RND, x, y, z);
    } else {
        r = fcalc64(i->op, x, y, z);
    }
    if (i->mod & GV_M_SAT) {
        r = sat01(r);
    }
    return bd(r);
}

/* The class of @x is taken in its own type: an f32 subnormal is normal
 * once widened to double (regression: testp.subnormal.f32 was false). */
static bool testp(unsigned kind, unsigned t, uint64_t a)
{
    if (t != GV_T_F32 && t != GV_T_F64) {
        return gv_simt_unsupported();
    }
    int c = t == GV_T_F32 ? fpclassify(f32(a)) : fpclassify(f64(a));

    switch (kind) {
    case GV_TESTP_FINITE: return c != FP_INFINITE && c != FP_NAN;
    case GV_TESTP_INFINITE: return c == FP_INFINITE;
    case GV_TESTP_NUMBER: return c != FP_NAN;
    case GV_TESTP_NOTANUMBER: return c == FP_NAN;
    case GV_TESTP_NORMAL: return c == FP_NORMAL;
    case GV_TESTP_SUBNORMAL: return c == FP_SUBNORMAL;
    default: return gv_simt_unsupported();
    }
}

/* PTX fns: the |c|-th set bit of @mask from bit @base up (c > 0) or down
 * (c < 0); c = 0 tests bit @base alone. */
static uint32_t fns(uint32_t mask, uint32_t base, int32_t c)
{
    int step = c < 0 ? -1 : 1;
    uint32_t left = c < 0 ? -(uint32_t)c : (uint32_t)c;

    if (base > 31) {
        return 0xffffffffu;
    }
    if (c == 0) {
        return (mask >> base) & 1 ? base : 0xffffffffu;
    }
    for (int pos = (int)base; pos >= 0 && pos < 32; pos += step) {
        if ((mask >> pos) & 1 && --left == 0) {
            return (uint32_t)pos;
        }
    }
    return 0xffffffffu;
}

/* Integer -> float in rounding mode @rnd. */
static uint64_t cvt_i2f(unsigned dt, unsigned st, unsigned rnd, uint64_t a)
{
    int old = 0;
    uint64_t r;
    bool mode = rnd == GV_RND_RZ || rnd == GV_RND_RM || rnd == GV_RND_RP;

    if (mode) {
        old = fegetround();
        fesetround(rnd_mode[rnd]);
    }
    if (dt == GV_T_F64) {
        r = bd(tsig(st) ? (double)sx(a, tbits(st)) : (double)zx(a, tbits(st)));
    } else {
        float f = tsig(st) ? (float)sx(a, tbits(st)) : (float)zx(a, tbits(st));

        r = dt == GV_T_F16 ? f2h(f) : bf(f);
    }
    if (mode) {
        fesetround(old);
    }
    return r;
}

static double round_int(unsigned rnd, double x)
{
    switch (rnd) {
    case GV_RND_RNI: return nearbyint(x);
    case GV_RND_RMI: return floor(x);
    case GV_RND_RPI: return ceil(x);
    default: return trunc(x);
    }
}

static uint64_t cvt(const struct gv_dinsn *i, uint64_t a)
{
    unsigned dt = i->type, st = i->stype, dn = tbits(dt), sn = tbits(st);
    bool sat = i->mod & GV_M_SAT;

    if (dt == GV_T_NONE || dt == GV_T_PRED || st == GV_T_NONE ||
        st == GV_T_PRED || i->rnd > GV_RND_RPI) {
        return gv_simt_unsupported();
    }

    if (!tflt(dt) && !tflt(st)) {
        if (sat) {
            bool ds = tsig(dt);
            int64_t lo = ds ? -(int64_t)(lmask(dn - 1)) - 1 : 0;
            uint64_t hi = ds ? lmask(dn - 1) : lmask(dn);

            if (tsig(st)) {
                int64_t v = sx(a, sn);

                if (v < lo) {
                    return zx((uint64_t)lo, dn);
                }
                if (v > 0 && (uint64_t)v > hi) {
                    return hi;
                }
                return zx((uint64_t)v, dn);
            }
            return zx(a, sn) > hi ? hi : zx(a, sn);
        }
        return zx(tsig(st) ? (uint64_t)sx(a, sn) : zx(a, sn), dn);
    }
    if (!tflt(st)) {
        return cvt_i2f(dt, st, i->rnd, a);
    }
    double x = fget(st, a);

    if ((i->mod & GV_M_FTZ) && st == GV_T_F32) {
        x = ftz((float)x);
    }
    if (!tflt(dt)) {
        bool ds = tsig(dt);

        x = round_int(i->rnd, x);
        if (isnan(x)) {
            /* PTX ISA 9.0, cvt: NaN converts to 0, except from .f64 or
             * into a 64-bit type: 1 << (width - 1) */
            return st == GV_T_F64 || dn == 64 ? 1ull << (dn - 1) : 0;
        }
        if (ds) {
            double lo = -ldexp(1.0, dn - 1), hi = ldexp(1.0, dn - 1);

            if (x < lo) {
                return zx((uint64_t)(-(int64_t)lmask(dn - 1) - 1), dn);
            }
            if (x >= hi) {
                return lmask(dn - 1);
            }
            return zx((uint64_t)(int64_t)x, dn);
        }
        if (x <= 0) {
            return 0;
        }
        if (x >= ldexp(1.0, dn)) {
            return lmask(dn);
        }
        return (uint64_t)x;
    }
    /* float -> float */
    if (i->rnd >= GV_RND_RNI) {
        x = round_int(i->rnd, x);
    }
    if (sat) {
        x = sat01(x);
    }
    if (dt == GV_T_F64) {
        return bd(x);
    }
    if (dt == GV_T_F16) {
        return st == GV_T_F64 ? d2h(x) : f2h((float)x);
    }
    float f;

    if (st == GV_T_F64 && i->rnd >= GV_RND_RZ && i->rnd <= GV_RND_RP) {
        int old = fegetround();

        fesetround(rnd_mode[i->rnd]);
        f = (float)*(volatile double *)&x;
        fesetround(old);
    } else {
        f = (float)x;
    }
    if (i->mod & GV_M_FTZ) {
        f = ftz(f);
    }
    return bf(f);
}

static uint64_t brev(uint64_t v, unsigned n)
{
    uint64_t r = 0;

    for (unsigned k = 0; k < n; k++) {
        r |= ((v >> k) & 1) << (n - 1 - k);
    }
    return r;
}

static uint32_t prmt(unsigned mode, uint32_t a, uint32_t b, uint32_t c)
{
    uint64_t t = (uint64_t)b << 32 | a;
    unsigned n = c & 3;
    uint32_t r = 0;

    for (unsigned k = 0; k < 4; k++) {
        unsigned sel;
        uint32_t byte;

        switch (mode) {
        case GV_PRMT_F4E: sel = (n + k) & 7; break;
        case GV_PRMT_B4E: sel = (n - k) & 7; break;
        case GV_PRMT_RC8: sel = n; break;
        case GV_PRMT_ECL: sel = k > n ? k : n; break;
        case GV_PRMT_ECR: sel = k < n ? k : n; break;
        case GV_PRMT_RC16: sel = 2 * (n & 1) + (k & 1); break;
        default: sel = (c >> (4 * k)) & 0xf; break;
        }
        byte = (t >> (8 * (sel & 7))) & 0xff;
        if (mode == GV_PRMT_DEFAULT && (sel & 8)) {
            byte = (byte & 0x80) ? 0xff : 0;
        }
        r |= byte << (8 * k);
    }
    return r;
}

static bool setp(const struct gv_dinsn *i, uint64_t a, uint64_t b)
{
    unsigned t = i->type;

    if (t == GV_T_F32 && (i->mod & GV_M_FTZ)) {
        /* .ftz: subnormal operands compare as zero */
        return fcmp(i->mod & 0x1f, ftz(f32(a)), ftz(f32(b)));
    }
    if (tflt(t)) {
        return fcmp(i->mod & 0x1f, fget(t, a), fget(t, b));
    }
    if ((i->mod & 0x1f) > GV_CMP_GE) {
        return gv_simt_unsupported();   /* unordered: floats only */
    }
    return icmp(i->mod & 0x1f, tsig(t), a, b, tbits(t));
}

/* Does the integer ALU below run @op on @t, a type that is not an
 * integer (pred, f16, or f32/f64 of an op that does not compute in
 * floating point)? */
static bool alu_other_type(unsigned op, unsigned t)
{
    switch (op) {
    case GV_I_MOV: case GV_I_SELP:
        return t != GV_T_NONE;                  /* the bits as they are */
    case GV_I_SETP:
        return tflt(t) || t == GV_T_PRED;
    case GV_I_AND: case GV_I_OR: case GV_I_XOR: case GV_I_NOT:
    case GV_I_CNOT:
        return t == GV_T_PRED;
    case GV_I_CVT: case GV_I_TESTP:
        return true;                            /* checked by cvt(), testp() */
    default:
        return false;
    }
}

/* The ALU but for f32/f64 arithmetic (gv_simt_alu takes that): integer,
 * bitwise and predicate operations, compare, select, convert. */
static inline uint64_t alu_int(const struct gv_dinsn *i, uint64_t a,
                               uint64_t b, uint64_t c, uint64_t e)
{
    unsigned t = i->type, n = tbits(t);
    bool s = tsig(t);

    switch (i->op) {
    case GV_I_MOV:
        return zx(a, n);
    case GV_I_ADD:
    case GV_I_SUB:
        if ((i->mod & GV_M_SAT) && t == GV_T_S32) {
            int64_t r = i->op == GV_I_ADD ? sx(a, 32) + sx(b, 32)
                                          : sx(a, 32) - sx(b, 32);

            r = r > INT32_MAX ? INT32_MAX : r < INT32_MIN ? INT32_MIN : r;
            return zx((uint64_t)r, 32);
        }
        return zx(i->op == GV_I_ADD ? a + b : a - b, n);
    case GV_I_MUL:
        return zx(a * b, n);
    case GV_I_MULHI:
    case GV_I_MADHI: {
        uint64_t hi;

        if (n == 64) {
            hi = s ? (uint64_t)(((__int128)(int64_t)a * (int64_t)b) >> 64)
                   : (uint64_t)(((unsigned __int128)a * b) >> 64);
        } else {
            hi = s ? (uint64_t)((sx(a, n) * sx(b, n)) >> n)
                   : (zx(a, n) * zx(b, n)) >> n;
        }
        return zx(i->op == GV_I_MADHI ? hi + c : hi, n);
    }
    case GV_I_MULWIDE:
    case GV_I_MADWIDE: {
        uint64_t w = s ? (uint64_t)(sx(a, n) * sx(b, n)) : zx(a, n) * zx(b, n);

        return zx(i->op == GV_I_MADWIDE ? w + c : w, 2 * n);
    }
    case GV_I_MAD:
        return zx(a * b + c, n);
    case GV_I_DIV:
    case GV_I_REM:
        if (s) {
            int64_t x = sx(a, n), y = sx(b, n);

            if (y == 0) {
                return i->op == GV_I_DIV ? zx(~0ull, n) : zx(a, n);
            }
            if (y == -1) {      /* avoids INT_MIN / -1 */
                return i->op == GV_I_DIV ? zx(-(uint64_t)x, n) : 0;
            }
            return zx((uint64_t)(i->op == GV_I_DIV ? x / y : x % y), n);
        }
        if (zx(b, n) == 0) {
            return i->op == GV_I_DIV ? zx(~0ull, n) : zx(a, n);
        }
        return i->op == GV_I_DIV ? zx(a, n) / zx(b, n) : zx(a, n) % zx(b, n);
    case GV_I_ABS:
        return zx(sx(a, n) < 0 ? -(uint64_t)sx(a, n) : a, n);
    case GV_I_NEG:
        return zx(-a, n);
    case GV_I_MIN:
    case GV_I_MAX: {
        bool lt = icmp(GV_CMP_LT, s, a, b, n);

        return zx((i->op == GV_I_MIN) == lt ? a : b, n);
    }
    case GV_I_AND:
        return zx(a & b, n);
    case GV_I_OR:
        return zx(a | b, n);
    case GV_I_XOR:
        return zx(a ^ b, n);
    case GV_I_NOT:
        return zx(~a, n);
    case GV_I_CNOT:
        return zx(a, n) == 0;
    case GV_I_SHL:
        return (uint32_t)b >= n ? 0 : zx(a << (uint32_t)b, n);
    case GV_I_SHR:
        if (s) {
            unsigned sh = (uint32_t)b >= n ? n - 1 : (uint32_t)b;

            return zx((uint64_t)(sx(a, n) >> sh), n);
        }
        return (uint32_t)b >= n ? 0 : zx(a, n) >> (uint32_t)b;
    case GV_I_POPC:
        return (uint64_t)__builtin_popcountll(zx(a, n));
    case GV_I_CLZ:
        return zx(a, n) ? (uint64_t)(__builtin_clzll(zx(a, n)) - (64 - n)) : n;
    case GV_I_BREV:
        return brev(zx(a, n), n);
    case GV_I_BFE:
        return zx(gv_bfe(zx(a, n), b & 0xff, c & 0xff, n, s), n);
    case GV_I_BFI: {
        unsigned pos = c & 0xff, len = e & 0xff;
        unsigned k = pos >= n ? 0 : (len < n - pos ? len : n - pos);
        uint64_t m = lmask(k);

        if (k == 0) {
            return zx(b, n);            /* nothing inserted (no shift >= 64) */
        }
        return zx((b & ~(m << pos)) | ((a << pos) & (m << pos)), n);
    }
    case GV_I_PRMT:
        if (i->mod > GV_PRMT_RC16) {
            return gv_simt_unsupported();
        }
        return prmt(i->mod, (uint32_t)a, (uint32_t)b, (uint32_t)c);
    case GV_I_SHF: {
        uint64_t v = (uint64_t)(uint32_t)b << 32 | (uint32_t)a;
        uint32_t sh = (uint32_t)c;

        sh = (i->mod & GV_SHF_WRAP) ? sh & 31 : (sh > 32 ? 32 : sh);
        return (i->mod & GV_SHF_R) ? (uint32_t)(v >> sh)
                                   : (uint32_t)((v << sh) >> 32);
    }
    case GV_I_TESTP:
        return testp(i->mod, t, a);
    case GV_I_FNS:
        return fns((uint32_t)a, (uint32_t)b, (int32_t)c);
    case GV_I_SETP:
        return setp(i, a, b);
    case GV_I_SELP:
        return zx((c & 1) ? a : b, n);
    case GV_I_CVT:
        return cvt(i, a);
    default:
        return gv_simt_unsupported();
    }
}

uint64_t gv_simt_alu(const struct gv_dinsn *i, uint64_t a, uint64_t b,
                     uint64_t c, uint64_t e)
{
    unsigned t = i->type;

    if (t == GV_T_F32 && i->op != GV_I_SETP && i->op != GV_I_SELP &&
        i->op != GV_I_MOV && i->op != GV_I_CVT && i->op != GV_I_TESTP) {
        return fop32(i, f32(a), f32(b), f32(c));
    }
    if (t == GV_T_F64 && i->op != GV_I_SETP && i->op != GV_I_SELP &&
        i->op != GV_I_MOV && i->op != GV_I_CVT && i->op != GV_I_TESTP) {
        return fop64(i, f64(a), f64(b), f64(c));
    }
    if ((t < GV_T_U8 || t > GV_T_S64) && !alu_other_type(i->op, t)) {
        return gv_simt_unsupported();
    }
    return alu_int(i, a, b, c, e);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Graviton GPU device core: the SIMT interpreter.  Runs one thread block
 * of a launch on one SM (worker thread): warps of 32 lanes with a
 * slot-major register file (each instruction loops over its lanes, and
 * the common full-warp case is a plain loop the compiler vectorises).
 *
 * Divergence: each warp runs the group of lanes with the lowest program
 * counter; the others are parked with their own pc and rejoin when the
 * running group reaches it.  With the structured layout compilers emit
 * (the PTX order is kept by the translator) this reconverges at the
 * immediate post-dominator; it is correct for any control flow.
 * Barriers (16 per block): every live thread of the block must arrive,
 * or the barrier's thread count; exited threads do not count; an
 * arrive-only BAR counts without waiting.
 *
 * Memory (gv_simt_mem.c): every access goes through one checked
 * accessor per space (gv_bounds.h: no offset wraps around 2^64); every
 * global access is translated through the channel's page tables
 * (gv_translate_mt: ownership re-checked, hidden memory never reachable)
 * into a per-SM TLB that lives for one launch (the command processor
 * does not change page tables while a launch runs).  All lanes of an
 * access are checked before any is performed: a faulting instruction
 * changes nothing and stops the launch.  Misaligned accesses fault, as on
 * real GPUs.
 */
/* The lane loops are the engine's hot path: let the compiler vectorise
 * them whatever the build type.  Never contract a * b + c into an FMA:
 * the versions for hosts with FMA (GV_SIMD_CLONES) would round
 * differently from the others. */
#pragma GCC optimize("O3", "fp-contract=off")

#include "gv_simt_mem.h"
#include "gv_simt_warp.h"

#include <fenv.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

uint64_t gv_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

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
    case GV_I_BFI: {
        unsigned pos = (i->op == GV_I_BFE ? b : c) & 0xff;
        unsigned len = (i->op == GV_I_BFE ? c : e) & 0xff;
        unsigned k = pos >= n ? 0 : (len < n - pos ? len : n - pos);
        uint64_t m = lmask(k);

        if (i->op == GV_I_BFI) {
            if (k == 0) {
                return zx(b, n);        /* nothing inserted (no shift >= 64) */
            }
            return zx((b & ~(m << pos)) | ((a << pos) & (m << pos)), n);
        }
        uint64_t f = k ? (zx(a, n) >> pos) & m : 0;
        if (s && len) {
            unsigned sb = pos + len - 1 < n - 1 ? pos + len - 1 : n - 1;

            if ((a >> sb) & 1) {
                f |= ~m;
            }
        }
        return zx(f, n);
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

/* ---- warps ---- */

/* No popcnt instruction in the baseline x86-64 ISA: SWAR. */
static inline unsigned popc32(uint32_t v)
{
    v = v - ((v >> 1) & 0x55555555u);
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    return (((v + (v >> 4)) & 0x0f0f0f0fu) * 0x01010101u) >> 24;
}

static inline uint32_t predmask(const uint64_t *P)
{
    uint32_t m = 0;

    for (unsigned l = 0; l < GV_WARP; l++) {
        m |= (uint32_t)(P[l] & 1) << l;
    }
    return m;
}

static void recompute_min(struct gv_warp *w)
{
    uint32_t min = UINT32_MAX;

    for (uint32_t m = w->waiting; m; m &= m - 1) {
        unsigned l = __builtin_ctz(m);

        if (w->lane_pc[l] < min) {
            min = w->lane_pc[l];
        }
    }
    w->min_wait = min;
}

/* Make the lowest-pc group the running one. */
static void resched(struct gv_warp *w)
{
    uint32_t m;

    if (w->active && w->pc < w->min_wait) {
        return;
    }
    for (m = w->active; m; m &= m - 1) {
        w->lane_pc[__builtin_ctz(m)] = w->pc;
    }
    w->waiting |= w->active;
    w->active = 0;
    if (!w->waiting) {
        w->min_wait = UINT32_MAX;
        return;
    }
    recompute_min(w);
    w->pc = w->min_wait;
    for (m = w->waiting; m; m &= m - 1) {
        unsigned l = __builtin_ctz(m);

        if (w->lane_pc[l] == w->pc) {
            w->active |= 1u << l;
        }
    }
    w->waiting &= ~w->active;
    recompute_min(w);
}

static void merge(struct gv_warp *w)
{
    for (uint32_t m = w->waiting; m; m &= m - 1) {
        unsigned l = __builtin_ctz(m);

        if (w->lane_pc[l] == w->pc) {
            w->active |= 1u << l;
        }
    }
    w->waiting &= ~w->active;
    recompute_min(w);
}

static uint64_t sreg(struct gv_launch *L, struct gv_sm *sm, struct gv_warp *w,
                     unsigned id, unsigned l)
{
    uint32_t t = w->id * GV_WARP + l, bx = L->block[0], by = L->block[1];

    switch (id) {
    case GV_SR_TID_X: return t % bx;
    case GV_SR_TID_Y: return (t / bx) % by;
    case GV_SR_TID_Z: return t / (bx * by);
    case GV_SR_NTID_X: case GV_SR_NTID_Y: case GV_SR_NTID_Z:
        return L->block[id - GV_SR_NTID_X];
    case GV_SR_CTAID_X: case GV_SR_CTAID_Y: case GV_SR_CTAID_Z:
        return sm->ctaid[id - GV_SR_CTAID_X];
    case GV_SR_NCTAID_X: case GV_SR_NCTAID_Y: case GV_SR_NCTAID_Z:
        return L->grid[id - GV_SR_NCTAID_X];
    case GV_SR_LANEID: return l;
    case GV_SR_WARPID: return w->id;
    case GV_SR_NWARPID: return L->nwarps;
    case GV_SR_SMID: return sm->id;
    case GV_SR_NSMID: return L->dev->compute_sms;
    case GV_SR_GRIDID: return 1;
    case GV_SR_LANEMASK_EQ: return 1u << l;
    case GV_SR_LANEMASK_LT: return (1u << l) - 1;
    case GV_SR_LANEMASK_LE: return (uint32_t)((2ull << l) - 1);
    case GV_SR_LANEMASK_GT: return (uint32_t)~((2ull << l) - 1);
    case GV_SR_LANEMASK_GE: return ~((1u << l) - 1);
    case GV_SR_CLOCK: return (uint32_t)w->issued;
    case GV_SR_CLOCK64: return w->issued;
    case GV_SR_GLOBALTIMER: return gv_now_ns();
    default: return gv_simt_unsupported();
    }
}

/* s2r: the special registers.  tid.x in the common layouts and the
 * uniform ones are computed once for the warp. */
static inline void s2r(struct gv_launch *L, struct gv_sm *sm,
                       struct gv_warp *w, unsigned id, uint64_t *D,
                       uint32_t m)
{
    switch (id) {
    case GV_SR_TID_X:
        if (L->block[0] % GV_WARP == 0 || L->block[1] * L->block[2] == 1) {
            /* a warp never wraps a row: tid.x = warp base + lane */
            uint32_t t0 = (w->id * GV_WARP) % L->block[0];

            LANES(m, D[l] = t0 + l);
            break;
        }
        LANES(m, D[l] = sreg(L, sm, w, id, l));
        break;
    case GV_SR_LANEID:
        LANES(m, D[l] = l);
        break;
    case GV_SR_NTID_X: case GV_SR_NTID_Y: case GV_SR_NTID_Z:
    case GV_SR_CTAID_X: case GV_SR_CTAID_Y: case GV_SR_CTAID_Z:
    case GV_SR_NCTAID_X: case GV_SR_NCTAID_Y: case GV_SR_NCTAID_Z:
    case GV_SR_WARPID: case GV_SR_NWARPID: case GV_SR_SMID:
    case GV_SR_NSMID: case GV_SR_GRIDID: {
        uint64_t v = sreg(L, sm, w, id, 0);  /* uniform */

        LANES(m, D[l] = v);
        break;
    }
    default:
        LANES(m, D[l] = sreg(L, sm, w, id, l));
        break;
    }
}

/* ---- control: branches and barriers ---- */

/* bra: the lanes of @m jump; the rest of the running group waits at the
 * next instruction. */
static inline void branch(struct gv_warp *w, const struct gv_dinsn *i,
                          uint32_t m)
{
    uint32_t nt = w->active & ~m;

    if (!m) {
        w->pc++;
        return;
    }
    if (nt) {
        for (uint32_t mm = nt; mm; mm &= mm - 1) {
            w->lane_pc[__builtin_ctz(mm)] = w->pc + 1;
        }
        w->waiting |= nt;
        w->active = m;
        if (w->pc + 1 < w->min_wait) {
            w->min_wait = w->pc + 1;
        }
    }
    w->pc = (uint32_t)i->imm;
    if (w->pc > w->min_wait) {
        resched(w);
    }
}

/* bar: the lanes of @m arrive at barrier A (with count B); unless
 * arrive-only they wait there until bar_release(). */
static inline void bar_arrive(struct gv_sm *sm, struct gv_warp *w,
                              const struct gv_dinsn *i, const uint64_t *A,
                              const uint64_t *B, uint32_t m)
{
    unsigned id = m ? (unsigned)A[__builtin_ctz(m)] & 15 : 0;

    if (!m) {
        return;
    }
    if (i->mod & GV_BAR_COUNT) {
        sm->bar_expected[id] = (uint32_t)B[__builtin_ctz(m)];
    }
    sm->bar_arrived[id] += popc32(m);
    if (i->mod & GV_BAR_ARRIVE) {
        return;
    }
    for (uint32_t mm = m; mm; mm &= mm - 1) {
        w->lane_pc[__builtin_ctz(mm)] = w->pc + 1;
        w->lane_bar[__builtin_ctz(mm)] = (uint8_t)id;
    }
    w->at_bar |= m;
    w->active &= ~m;
}

/* Make a group of lanes the running one, merging the parked lanes that
 * reached its pc; false when no lane can run. */
static inline bool warp_ready(struct gv_warp *w)
{
    if (!w->active) {
        resched(w);
        if (!w->active) {
            return false;
        }
    }
    if (w->pc == w->min_wait) {
        merge(w);
    }
    return true;
}

/* The running lanes that instruction @i's guard predicate lets through. */
static inline uint32_t guarded(const struct gv_warp *w,
                               const struct gv_dinsn *i, const uint64_t *R)
{
    uint32_t m = w->active;

    if (i->guard) {
        uint32_t p = predmask(R + i->g);

        m &= (i->guard & GV_G_NEG) ? ~p : p;
    }
    return m;
}

enum { W_STOP, W_IDLE, W_YIELD, W_GO };

/* Every 4096 warp instructions: was the launch stopped, or is it past
 * its deadline (then it times out)?  W_STOP.  Is the SM's time slice for
 * this block over, or has a launch arrived that it may take on
 * (gv_sched.c)?  W_YIELD.  Else W_GO. */
static inline int launch_check(struct gv_launch *L, struct gv_sm *sm)
{
    if (--sm->check != 0) {
        return W_GO;
    }
    sm->check = 4096;
    if (atomic_load_explicit(&L->status, memory_order_relaxed)) {
        return W_STOP;
    }
    if (L->deadline_ns && gv_now_ns() > L->deadline_ns) {
        int none = GV_ERR_NONE;

        atomic_compare_exchange_strong(&L->status, &none,
                                       GV_ERR_TIMEOUT);
        return W_STOP;
    }
    if ((sm->slice && --sm->slice == 0) ||
        atomic_load_explicit(sm->arrivals, memory_order_relaxed) !=
            sm->arrivals_seen) {
        return W_YIELD;
    }
    return W_GO;
}

/* ld.param with a constant offset: one value for every lane. */
static inline bool ldp_uni(struct gv_launch *L, const struct gv_dinsn *i,
                           const uint64_t *A, uint64_t *D, uint32_t m)
{
    /* A is a constant slot: one offset for every lane */
    const uint8_t *p = gv_param_ptr(L, A[0] + (uint64_t)(int64_t)i->imm,
                                    tbits(i->type) / 8, false);
    uint64_t v;

    if (!m) {
        return true;
    }
    if (!p) {
        gv_simt_fault(L, GV_RULE_COMPUTE_PARAM, UINT64_MAX);
        return false;
    }
    v = gv_simt_load(p, i->type);
    LANES(m, D[l] = v);
    return true;
}

/* ---- the per-lane forms of the fast integer ops ---- */

/*
 * PTX bfe.u32: len = min(c, 32 - b) bits of a from bit b (0 if b >= 32
 * or the length is 0).  a >> b has at most 32 - b bits, so masking it to
 * min(c, 32) bits is the same; written without branches, so that the
 * full-warp loop vectorises (AES kernels extract a byte per table lookup).
 */
static inline uint64_t bfe_u32(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t pos = b & 0xff, len = c & 0xff;
    uint64_t v = pos >= 32 ? 0 : (uint64_t)(uint32_t)a >> (pos & 31);
    uint64_t mask = len >= 32 ? 0xffffffffull : (1ull << (len & 31)) - 1;

    return v & mask;
}

static inline uint64_t mulwide_s32(uint64_t a, uint64_t b)
{
    return (uint64_t)((int64_t)(int32_t)a * (int32_t)b);
}

static inline uint64_t mulwide_u32(uint64_t a, uint64_t b)
{
    return (uint64_t)(uint32_t)a * (uint32_t)b;
}

static inline uint64_t shl32(uint64_t a, uint64_t b)
{
    return (uint32_t)b >= 32 ? 0 : (uint32_t)(a << (uint32_t)b);
}

static inline uint64_t shl64(uint64_t a, uint64_t b)
{
    return (uint32_t)b >= 64 ? 0 : a << (uint32_t)b;
}

static inline uint64_t shr_u32(uint64_t a, uint64_t b)
{
    return (uint32_t)b >= 32 ? 0 : (uint32_t)a >> (uint32_t)b;
}

static inline uint64_t shr_s32(uint64_t a, uint64_t b)
{
    /* cppcheck-suppress shiftTooManyBitsSigned ; arithmetic in GCC, clang */
    return (uint32_t)((int32_t)a >> ((uint32_t)b >= 32 ? 31 : (uint32_t)b));
}

static inline uint64_t shr_u64(uint64_t a, uint64_t b)
{
    return (uint32_t)b >= 64 ? 0 : a >> (uint32_t)b;
}

static inline uint64_t shr_s64(uint64_t a, uint64_t b)
{
    /* cppcheck-suppress shiftTooManyBitsSigned ; arithmetic in GCC, clang */
    return (uint64_t)((int64_t)a >> ((uint32_t)b >= 64 ? 63 : (uint32_t)b));
}

#define F32(x) f32(x)

/*
 * The fused multiply-adds in one version with the FMA instructions and one
 * without, chosen at load time by an ifunc resolver.  ThreadSanitizer
 * crashes in that resolver (it runs before TSan's runtime is set up), so a
 * TSan build has the default version only.
 */
#if defined(__SANITIZE_THREAD__)
#define GV_FMA_CLONES
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GV_FMA_CLONES
#endif
#endif
#ifndef GV_FMA_CLONES
#define GV_FMA_CLONES __attribute__((target_clones("fma", "default")))
/* The interpreter's loop also in versions for x86-64-v3 (AVX2, BMI2,
 * POPCNT, FMA) and x86-64-v4 (AVX-512), one chosen at load time: a
 * full-warp lane loop of 64-bit slots moves 4 or 8 lanes per instruction
 * instead of 2.  Bit-identical to the default version: no contraction of
 * a * b + c (the pragma above), and explicit fmaf/fma are fused in all. */
#define GV_SIMD_CLONES                                                  \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3",     \
                                 "default")))
#else
#define GV_SIMD_CLONES
#endif

GV_FMA_CLONES
static void fma_f32(uint64_t *D, const uint64_t *A, const uint64_t *B,
                    const uint64_t *C, uint32_t m)
{
    LANES(m, D[l] = bf(fmaf(f32(A[l]), f32(B[l]), f32(C[l]))));
}

GV_FMA_CLONES
static void fma_f64(uint64_t *D, const uint64_t *A, const uint64_t *B,
                    const uint64_t *C, uint32_t m)
{
    LANES(m, D[l] = bd(fma(f64(A[l]), f64(B[l]), f64(C[l]))));
}

#define SETP_CASES(T, CONV)                                             \
    switch (i->mod & 0x1f) {                                            \
    case GV_CMP_EQ: LANES(m, D[l] = (T)CONV(A[l]) == (T)CONV(B[l])); break; \
    case GV_CMP_NE: LANES(m, D[l] = (T)CONV(A[l]) != (T)CONV(B[l])); break; \
    case GV_CMP_LT: LANES(m, D[l] = (T)CONV(A[l]) < (T)CONV(B[l])); break; \
    case GV_CMP_LE: LANES(m, D[l] = (T)CONV(A[l]) <= (T)CONV(B[l])); break; \
    case GV_CMP_GT: LANES(m, D[l] = (T)CONV(A[l]) > (T)CONV(B[l])); break; \
    default: LANES(m, D[l] = (T)CONV(A[l]) >= (T)CONV(B[l])); break;    \
    }

#define ID(x) (x)

/* The fast shared and global forms out of line (run_warp stays small
 * enough to keep its state in registers), in the same versions as
 * run_warp: the full-warp checks and copies use the host's vectors. */
GV_SIMD_CLONES
static bool shared_fast(struct gv_launch *L, struct gv_sm *sm,
                        const struct gv_dinsn *i, uint64_t *R, uint32_t m)
{
    return gv_simt_shared_fast(L, sm, i, R, m);
}

GV_SIMD_CLONES
static bool global_fast(struct gv_launch *L, struct gv_sm *sm,
                        const struct gv_dinsn *i, uint64_t *R, uint32_t m)
{
    return gv_simt_global_fast(L, sm, i, R, m);
}

/* Run warp @w until none of its lanes can run (all exited or at a
 * barrier), the launch stops or the SM's time slice ends (W_YIELD: the
 * warp's state is whole, at an instruction not yet run).  One switch
 * over the fast kinds, each case one lane loop or a call of an inline
 * helper above. */
GV_SIMD_CLONES
static int run_warp(struct gv_launch *L, struct gv_sm *sm, struct gv_warp *w)
{
    const struct gv_dinsn *code = L->f->code;
    uint64_t *R = w->R;
    uint64_t lanes = 0;

    for (;;) {
        const struct gv_dinsn *i;
        uint32_t m;

        if (!warp_ready(w)) {
            sm->lane_insns += lanes;
            return W_IDLE;
        }
        int c = launch_check(L, sm);

        if (c != W_GO) {
            if (c == W_YIELD) {
                sm->lane_insns += lanes;
            }
            return c;
        }
        i = &code[w->pc];
        m = guarded(w, i, R);
        w->issued++;
        lanes += m == FULL ? GV_WARP : popc32(m);

        uint64_t *D = R + i->d;
        const uint64_t *A = R + i->a, *B = R + i->b, *C = R + i->c;

        switch (i->k) {
        case GV_K_NOP:
            break;
        case GV_K_GENERIC: {
            const uint64_t *E = R + i->e;

            LANES(m, D[l] = gv_simt_alu(i, A[l], B[l], C[l], E[l]));
            break;
        }
        case GV_K_MOV32: LANES(m, D[l] = (uint32_t)A[l]); break;
        case GV_K_MOV64: LANES(m, D[l] = A[l]); break;
        case GV_K_ADD32: LANES(m, D[l] = (uint32_t)(A[l] + B[l])); break;
        case GV_K_ADD64: LANES(m, D[l] = A[l] + B[l]); break;
        case GV_K_SUB32: LANES(m, D[l] = (uint32_t)(A[l] - B[l])); break;
        case GV_K_SUB64: LANES(m, D[l] = A[l] - B[l]); break;
        case GV_K_MUL32: LANES(m, D[l] = (uint32_t)(A[l] * B[l])); break;
        case GV_K_MUL64: LANES(m, D[l] = A[l] * B[l]); break;
        case GV_K_MAD32:
            LANES(m, D[l] = (uint32_t)(A[l] * B[l] + C[l]));
            break;
        case GV_K_MULWIDE_S32: LANES(m, D[l] = mulwide_s32(A[l], B[l])); break;
        case GV_K_MULWIDE_U32: LANES(m, D[l] = mulwide_u32(A[l], B[l])); break;
        case GV_K_MADWIDE_U32:
            LANES(m, D[l] = mulwide_u32(A[l], B[l]) + C[l]);
            break;
        case GV_K_MADWIDE_S32:
            LANES(m, D[l] = mulwide_s32(A[l], B[l]) + C[l]);
            break;
        case GV_K_BFE_U32: LANES(m, D[l] = bfe_u32(A[l], B[l], C[l])); break;
        case GV_K_AND32: LANES(m, D[l] = (uint32_t)(A[l] & B[l])); break;
        case GV_K_AND64: LANES(m, D[l] = A[l] & B[l]); break;
        case GV_K_OR32: LANES(m, D[l] = (uint32_t)(A[l] | B[l])); break;
        case GV_K_OR64: LANES(m, D[l] = A[l] | B[l]); break;
        case GV_K_XOR32: LANES(m, D[l] = (uint32_t)(A[l] ^ B[l])); break;
        case GV_K_XOR64: LANES(m, D[l] = A[l] ^ B[l]); break;
        case GV_K_SHL32: LANES(m, D[l] = shl32(A[l], B[l])); break;
        case GV_K_SHL64: LANES(m, D[l] = shl64(A[l], B[l])); break;
        case GV_K_SHR_U32: LANES(m, D[l] = shr_u32(A[l], B[l])); break;
        case GV_K_SHR_S32: LANES(m, D[l] = shr_s32(A[l], B[l])); break;
        case GV_K_SHR_U64: LANES(m, D[l] = shr_u64(A[l], B[l])); break;
        case GV_K_SHR_S64: LANES(m, D[l] = shr_s64(A[l], B[l])); break;
        case GV_K_ADDF: LANES(m, D[l] = bf(f32(A[l]) + f32(B[l]))); break;
        case GV_K_SUBF: LANES(m, D[l] = bf(f32(A[l]) - f32(B[l]))); break;
        case GV_K_MULF: LANES(m, D[l] = bf(f32(A[l]) * f32(B[l]))); break;
        case GV_K_DIVF: LANES(m, D[l] = bf(f32(A[l]) / f32(B[l]))); break;
        case GV_K_FMAF: fma_f32(D, A, B, C, m); break;
        case GV_K_ABSF: LANES(m, D[l] = bf(fabsf(f32(A[l])))); break;
        case GV_K_NEGF: LANES(m, D[l] = bf(-f32(A[l]))); break;
        case GV_K_MINF:
            LANES(m, D[l] = bf(fminf(f32(A[l]), f32(B[l]))));
            break;
        case GV_K_MAXF:
            LANES(m, D[l] = bf(fmaxf(f32(A[l]), f32(B[l]))));
            break;
        case GV_K_SQRTF: LANES(m, D[l] = bf(sqrtf(f32(A[l])))); break;
        case GV_K_RCPF: LANES(m, D[l] = bf(1.0f / f32(A[l]))); break;
        case GV_K_RSQRTF:
            LANES(m, D[l] = bf(1.0f / sqrtf(f32(A[l]))));
            break;
        case GV_K_EX2F: LANES(m, D[l] = bf(exp2f(f32(A[l])))); break;
        case GV_K_LG2F: LANES(m, D[l] = bf(log2f(f32(A[l])))); break;
        case GV_K_ADDD: LANES(m, D[l] = bd(f64(A[l]) + f64(B[l]))); break;
        case GV_K_SUBD: LANES(m, D[l] = bd(f64(A[l]) - f64(B[l]))); break;
        case GV_K_MULD: LANES(m, D[l] = bd(f64(A[l]) * f64(B[l]))); break;
        case GV_K_FMAD: fma_f64(D, A, B, C, m); break;
        case GV_K_SETP_S32: SETP_CASES(int32_t, ID); break;
        case GV_K_SETP_U32: SETP_CASES(uint32_t, ID); break;
        case GV_K_SETP_S64: SETP_CASES(int64_t, ID); break;
        case GV_K_SETP_U64: SETP_CASES(uint64_t, ID); break;
        case GV_K_SETP_F32: SETP_CASES(float, F32); break;
        case GV_K_SELP32:
            LANES(m, D[l] = (uint32_t)((C[l] & 1) ? A[l] : B[l]));
            break;
        case GV_K_SELP64: LANES(m, D[l] = (C[l] & 1) ? A[l] : B[l]); break;
        case GV_K_CVT_U64_U32: LANES(m, D[l] = (uint32_t)A[l]); break;
        case GV_K_CVT_S64_S32:
            LANES(m, D[l] = (uint64_t)(int64_t)(int32_t)A[l]);
            break;
        case GV_K_CVT_U32_U64: LANES(m, D[l] = (uint32_t)A[l]); break;
        case GV_K_LDS8: case GV_K_LDS32: case GV_K_LDS64: case GV_K_STS32:
            if (!shared_fast(L, sm, i, R, m)) {
                return W_STOP;
            }
            break;
        case GV_K_LDG32: case GV_K_LDG64: case GV_K_STG32: case GV_K_STG64:
            if (!global_fast(L, sm, i, R, m)) {
                return W_STOP;
            }
            break;
        case GV_K_LD: case GV_K_ST: case GV_K_ATOM:
            if (!gv_simt_ldst(L, sm, w, i, m)) {
                return W_STOP;
            }
            break;
        case GV_K_LDP_UNI:
            if (!ldp_uni(L, i, A, D, m)) {
                return W_STOP;
            }
            break;
        case GV_K_MADDR: LANES(m, D[l] = L->data_va + A[l]); break;
        case GV_K_BRA:
            branch(w, i, m);
            continue;
        case GV_K_EXIT: lanes_exit(w, code, m); break;
        case GV_K_BAR: bar_arrive(sm, w, i, A, B, m); break;
        case GV_K_S2R: s2r(L, sm, w, i->mod, D, m); break;
        case GV_K_SHFL: case GV_K_VOTE: warp_op(w, code, i, m); break;
        default: /* GV_K_TRAP */
            if (m) {
                gv_simt_fault(L, GV_RULE_COMPUTE_TRAP, UINT64_MAX);
                return W_STOP;
            }
            break;
        }
        w->pc++;
    }
}

/* Every warp is blocked at a barrier or done: release the barriers that
 * are complete (their count, or every live thread, arrived; the
 * arrivals beyond a count are the next round's).  If none is, the block
 * would wait forever: release them all, as before barriers had ids;
 * unless lanes wait at a warp-synchronous instruction for lanes at a
 * barrier: a deadlock (false). */
static bool bar_release(struct gv_sm *sm, uint32_t nw)
{
    uint32_t live = 0, open = 0, sync = 0;

    for (uint32_t k = 0; k < nw; k++) {
        live += popc32(sm->warps[k].alive);
        sync |= sm->warps[k].at_sync;
    }
    for (unsigned id = 0; id < 16; id++) {
        uint32_t need = sm->bar_expected[id] ? sm->bar_expected[id] : live;

        if (sm->bar_arrived[id] && sm->bar_arrived[id] >= need) {
            open |= 1u << id;
        }
    }
    if (!open) {
        if (sync) {
            return false;
        }
        open = 0xffff;
    }
    for (unsigned id = 0; id < 16; id++) {
        uint32_t need = sm->bar_expected[id];

        if (open >> id & 1) {
            sm->bar_arrived[id] = need && sm->bar_arrived[id] > need
                                  ? sm->bar_arrived[id] - need : 0;
            if (!sm->bar_arrived[id]) {
                sm->bar_expected[id] = 0;
            }
        }
    }
    for (uint32_t k = 0; k < nw; k++) {
        struct gv_warp *w = &sm->warps[k];

        for (uint32_t mm = w->at_bar; mm; mm &= mm - 1) {
            unsigned l = (unsigned)__builtin_ctz(mm);

            if (open >> w->lane_bar[l] & 1) {
                w->waiting |= 1u << l;
                w->at_bar &= ~(1u << l);
            }
        }
        recompute_min(w);
    }
    return true;
}

void gv_simt_block_start(struct gv_launch *L, struct gv_sm *sm,
                         uint64_t block)
{
    const struct gv_kfunc *f = L->f;
    uint32_t nw = L->nwarps;

    sm->block = block;
    sm->ctaid[0] = block % L->grid[0];
    sm->ctaid[1] = (block / L->grid[0]) % L->grid[1];
    sm->ctaid[2] = block / ((uint64_t)L->grid[0] * L->grid[1]);
    for (uint32_t k = 0; k < nw; k++) {
        struct gv_warp *w = &sm->warps[k];
        uint32_t left = L->nthreads - k * GV_WARP;

        w->R = sm->regs + (size_t)k * f->nslots * GV_WARP;
        /* no local memory: no pointer (not NULL + an offset) */
        w->local = f->local_size
                   ? sm->local + (size_t)k * GV_WARP * f->local_size : NULL;
        w->pc = 0;
        w->alive = left >= GV_WARP ? FULL : (1u << left) - 1;
        w->active = w->alive;
        w->waiting = w->at_bar = w->at_sync = 0;
        w->min_wait = UINT32_MAX;
        w->id = k;
    }
    memset(sm->bar_arrived, 0, sizeof(sm->bar_arrived));
    memset(sm->bar_expected, 0, sizeof(sm->bar_expected));
    sm->next_warp = 0;
    sm->bar_seen = false;
}

int gv_simt_block_run(struct gv_launch *L, struct gv_sm *sm)
{
    uint32_t nw = L->nwarps;

    for (;;) {
        for (uint32_t k = sm->next_warp; k < nw; k++) {
            struct gv_warp *w = &sm->warps[k];

            if (w->active || w->waiting) {
                int r = run_warp(L, sm, w);

                if (r == W_STOP) {
                    return atomic_load(&L->status);
                }
                if (r == W_YIELD) {
                    sm->next_warp = k;
                    return GV_SIMT_YIELD;
                }
            }
            sm->bar_seen |= w->at_bar != 0;
        }
        sm->next_warp = 0;
        if (!sm->bar_seen) {
            gv_simt_sync_stuck(L, sm, nw);
            return atomic_load(&L->status);
        }
        sm->bar_seen = false;
        if (!bar_release(sm, nw)) {
            gv_simt_sync_stuck(L, sm, nw);
            return atomic_load(&L->status);
        }
    }
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device math library: libdevice's __nv_* functions, written here in
 * CUDA C for the emulated GPU (Debian ships no libdevice), at full
 * accuracy: docs/math.md has the method and the measured errors.
 *
 * Double precision is computed with double-double arithmetic where one
 * rounding would cost accuracy (fma gives exact products): range
 * reduction (Cody-Waite with a three-part pi/2, Payne-Hanek with the bits
 * of 2/pi for huge trigonometric arguments; k ln2 with a 42-bit ln2), then
 * Taylor polynomials on the reduced interval, evaluated so that the
 * leading term is exact and the rest is a small correction.  The single
 * precision functions evaluate the double ones and round once to float.
 * The constants come from gv_math_consts.py (exact integer arithmetic).
 *
 * This file: helpers, exponentials, logarithms, powers; gv_math_trig.h:
 * circular and inverse circular functions; gv_math_f32.h: hyperbolic
 * functions, cbrt, hypot, the error function (float), the float entries.
 */
#ifndef GV_MATH_H
#define GV_MATH_H

#include "gv_math_consts.h"

#define GVM_F static __device__ __forceinline__
#define GVM_FN static __device__
#define GVM_INF __builtin_huge_val()
#define GVM_NAN __builtin_nan("")
#define GVM_MANT 0x000fffffffffffffll

struct gvm_dd {
    double hi, lo;
};

GVM_F long long gvm_bits(double x)
{
    return __builtin_bit_cast(long long, x);
}

GVM_F double gvm_dbl(long long b)
{
    return __builtin_bit_cast(double, b);
}

GVM_F double gvm_fma(double a, double b, double c)
{
    return __builtin_fma(a, b, c);
}

GVM_F struct gvm_dd gvm_dd_make(double hi, double lo)
{
    struct gvm_dd r = { hi, lo };

    return r;
}

/* a + b exactly as hi + lo (|a| >= |b| or a == 0) */
GVM_F struct gvm_dd gvm_fast_two_sum(double a, double b)
{
    double s = a + b;

    return gvm_dd_make(s, b - (s - a));
}

GVM_F struct gvm_dd gvm_two_sum(double a, double b)
{
    double s = a + b;
    double bb = s - a;

    return gvm_dd_make(s, (a - (s - bb)) + (b - bb));
}

/* a * b exactly as hi + lo.  hi is an explicit mul.rn.f64 (inline PTX):
 * clang's CUDA default, -ffp-contract=fast, ignores the fp contract
 * pragmas and would otherwise fuse the product into a later addition
 * (so that hi is no longer the rounded product lo belongs to) */
GVM_F double gvm_mul_rn(double a, double b)
{
    double p;

    asm("mul.rn.f64 %0, %1, %2;" : "=d"(p) : "d"(a), "d"(b));
    return p;
}

GVM_F struct gvm_dd gvm_two_prod(double a, double b)
{
    double p = gvm_mul_rn(a, b);

    return gvm_dd_make(p, gvm_fma(a, b, -p));
}

GVM_F struct gvm_dd gvm_dd_add(struct gvm_dd a, struct gvm_dd b)
{
    struct gvm_dd s = gvm_two_sum(a.hi, b.hi);

    return gvm_fast_two_sum(s.hi, s.lo + (a.lo + b.lo));
}

GVM_F struct gvm_dd gvm_dd_neg(struct gvm_dd a)
{
    return gvm_dd_make(-a.hi, -a.lo);
}

GVM_F struct gvm_dd gvm_dd_mul(struct gvm_dd a, struct gvm_dd b)
{
    struct gvm_dd p = gvm_two_prod(a.hi, b.hi);

    return gvm_fast_two_sum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

GVM_F struct gvm_dd gvm_dd_mul_d(struct gvm_dd a, double b)
{
    struct gvm_dd p = gvm_two_prod(a.hi, b);

    return gvm_fast_two_sum(p.hi, p.lo + a.lo * b);
}

GVM_F struct gvm_dd gvm_dd_div(struct gvm_dd a, struct gvm_dd b)
{
    double q = a.hi / b.hi;
    double r = gvm_fma(-q, b.hi, a.hi) + a.lo - q * b.lo;

    return gvm_fast_two_sum(q, r / b.hi);
}

GVM_F struct gvm_dd gvm_dd_sqrt(struct gvm_dd a)
{
    double s = __builtin_sqrt(a.hi);

    if (s == 0.0) {
        return gvm_dd_make(s, 0.0);
    }
    return gvm_fast_two_sum(s, (gvm_fma(-s, s, a.hi) + a.lo) / (2.0 * s));
}

/* 2^k for -1022 <= k <= 1023 */
GVM_F double gvm_pow2(int k)
{
    return gvm_dbl((long long)(k + 1023) << 52);
}

/* y 2^k, one rounding at most (k in [-3000, 3000]) */
GVM_F double gvm_scale(double y, int k)
{
    if (k > 1023) {
        y *= 0x1p1023;
        k -= 1023;
        if (k > 1023) {
            y *= 0x1p1023;
            k = k - 1023 > 1023 ? 1023 : k - 1023;
        }
    } else if (k < -1022) {
        y *= 0x1p-1022;
        k += 1022;
        if (k < -1022) {
            y *= 0x1p-1022;
            k = k + 1022 < -1022 ? -1022 : k + 1022;
        }
    }
    return y * gvm_pow2(k);
}

/* (hi + lo) 2^k rounded once, also when the result is subnormal
 * (hi in [0.5, 2)) */
GVM_F double gvm_scale_dd(double hi, double lo, int k)
{
    double h, l, n, rem;

    if (k >= -1020) {
        return gvm_scale(hi + lo, k);
    }
    /* in units of the smallest subnormal, 2^-1074 */
    h = gvm_scale(hi, k + 1074);
    l = gvm_scale(lo, k + 1074);
    n = __builtin_rint(h);
    rem = (h - n) + l;
    if (rem > 0.5) {
        n += 1.0;
    } else if (rem < -0.5) {
        n -= 1.0;
    }
    return n * 0x1p-1074;
}

/* ---- exponentials ---- */

/* e^(r + rl) as a double-double, |r| <= 0.35: 1 + r exactly, then the
 * Taylor tail r^2 (1/2! + r/3! + ... + r^12/14!) */
GVM_F struct gvm_dd gvm_exp_core(double r, double rl)
{
    double p = 1.0 / 87178291200.0;
    struct gvm_dd s;

    p = gvm_fma(p, r, 1.0 / 6227020800.0);
    p = gvm_fma(p, r, 1.0 / 479001600.0);
    p = gvm_fma(p, r, 1.0 / 39916800.0);
    p = gvm_fma(p, r, 1.0 / 3628800.0);
    p = gvm_fma(p, r, 1.0 / 362880.0);
    p = gvm_fma(p, r, 1.0 / 40320.0);
    p = gvm_fma(p, r, 1.0 / 5040.0);
    p = gvm_fma(p, r, 1.0 / 720.0);
    p = gvm_fma(p, r, 1.0 / 120.0);
    p = gvm_fma(p, r, 1.0 / 24.0);
    p = gvm_fma(p, r, 1.0 / 6.0);
    p = gvm_fma(p, r, 0.5);
    s = gvm_fast_two_sum(1.0, r);
    return gvm_fast_two_sum(s.hi, s.lo + (r * r * p + (rl + rl * r)));
}

/* x = k ln2 + r, |r| <= ln2/2 + a little; returns k */
GVM_F int gvm_exp_reduce(double xh, double xl, struct gvm_dd *r)
{
    double k = __builtin_rint(xh * GVM_INVLN2_HI);
    double a = xh - k * GVM_LN2_HI;         /* exact: 42-bit ln2 */

    *r = gvm_two_sum(a, xl - k * GVM_LN2_LO);
    return (int)k;
}

/* e^(xh + xl), |xl| <= ulp(xh) */
GVM_FN double gvm_exp_dd(double xh, double xl)
{
    struct gvm_dd r, e;
    int k;

    if (xh != xh) {
        return xh + xh;
    }
    if (xh > 709.8) {
        return GVM_INF;
    }
    if (xh < -745.2) {
        return 0.0;
    }
    k = gvm_exp_reduce(xh, xl, &r);
    e = gvm_exp_core(r.hi, r.lo);
    return gvm_scale_dd(e.hi, e.lo, k);
}

/* e^x as a double-double, |x| <= 700 (no scaling trouble) */
GVM_F struct gvm_dd gvm_exp_ddv(double x)
{
    struct gvm_dd r, e;
    int k = gvm_exp_reduce(x, 0.0, &r);

    e = gvm_exp_core(r.hi, r.lo);
    return gvm_dd_make(gvm_scale(e.hi, k), gvm_scale(e.lo, k));
}

/* e^x - 1 as a double-double, |x| <= 700 */
GVM_FN struct gvm_dd gvm_expm1_ddv(double x)
{
    double p = 1.0 / 87178291200.0;
    struct gvm_dd e, s;

    if (__builtin_fabs(x) < 0.34) {
        p = gvm_fma(p, x, 1.0 / 6227020800.0);
        p = gvm_fma(p, x, 1.0 / 479001600.0);
        p = gvm_fma(p, x, 1.0 / 39916800.0);
        p = gvm_fma(p, x, 1.0 / 3628800.0);
        p = gvm_fma(p, x, 1.0 / 362880.0);
        p = gvm_fma(p, x, 1.0 / 40320.0);
        p = gvm_fma(p, x, 1.0 / 5040.0);
        p = gvm_fma(p, x, 1.0 / 720.0);
        p = gvm_fma(p, x, 1.0 / 120.0);
        p = gvm_fma(p, x, 1.0 / 24.0);
        p = gvm_fma(p, x, 1.0 / 6.0);
        p = gvm_fma(p, x, 0.5);
        s = gvm_two_prod(x, x);
        return gvm_fast_two_sum(x, s.hi * p + s.lo * 0.5);
    }
    e = gvm_exp_ddv(x);
    s = gvm_two_sum(e.hi, -1.0);
    return gvm_fast_two_sum(s.hi, s.lo + e.lo);
}

GVM_FN double __nv_exp(double x)
{
    return gvm_exp_dd(x, 0.0);
}

GVM_FN double __nv_exp2(double x)
{
    double k, f;
    struct gvm_dd p, e;

    if (x != x) {
        return x + x;
    }
    if (x >= 1024.0) {
        return GVM_INF;
    }
    if (x < -1080.0) {
        return 0.0;
    }
    k = __builtin_rint(x);
    f = x - k;
    p = gvm_two_prod(f, GVM_LN2D_HI);
    p = gvm_fast_two_sum(p.hi, p.lo + f * GVM_LN2D_LO);
    e = gvm_exp_core(p.hi, p.lo);
    return gvm_scale_dd(e.hi, e.lo, (int)k);
}

GVM_FN double __nv_exp10(double x)
{
    struct gvm_dd p;

    if (x != x) {
        return x + x;
    }
    if (x > 310.0) {
        return GVM_INF;
    }
    if (x < -330.0) {
        return 0.0;
    }
    p = gvm_two_prod(x, GVM_LN10_HI);
    p = gvm_fast_two_sum(p.hi, p.lo + x * GVM_LN10_LO);
    return gvm_exp_dd(p.hi, p.lo);
}

GVM_FN double __nv_expm1(double x)
{
    struct gvm_dd e;

    if (x != x) {
        return x + x;
    }
    if (x > 709.0) {
        return gvm_exp_dd(x, 0.0);
    }
    if (x < -40.0) {
        return -1.0;
    }
    if (__builtin_fabs(x) < 0x1p-60) {
        return x;
    }
    e = gvm_expm1_ddv(x);
    return e.hi;
}

/* ---- logarithms ---- */

/* log(1 + j/32) for j = -10..13, hi and lo */
static __device__ const double gvm_log_tab[48] = { GVM_LOG_TAB };

/* log(x) as a double-double for finite x > 0: x = 2^k m, m in
 * [sqrt(1/2), sqrt(2)), c = 1 + j/32 nearest m, s = (m - c) / (m + c) (a
 * double-double, |s| < 0.012), log m = log c + 2 atanh(s) = log c + 2s +
 * 2s (s^2/3 + s^4/5 + ... + s^10/11) */
GVM_FN struct gvm_dd gvm_log_dd(double x)
{
    long long b = gvm_bits(x);
    int k = 0, j;
    double m, c, n, sh, sl, z, p, hi;
    struct gvm_dd u, lm, s;

    if (b < (1ll << 52)) {                  /* subnormal */
        x *= 0x1p54;
        k = -54;
        b = gvm_bits(x);
    }
    k += (int)(b >> 52) - 1023;
    m = gvm_dbl((b & GVM_MANT) | (1023ll << 52));
    if (m > 1.4142135623730951) {
        m *= 0.5;
        k++;
    }
    j = (int)__builtin_rint((m - 1.0) * 32.0);
    c = 1.0 + j * 0.03125;
    n = m - c;                              /* exact */
    u = gvm_two_sum(m, c);
    sh = n / u.hi;
    sl = (gvm_fma(-sh, u.hi, n) - sh * u.lo) / u.hi;
    z = sh * sh;
    p = 1.0 / 11.0;
    p = gvm_fma(p, z, 1.0 / 9.0);
    p = gvm_fma(p, z, 1.0 / 7.0);
    p = gvm_fma(p, z, 1.0 / 5.0);
    p = gvm_fma(p, z, 1.0 / 3.0);
    s = gvm_two_sum(gvm_log_tab[2 * (j + 10)], 2.0 * sh);
    lm = gvm_fast_two_sum(s.hi, s.lo + (gvm_log_tab[2 * (j + 10) + 1] +
                                        (2.0 * sh * z * p + 2.0 * sl)));
    hi = (double)k * GVM_LN2_HI;            /* exact */
    s = gvm_two_sum(hi, lm.hi);
    return gvm_fast_two_sum(s.hi, s.lo + (lm.lo + (double)k * GVM_LN2_LO));
}

/* NaN, negative, zero and infinite arguments of the logarithms */
GVM_F int gvm_log_special(double x, double *r)
{
    if (x != x) {
        *r = x + x;
    } else if (x < 0.0) {
        *r = GVM_NAN;
    } else if (x == 0.0) {
        *r = -GVM_INF;
    } else if (x == GVM_INF) {
        *r = x;
    } else {
        return 0;
    }
    return 1;
}

GVM_FN double __nv_log(double x)
{
    double r;

    if (gvm_log_special(x, &r)) {
        return r;
    }
    return gvm_log_dd(x).hi;
}

GVM_FN double __nv_log2(double x)
{
    double r;

    if (gvm_log_special(x, &r)) {
        return r;
    }
    return gvm_dd_mul(gvm_log_dd(x),
                      gvm_dd_make(GVM_LOG2E_HI, GVM_LOG2E_LO)).hi;
}

GVM_FN double __nv_log10(double x)
{
    double r;

    if (gvm_log_special(x, &r)) {
        return r;
    }
    return gvm_dd_mul(gvm_log_dd(x),
                      gvm_dd_make(GVM_LOG10E_HI, GVM_LOG10E_LO)).hi;
}

/* log(1 + x) = log(u) + (1 + x - u) / u, u = 1 + x rounded */
GVM_FN double __nv_log1p(double x)
{
    struct gvm_dd u, l;
    double r;

    if (x != x) {
        return x + x;
    }
    if (x < -1.0) {
        return GVM_NAN;
    }
    if (x == -1.0) {
        return -GVM_INF;
    }
    if (x == GVM_INF) {
        return x;
    }
    if (__builtin_fabs(x) < 0x1p-60) {
        return x;
    }
    u = gvm_two_sum(1.0, x);
    l = gvm_log_dd(u.hi);
    r = u.lo / u.hi;
    return gvm_fast_two_sum(l.hi, l.lo + r).hi;
}

/* ---- powers ---- */

/* 1 if y is an odd integer, 2 if an even one, 0 if not an integer */
GVM_F int gvm_int_kind(double y)
{
    double t = __builtin_fabs(y);

    if (t != __builtin_trunc(t) || t == GVM_INF) {
        return 0;
    }
    if (t >= 0x1p53) {
        return 2;
    }
    return ((long long)t & 1) ? 1 : 2;
}

/* pow's special cases (C99 F.9.4.4); 1 when *r holds the result */
GVM_F int gvm_pow_special(double x, double y, double *r)
{
    double ax = __builtin_fabs(x), ay = __builtin_fabs(y);
    int odd = gvm_int_kind(y) == 1;

    if (y == 0.0 || x == 1.0) {
        *r = 1.0;
    } else if (x != x || y != y) {
        *r = x + y;
    } else if (ay == GVM_INF) {
        *r = ax == 1.0 ? 1.0 : ((ax < 1.0) == (y < 0.0) ? GVM_INF : 0.0);
    } else if (x == 0.0) {
        *r = y < 0.0 ? GVM_INF : 0.0;
        *r = odd ? __builtin_copysign(*r, x) : *r;
    } else if (ax == GVM_INF) {
        *r = y < 0.0 ? 0.0 : GVM_INF;
        *r = odd && x < 0.0 ? -*r : *r;
    } else if (x < 0.0 && gvm_int_kind(y) == 0) {
        *r = GVM_NAN;
    } else {
        return 0;
    }
    return 1;
}

/* x^y = e^(y log|x|) with log|x| and the product as double-doubles */
GVM_FN double __nv_pow(double x, double y)
{
    struct gvm_dd l;
    double r;

    if (gvm_pow_special(x, y, &r)) {
        return r;
    }
    l = gvm_log_dd(__builtin_fabs(x));
    if (__builtin_fabs(l.hi * y) > 1000.0) {
        r = l.hi * y > 0.0 ? GVM_INF : 0.0;
    } else {
        l = gvm_dd_mul_d(l, y);
        r = gvm_exp_dd(l.hi, l.lo);
    }
    return x < 0.0 && gvm_int_kind(y) == 1 ? -r : r;
}

#include "gv_math_trig.h"
#include "gv_math_f32.h"

#endif /* GV_MATH_H */

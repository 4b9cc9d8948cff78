/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device math library (gv_math.h): sinh, cosh, tanh, asinh, acosh,
 * atanh, cbrt, hypot, erf, erfc in double precision; the single-precision
 * entries, each the double function rounded once to float (a double
 * result within 1 ulp of double is within 0.5 + 2^-29 ulp of float).
 */
#ifndef GV_MATH_F32_H
#define GV_MATH_F32_H

/* e^|x| / 2 for |x| >= 22 (e^-|x| is below its last bit) */
GVM_F double gvm_exp_half(double ax)
{
    struct gvm_dd t = gvm_two_sum(ax, -GVM_LN2D_HI);

    return gvm_exp_dd(t.hi, t.lo - GVM_LN2D_LO);
}

GVM_FN double __nv_cosh(double x)
{
    double ax = __builtin_fabs(x);
    struct gvm_dd e, i;

    if (x != x) {
        return x + x;
    }
    if (ax >= 22.0) {
        return gvm_exp_half(ax);
    }
    e = gvm_exp_ddv(ax);
    i.hi = 1.0 / e.hi;
    i.lo = (gvm_fma(-i.hi, e.hi, 1.0) - i.hi * e.lo) / e.hi;
    return 0.5 * gvm_dd_add(e, i).hi;
}

/* |x| < 1: x + x^3 (1/3! + x^2/5! + ... + x^20/23!); else
 * (e^x - e^-x) / 2 */
GVM_FN double __nv_sinh(double x)
{
    double ax = __builtin_fabs(x), z, p, r;
    struct gvm_dd e, i;

    if (x != x || ax < 0x1p-27) {
        return x + x * 0.0;
    }
    if (ax < 1.0) {
        z = x * x;
        p = 1.0 / 25852016738884976640000.0;
        p = gvm_fma(p, z, 1.0 / 51090942171709440000.0);
        p = gvm_fma(p, z, 1.0 / 121645100408832000.0);
        p = gvm_fma(p, z, 1.0 / 355687428096000.0);
        p = gvm_fma(p, z, 1.0 / 1307674368000.0);
        p = gvm_fma(p, z, 1.0 / 6227020800.0);
        p = gvm_fma(p, z, 1.0 / 39916800.0);
        p = gvm_fma(p, z, 1.0 / 362880.0);
        p = gvm_fma(p, z, 1.0 / 5040.0);
        p = gvm_fma(p, z, 1.0 / 120.0);
        p = gvm_fma(p, z, 1.0 / 6.0);
        return x + x * z * p;
    }
    if (ax >= 22.0) {
        r = gvm_exp_half(ax);
    } else {
        e = gvm_exp_ddv(ax);
        i.hi = 1.0 / e.hi;
        i.lo = (gvm_fma(-i.hi, e.hi, 1.0) - i.hi * e.lo) / e.hi;
        r = 0.5 * gvm_dd_add(e, gvm_dd_neg(i)).hi;
    }
    return __builtin_copysign(r, x);
}

/* tanh |x| = E / (E + 2), E = e^(2|x|) - 1 */
GVM_FN double __nv_tanh(double x)
{
    double ax = __builtin_fabs(x);
    struct gvm_dd e;

    if (x != x || ax < 0x1p-27) {
        return x + x * 0.0;
    }
    if (ax >= 22.0) {
        return __builtin_copysign(1.0, x);
    }
    e = gvm_expm1_ddv(2.0 * ax);
    return __builtin_copysign(
        gvm_dd_div(e, gvm_dd_add(e, gvm_dd_make(2.0, 0.0))).hi, x);
}

/* x = m 2^(3k): a float estimate of m^(1/3), two Newton steps, then one
 * correction with the residual y^3 - m as a double-double */
GVM_FN double __nv_cbrt(double x)
{
    double ax = __builtin_fabs(x), m, y, r;
    long long b;
    int e, k, sc = 0;
    struct gvm_dd y3;

    if (x != x || x == 0.0 || ax == GVM_INF) {
        return x + x;
    }
    if (ax < 0x1p-1022) {
        ax *= 0x1p54;
        sc = -18;
    }
    b = gvm_bits(ax);
    e = (int)(b >> 52) - 1023;
    k = e >= 0 ? e / 3 : -((-e + 2) / 3);
    m = gvm_dbl((b & GVM_MANT) | ((long long)(e - 3 * k + 1023) << 52));
    y = (double)__nvvm_ex2_approx_f(__nvvm_lg2_approx_f((float)m) *
                                      (1.0f / 3.0f));
    y = (2.0 * y + m / (y * y)) * (1.0 / 3.0);
    /* rounded here: the residual below must be that of this y */
    y = gvm_mul_rn(2.0 * y + m / (y * y), 1.0 / 3.0);
    y3 = gvm_dd_mul_d(gvm_two_prod(y, y), y);
    r = (y3.hi - m) + y3.lo;
    y -= r / (3.0 * y * y);
    return __builtin_copysign(gvm_scale(y, k + sc), x);
}

/* sqrt(x^2 + y^2) scaled by the larger one's power of two, the sum of
 * squares as a double-double */
GVM_FN double __nv_hypot(double x, double y)
{
    double a = __builtin_fabs(x), b = __builtin_fabs(y), t;
    struct gvm_dd s;
    int e;

    if (a == GVM_INF || b == GVM_INF) {
        return GVM_INF;
    }
    if (x != x || y != y) {
        return x + y;
    }
    if (a < b) {
        t = a;
        a = b;
        b = t;
    }
    if (b == 0.0 || a > b * 0x1p60) {
        return a + b;
    }
    e = (int)(gvm_bits(a) >> 52) - 1023;
    e = e < -1022 ? -1022 : e;
    a = gvm_scale(a, -e);
    b = gvm_scale(b, -e);
    s = gvm_dd_add(gvm_two_prod(a, a), gvm_two_prod(b, b));
    return gvm_scale(gvm_dd_sqrt(s).hi, e);
}

/* ---- inverse hyperbolic functions: logarithms of double-doubles ---- */

/* log(w.hi + w.lo), w > 0 */
GVM_F double gvm_log_of_dd(struct gvm_dd w)
{
    struct gvm_dd l = gvm_log_dd(w.hi);

    return gvm_fast_two_sum(l.hi, l.lo + w.lo / w.hi).hi;
}

/* log(2a) for a >= 2^28, where sqrt(a^2 + 1) = a to double-double
 * precision */
GVM_F double gvm_log_2a(double a)
{
    struct gvm_dd l = gvm_log_dd(a);

    return gvm_dd_add(l, gvm_dd_make(GVM_LN2D_HI, GVM_LN2D_LO)).hi;
}

/* asinh |x| = log(|x| + sqrt(x^2 + 1)) */
GVM_FN double __nv_asinh(double x)
{
    double a = __builtin_fabs(x), r;
    struct gvm_dd s;

    if (x != x || a == GVM_INF) {
        return x + x;
    }
    if (a < 0x1p-28) {
        return x;
    }
    if (a >= 0x1p28) {
        r = gvm_log_2a(a);
    } else {
        s = gvm_dd_sqrt(gvm_dd_add(gvm_two_prod(a, a),
                                   gvm_dd_make(1.0, 0.0)));
        r = gvm_log_of_dd(gvm_dd_add(gvm_dd_make(a, 0.0), s));
    }
    return __builtin_copysign(r, x);
}

/* acosh x = log(x + sqrt((x - 1)(x + 1))), x >= 1 */
GVM_FN double __nv_acosh(double x)
{
    struct gvm_dd s;

    if (x != x) {
        return x + x;
    }
    if (x < 1.0) {
        return GVM_NAN;
    }
    if (x == GVM_INF) {
        return x;
    }
    if (x >= 0x1p28) {
        return gvm_log_2a(x);
    }
    s = gvm_dd_sqrt(gvm_dd_mul(gvm_two_sum(x, -1.0), gvm_two_sum(x, 1.0)));
    return gvm_log_of_dd(gvm_dd_add(gvm_dd_make(x, 0.0), s));
}

/* atanh |x| = log((1 + |x|) / (1 - |x|)) / 2 */
GVM_FN double __nv_atanh(double x)
{
    double a = __builtin_fabs(x);
    struct gvm_dd q;

    if (x != x || a < 0x1p-28) {
        return x + x * 0.0;
    }
    if (a > 1.0) {
        return GVM_NAN;
    }
    if (a == 1.0) {
        return __builtin_copysign(GVM_INF, x);
    }
    q = gvm_dd_div(gvm_two_sum(1.0, a), gvm_two_sum(1.0, -a));
    return __builtin_copysign(0.5 * gvm_log_of_dd(q), x);
}

/* ---- the error function ---- */

/* erf(x) / (x 2/sqrt(pi)) as a double-double, |x| <= 1: the Maclaurin
 * series 1 - z/3 + z^2 (1/(2! 5) - z/(3! 7) + ... + z^17/(19! 39)),
 * z = x^2, with 1 - z/3 exact as a double-double */
GVM_FN struct gvm_dd gvm_erf_s(double x)
{
    struct gvm_dd z = gvm_two_prod(x, x), q, s;
    double p = -1.0 / (121645100408832000.0 * 39.0);
    double f = 6402373705728000.0;          /* 18! */
    int n;

    for (n = 18; n >= 2; n--) {
        p = gvm_fma(p, z.hi, ((n & 1) ? -1.0 : 1.0) / (f * (2 * n + 1)));
        f /= n;
    }
    q.hi = z.hi / 3.0;
    q.lo = (gvm_fma(-q.hi, 3.0, z.hi) + z.lo) / 3.0;
    s = gvm_fast_two_sum(1.0, -q.hi);
    return gvm_fast_two_sum(s.hi, s.lo + (z.hi * z.hi * p - q.lo));
}

/* erf(x) as a double-double, |x| <= 1 */
GVM_F struct gvm_dd gvm_erf_dd(double x)
{
    return gvm_dd_mul(gvm_dd_mul_d(gvm_dd_make(GVM_2OSQRTPI_HI,
                                               GVM_2OSQRTPI_LO), x),
                      gvm_erf_s(x));
}

/* erfc(x) for x >= 1: e^-x^2 / sqrt(pi) / K, K = x + (1/2) / (x + 1 /
 * (x + (3/2) / (x + 2 / ...))) evaluated from the back (more terms near
 * 1, where it converges slowly); results below 2^-968 are computed 2^54
 * larger and scaled once */
GVM_FN double gvm_erfc_big(double x)
{
    struct gvm_dd z = gvm_two_prod(x, x), e;
    double k = 0.0, r;
    int n = x < 1.5 ? 400 : x < 3.0 ? 120 : 40, sc = x > 26.0 ? 54 : 0;

    for (; n >= 1; n--) {
        k = (0.5 * n) / (x + k);
    }
    e = gvm_two_sum(-z.hi, sc * GVM_LN2_HI);
    r = gvm_exp_dd(e.hi, e.lo + (sc * GVM_LN2_LO - z.lo));
    r = gvm_dd_div(gvm_dd_mul_d(gvm_dd_make(GVM_1OSQRTPI_HI,
                                            GVM_1OSQRTPI_LO), r),
                   gvm_two_sum(x, k)).hi;
    return sc ? r * 0x1p-54 : r;
}

GVM_FN double __nv_erf(double x)
{
    double ax = __builtin_fabs(x);

    if (x != x || x == 0.0) {
        return x + x;
    }
    if (ax < 0x1p-28) {                     /* x 2/sqrt(pi), subnormal too */
        return gvm_fma(x * 0x1p60, GVM_2OSQRTPI_HI,
                       x * 0x1p60 * GVM_2OSQRTPI_LO) * 0x1p-60;
    }
    if (ax <= 1.0) {
        return gvm_erf_dd(x).hi;
    }
    if (ax >= 6.0) {
        return __builtin_copysign(1.0, x);
    }
    return __builtin_copysign(1.0 - gvm_erfc_big(ax), x);
}

GVM_FN double __nv_erfc(double x)
{
    struct gvm_dd e;

    if (x != x) {
        return x + x;
    }
    if (x < -6.0) {
        return 2.0;
    }
    if (x > 27.3) {
        return 0.0;
    }
    if (__builtin_fabs(x) < 1.0) {
        e = gvm_erf_dd(x);
        e = gvm_dd_add(gvm_dd_make(1.0, 0.0), gvm_dd_neg(e));
        return e.hi;
    }
    return x > 0.0 ? gvm_erfc_big(x) : 2.0 - gvm_erfc_big(-x);
}

/* ---- single precision: the double function, rounded once ---- */
#define GVM_F32(name)                                                   \
    GVM_F float __nv_##name##f(float x)                                 \
    {                                                                   \
        return (float)__nv_##name((double)x);                           \
    }
GVM_F32(exp)
GVM_F32(exp2)
GVM_F32(exp10)
GVM_F32(expm1)
GVM_F32(log)
GVM_F32(log2)
GVM_F32(log10)
GVM_F32(log1p)
GVM_F32(sin)
GVM_F32(cos)
GVM_F32(tan)
GVM_F32(sinh)
GVM_F32(cosh)
GVM_F32(tanh)
GVM_F32(atan)
GVM_F32(asin)
GVM_F32(acos)
GVM_F32(cbrt)
GVM_F32(erf)
GVM_F32(erfc)
GVM_F32(asinh)
GVM_F32(acosh)
GVM_F32(atanh)
GVM_F32(sinpi)
GVM_F32(cospi)
#undef GVM_F32

GVM_F float __nv_powf(float x, float y)
{
    return (float)__nv_pow((double)x, (double)y);
}

GVM_F float __nv_atan2f(float y, float x)
{
    return (float)__nv_atan2((double)y, (double)x);
}

GVM_F float __nv_hypotf(float x, float y)
{
    return (float)__nv_hypot((double)x, (double)y);
}

GVM_F float __nv_rcbrtf(float x)
{
    return (float)(1.0 / __nv_cbrt((double)x));
}

GVM_F void __nv_sincosf(float x, float *s, float *c)
{
    double ds, dc;

    __nv_sincos((double)x, &ds, &dc);
    *s = (float)ds;
    *c = (float)dc;
}

#endif /* GV_MATH_F32_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device math library (gv_math.h): sinh, cosh, tanh, cbrt, hypot in
 * double precision; the error function for float; the single-precision
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

/* erf in double for the float functions (about 1e-15 relative):
 * |x| < 2: the Maclaurin series; above: erfc by its continued fraction
 * e^-x^2 / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))) */
GVM_FN double gvm_erfc_cf(double ax)
{
    double k = 0.0;
    int n;

    for (n = 60; n >= 1; n--) {
        k = (0.5 * n) / (ax + k);
    }
    return __nv_exp(-ax * ax) * GVM_1OSQRTPI_HI / (ax + k);
}

GVM_FN double gvm_erf_series(double x)
{
    double z = x * x, t = x, s = x;
    int n;

    for (n = 1; n < 60; n++) {
        t *= -z / n;
        s += t / (2 * n + 1);
    }
    return s * GVM_2OSQRTPI_HI;
}

GVM_FN float __nv_erff(float x)
{
    double ax = __builtin_fabs((double)x);

    if (x != x) {
        return x + x;
    }
    if (ax < 0x1p-60) {
        return (float)((double)x * GVM_2OSQRTPI_HI);
    }
    if (ax < 2.0) {
        return (float)gvm_erf_series((double)x);
    }
    if (ax > 6.0) {
        return __builtin_copysignf(1.0f, x);
    }
    return __builtin_copysignf((float)(1.0 - gvm_erfc_cf(ax)), x);
}

GVM_FN float __nv_erfcf(float x)
{
    double d = (double)x;

    if (x != x) {
        return x + x;
    }
    if (d < -6.0) {
        return 2.0f;
    }
    if (d > 11.0) {
        return 0.0f;
    }
    if (__builtin_fabs(d) < 2.0) {
        return (float)(1.0 - gvm_erf_series(d));
    }
    return (float)(d > 0.0 ? gvm_erfc_cf(d) : 2.0 - gvm_erfc_cf(-d));
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

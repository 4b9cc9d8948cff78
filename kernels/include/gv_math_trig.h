/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device math library (gv_math.h): sin, cos, tan, sincos, atan,
 * atan2, asin, acos in double precision.
 */
#ifndef GV_MATH_TRIG_H
#define GV_MATH_TRIG_H

/* the bits of 2/pi after a zero word, for Payne-Hanek */
static __device__ const unsigned long long gvm_2opi_bits[21] = {
    GVM_2OPI_WORDS
};

/* atan(j/8) as hi, lo for j = 0..8 */
static __device__ const double gvm_atan_tab[18] = {
    0.0, 0.0,
    GVM_ATAN1_8_HI, GVM_ATAN1_8_LO, GVM_ATAN2_8_HI, GVM_ATAN2_8_LO,
    GVM_ATAN3_8_HI, GVM_ATAN3_8_LO, GVM_ATAN4_8_HI, GVM_ATAN4_8_LO,
    GVM_ATAN5_8_HI, GVM_ATAN5_8_LO, GVM_ATAN6_8_HI, GVM_ATAN6_8_LO,
    GVM_ATAN7_8_HI, GVM_ATAN7_8_LO, GVM_ATAN8_8_HI, GVM_ATAN8_8_LO,
};

GVM_F unsigned long long gvm_win(unsigned long long a, unsigned long long b,
                                 int o)
{
    return o ? (a << o) | (b >> (64 - o)) : a;
}

/* Payne-Hanek for ax >= 2^20: ax = M 2^E (M an integer of 53 bits), and
 * ax 2/pi mod 4 = M W 2^-190 mod 4 with W the 192 bits of 2/pi from bit
 * E - 1 on (the bits before give multiples of 4, those after less than
 * 2^-137); returns the quadrant, r = the remainder times pi/2 */
GVM_FN int gvm_rem_pio2_large(double ax, struct gvm_dd *r)
{
    long long b = gvm_bits(ax);
    int e = (int)(b >> 52) - 1075;
    unsigned long long m = (unsigned long long)((b & GVM_MANT) | (1ll << 52));
    int p0 = e + 62, w = p0 >> 6, o = p0 & 63, q, lz, sh = 0;
    const unsigned long long *t = gvm_2opi_bits + w;
    unsigned long long w2 = gvm_win(t[0], t[1], o);
    unsigned long long w1 = gvm_win(t[1], t[2], o);
    unsigned long long w0 = gvm_win(t[2], t[3], o);
    unsigned long long p1, p2, f, g, n1, n2;
    double hi, lo;
    int neg;
    struct gvm_dd v;

    p1 = __nvvm_mulhi_ull(m, w0) + m * w1;
    p2 = m * w2 + __nvvm_mulhi_ull(m, w1) + (p1 < m * w1);
    q = (int)(p2 >> 62);
    f = (p2 << 2) | (p1 >> 62);
    g = (p1 << 2) | ((m * w0) >> 62);
    neg = (int)(f >> 63);
    if (neg) {                              /* 1 - fraction, next quadrant */
        f = ~f;
        g = ~g + 1;
        f += g == 0;
        q++;
    }
    if (f == 0) {
        f = g;
        g = 0;
        sh = 64;
    }
    lz = __builtin_clzll(f);
    n1 = lz ? (f << lz) | (g >> (64 - lz)) : f;
    n2 = g << lz;
    hi = (double)(n1 >> 11) * gvm_scale(1.0, -53 - lz - sh);
    lo = (double)(((n1 & 0x7ff) << 42) | (n2 >> 22)) *
         gvm_scale(1.0, -106 - lz - sh);
    v = gvm_two_prod(hi, GVM_PIO2_HI);
    v = gvm_fast_two_sum(v.hi, v.lo + (hi * GVM_PIO2_LO + lo * GVM_PIO2_HI));
    *r = neg ? gvm_dd_neg(v) : v;
    return q & 3;
}

/* x = k pi/2 + r, |r| <= pi/4 (a double-double); returns k mod 4 */
GVM_FN int gvm_rem_pio2(double x, struct gvm_dd *r)
{
    double ax = __builtin_fabs(x), k, r1;
    struct gvm_dd w, a;
    int q;

    if (ax <= GVM_PIO4_HI) {
        *r = gvm_dd_make(x, 0.0);
        return 0;
    }
    if (ax < 0x1p20) {
        k = __builtin_rint(x * GVM_2OPI);
        r1 = gvm_fma(-k, GVM_PIO2_1, x);    /* exact */
        w = gvm_two_prod(k, GVM_PIO2_2);
        a = gvm_two_sum(r1, -w.hi);
        *r = gvm_two_sum(a.hi, a.lo - w.lo - k * GVM_PIO2_3);
        return (int)k & 3;
    }
    q = gvm_rem_pio2_large(ax, r);
    if (x < 0.0) {
        *r = gvm_dd_neg(*r);
        q = -q;
    }
    return q & 3;
}

/* sin(r + rl), |r| <= pi/4: r + r^3 (-1/3! + r^2/5! - ... - r^16/19!) */
GVM_F struct gvm_dd gvm_sin_core(double r, double rl)
{
    double z = r * r, p = -1.0 / 121645100408832000.0;

    p = gvm_fma(p, z, 1.0 / 355687428096000.0);
    p = gvm_fma(p, z, -1.0 / 1307674368000.0);
    p = gvm_fma(p, z, 1.0 / 6227020800.0);
    p = gvm_fma(p, z, -1.0 / 39916800.0);
    p = gvm_fma(p, z, 1.0 / 362880.0);
    p = gvm_fma(p, z, -1.0 / 5040.0);
    p = gvm_fma(p, z, 1.0 / 120.0);
    p = gvm_fma(p, z, -1.0 / 6.0);
    return gvm_fast_two_sum(r, r * z * p + rl * (1.0 - 0.5 * z));
}

/* cos(r + rl), |r| <= pi/4: (1 - r^2/2) exactly as w + its error, then
 * r^4 (1/4! - r^2/6! + ... + r^16/20!) */
GVM_F struct gvm_dd gvm_cos_core(double r, double rl)
{
    struct gvm_dd z = gvm_two_prod(r, r);
    double hz = 0.5 * z.hi, w = 1.0 - hz;
    double p = 1.0 / 2432902008176640000.0;

    p = gvm_fma(p, z.hi, -1.0 / 6402373705728000.0);
    p = gvm_fma(p, z.hi, 1.0 / 20922789888000.0);
    p = gvm_fma(p, z.hi, -1.0 / 87178291200.0);
    p = gvm_fma(p, z.hi, 1.0 / 479001600.0);
    p = gvm_fma(p, z.hi, -1.0 / 3628800.0);
    p = gvm_fma(p, z.hi, 1.0 / 40320.0);
    p = gvm_fma(p, z.hi, -1.0 / 720.0);
    p = gvm_fma(p, z.hi, 1.0 / 24.0);
    return gvm_fast_two_sum(w, ((1.0 - w) - hz) +
                               (z.hi * z.hi * p - 0.5 * z.lo - r * rl));
}

/* sin (which = 0) or cos (which = 1) of x as a double-double */
GVM_FN struct gvm_dd gvm_sincos_dd(double x, int which)
{
    struct gvm_dd r, v;
    int q = gvm_rem_pio2(x, &r) + which;

    v = (q & 1) ? gvm_cos_core(r.hi, r.lo) : gvm_sin_core(r.hi, r.lo);
    return (q & 2) ? gvm_dd_neg(v) : v;
}

GVM_FN double __nv_sin(double x)
{
    if (__builtin_fabs(x) == GVM_INF) {
        return GVM_NAN;
    }
    if (x != x || __builtin_fabs(x) < 0x1p-27) {
        return x + x * 0.0;
    }
    return gvm_sincos_dd(x, 0).hi;
}

GVM_FN double __nv_cos(double x)
{
    if (x != x) {
        return x + x;
    }
    if (__builtin_fabs(x) == GVM_INF) {
        return GVM_NAN;
    }
    return gvm_sincos_dd(x, 1).hi;
}

GVM_FN void __nv_sincos(double x, double *s, double *c)
{
    struct gvm_dd r, vs, vc;
    int q;

    if (x != x || __builtin_fabs(x) == GVM_INF) {
        *s = *c = x - x;
        return;
    }
    q = gvm_rem_pio2(x, &r);
    vs = gvm_sin_core(r.hi, r.lo);
    vc = gvm_cos_core(r.hi, r.lo);
    if (q & 1) {
        struct gvm_dd t = vs;

        vs = vc;
        vc = gvm_dd_neg(t);
    }
    if (q & 2) {
        vs = gvm_dd_neg(vs);
        vc = gvm_dd_neg(vc);
    }
    *s = __builtin_fabs(x) < 0x1p-27 ? x : vs.hi;
    *c = vc.hi;
}

/* tan = sin / cos, or -cos / sin in odd quadrants, divided as
 * double-doubles */
GVM_FN double __nv_tan(double x)
{
    struct gvm_dd r, s, c;
    int q;

    if (x != x || __builtin_fabs(x) == GVM_INF) {
        return x - x;
    }
    if (__builtin_fabs(x) < 0x1p-27) {
        return x;
    }
    q = gvm_rem_pio2(x, &r);
    s = gvm_sin_core(r.hi, r.lo);
    c = gvm_cos_core(r.hi, r.lo);
    return (q & 1) ? -gvm_dd_div(c, s).hi : gvm_dd_div(s, c).hi;
}

/* sin(pi x) (which = 0) or cos(pi x) (which = 1): x = k/2 + f exactly,
 * |f| <= 1/4, pi f as a double-double; exact zeros are +0, but sinpi's
 * (-0 for negative x) */
GVM_FN double gvm_sincospi(double x, int which)
{
    double ax = __builtin_fabs(x), k, f;
    struct gvm_dd r, v;
    int q;

    if (x != x || ax == GVM_INF) {
        return x - x;
    }
    if (ax < 0x1p-1000 && which) {
        return 1.0;
    }
    if (x == 0.0) {
        return x;
    }
    if (ax >= 0x1p53) {                     /* an even integer */
        k = 0.0;
        f = 0.0;
    } else {
        k = __builtin_rint(2.0 * x);
        f = x - 0.5 * k;                    /* exact */
    }
    if (ax < 0x1p-1000) {   /* sin(pi f) = pi f: computed 2^600 larger */
        r = gvm_dd_make(gvm_scale(f, 600), 0.0);
    } else {
        r = gvm_dd_make(f, 0.0);
    }
    v = gvm_two_prod(r.hi, GVM_PI_HI);
    r = gvm_fast_two_sum(v.hi, v.lo + r.hi * GVM_PI_LO);
    q = ((int)(long long)k + which) & 3;
    v = (q & 1) ? gvm_cos_core(r.hi, r.lo) : gvm_sin_core(r.hi, r.lo);
    f = (q & 2) ? -v.hi : v.hi;
    if (ax < 0x1p-1000) {
        return gvm_scale(gvm_fast_two_sum(v.hi, v.lo).hi, -600);
    }
    if (f == 0.0) {
        return which ? 0.0 : __builtin_copysign(0.0, x);
    }
    return f;
}

GVM_FN double __nv_sinpi(double x)
{
    return gvm_sincospi(x, 0);
}

GVM_FN double __nv_cospi(double x)
{
    return gvm_sincospi(x, 1);
}

/* atan(xh + xl) for xh >= 0 (up to +inf) as a double-double: 1/x above
 * 1, then atan(x) = atan(c) + atan((x - c) / (1 + x c)) with c = j/8
 * nearest x, |t| <= 1/16: t - t^3/3 + ... - t^19/19 */
GVM_FN struct gvm_dd gvm_atan_dd(double xh, double xl)
{
    int inv = 0, j;
    double c, dh, dl, th, tl, z, p, u;
    struct gvm_dd n, s;

    if (xh > 1.0) {
        u = 1.0 / xh;
        xl = u == 0.0 ? 0.0 : (gvm_fma(-u, xh, 1.0) - u * xl) / xh;
        xh = u;
        inv = 1;
    }
    j = (int)__builtin_rint(xh * 8.0);
    c = j * 0.125;
    n = gvm_two_sum(xh - c, xl);            /* xh - c: exact */
    dh = gvm_fma(xh, c, 1.0);
    dl = gvm_fma(xh, c, 1.0 - dh) + xl * c;
    th = n.hi / dh;
    tl = (gvm_fma(-th, dh, n.hi) + n.lo - th * dl) / dh;
    z = th * th;
    p = -1.0 / 19.0;
    p = gvm_fma(p, z, 1.0 / 17.0);
    p = gvm_fma(p, z, -1.0 / 15.0);
    p = gvm_fma(p, z, 1.0 / 13.0);
    p = gvm_fma(p, z, -1.0 / 11.0);
    p = gvm_fma(p, z, 1.0 / 9.0);
    p = gvm_fma(p, z, -1.0 / 7.0);
    p = gvm_fma(p, z, 1.0 / 5.0);
    p = gvm_fma(p, z, -1.0 / 3.0);
    s = gvm_two_sum(gvm_atan_tab[2 * j], th);
    s = gvm_fast_two_sum(s.hi, s.lo + (gvm_atan_tab[2 * j + 1] +
                                       (th * z * p + tl * (1.0 - z))));
    if (inv) {
        s = gvm_dd_add(gvm_dd_make(GVM_PIO2_HI, GVM_PIO2_LO), gvm_dd_neg(s));
    }
    return s;
}

GVM_FN double __nv_atan(double x)
{
    double a;

    if (x != x) {
        return x + x;
    }
    if (__builtin_fabs(x) < 0x1p-28) {
        return x;
    }
    a = gvm_atan_dd(__builtin_fabs(x), 0.0).hi;
    return x < 0.0 ? -a : a;
}

/* atan(y/x) in the quadrant of (x, y); C99 F.9.1.4 for the special
 * cases */
GVM_FN double __nv_atan2(double y, double x)
{
    double ay = __builtin_fabs(y), ax = __builtin_fabs(x), qh, ql, mx;
    struct gvm_dd a;
    int e;

    if (x != x || y != y) {
        return x + y;
    }
    if (y == 0.0 || (ax == GVM_INF && ay != GVM_INF)) {
        a = gvm_dd_make(__builtin_signbit(x) ? GVM_PI_HI : 0.0, 0.0);
    } else if (ax == 0.0 || (ay == GVM_INF && ax != GVM_INF)) {
        a = gvm_dd_make(GVM_PIO2_HI, 0.0);
    } else if (ax == GVM_INF) {
        a = gvm_dd_make(GVM_PIO4_HI, GVM_PIO4_LO);
        if (x < 0.0) {
            a = gvm_dd_add(gvm_dd_make(GVM_PI_HI, GVM_PI_LO), gvm_dd_neg(a));
        }
    } else if (x > 0.0 && ay < ax * 0x1p-1000) {
        /* atan(q) = q (1 - q^2/3 ...): the quotient, rounded once (also
         * when it is subnormal) */
        a = gvm_dd_make(ay / ax, 0.0);
    } else {
        mx = ay > ax ? ay : ax;
        e = (int)(gvm_bits(mx) >> 52) - 1023;
        ay = gvm_scale(ay, -e);             /* exact for the larger one */
        ax = gvm_scale(ax, -e);
        qh = ay / ax;
        ql = qh == GVM_INF ? 0.0 : gvm_fma(-qh, ax, ay) / ax;
        a = gvm_atan_dd(qh, ql);
        if (x < 0.0) {
            a = gvm_dd_add(gvm_dd_make(GVM_PI_HI, GVM_PI_LO), gvm_dd_neg(a));
        }
    }
    return __builtin_copysign(a.hi, y);
}

/* sqrt((1 - a)(1 + a)) as a double-double, 0 <= a <= 1 */
GVM_F struct gvm_dd gvm_sqrt_1mx2(double a)
{
    return gvm_dd_sqrt(gvm_dd_mul(gvm_two_sum(1.0, -a), gvm_two_sum(1.0, a)));
}

/* asin x = atan(x / sqrt(1 - x^2)) */
GVM_FN double __nv_asin(double x)
{
    double ax = __builtin_fabs(x), r;
    struct gvm_dd q;

    if (x != x) {
        return x + x;
    }
    if (ax > 1.0) {
        return GVM_NAN;
    }
    if (ax < 0x1p-27) {
        return x;
    }
    if (ax == 1.0) {
        r = GVM_PIO2_HI;
    } else {
        q = gvm_dd_div(gvm_dd_make(ax, 0.0), gvm_sqrt_1mx2(ax));
        r = gvm_atan_dd(q.hi, q.lo).hi;
    }
    return __builtin_copysign(r, x);
}

/* acos x = atan(sqrt(1 - x^2) / x), pi minus that for x < 0 */
GVM_FN double __nv_acos(double x)
{
    double ax = __builtin_fabs(x);
    struct gvm_dd q, a;

    if (x != x) {
        return x + x;
    }
    if (ax > 1.0) {
        return GVM_NAN;
    }
    if (ax < 0x1p-60) {
        return GVM_PIO2_HI;
    }
    q = gvm_dd_div(gvm_sqrt_1mx2(ax), gvm_dd_make(ax, 0.0));
    a = gvm_atan_dd(q.hi, q.lo);
    if (x < 0.0) {
        a = gvm_dd_add(gvm_dd_make(GVM_PI_HI, GVM_PI_LO), gvm_dd_neg(a));
    }
    return a.hi;
}

#endif /* GV_MATH_TRIG_H */

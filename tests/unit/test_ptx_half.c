/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-ptx-half: half-precision arithmetic and conversions (PTX ISA,
 * "Half Precision Floating-Point Instructions", "cvt"; docs/ptx.md),
 * translated and run on the compute engine against CPU references that
 * round exactly (one rounding of the double-precision result to the
 * format's significand and exponent range): add, sub, mul, fma, min,
 * max, neg, abs on .f16, .f16x2, .bf16 and .bf16x2 (.sat, .ftz, .relu,
 * .NaN, .xorsign.abs), setp on each, cvt between the half types and
 * f32/f64 (f64 -> f16 in one rounding, the .x2 packs) and between .bf16
 * and the integer types, the half atomics; and the errors.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_core.h"
#include "gv_ktest.h"
#include "gv_ptx.h"
#include "ptx_run.h"


#define KHEAD ".version 7.8\n.target sm_90\n.address_size 64\n" \
              ".visible .entry k(.param .u64 k_out, .param .u64 k_in)\n"

/* ---- references ---- */

static double dec_h(uint32_t h)
{
    unsigned e = (h >> 10) & 31, m = h & 1023;
    double r = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY)
               : ldexp(m | 1024, (int)e - 25);

    return (h & 0x8000) ? -r : r;
}

static double dec_bf(uint32_t b)
{
    uint32_t u = (b & 0xffff) << 16;
    float f;

    memcpy(&f, &u, 4);
    return f;
}

/* @x rounded to nearest even in a format of @p significand bits,
 * minimum normal exponent @emin and largest finite value @max. */
static double round_fmt(double x, int p, int emin, double max)
{
    int e;
    double q, r;

    if (isnan(x) || isinf(x) || x == 0) {
        return x;
    }
    frexp(x, &e);
    e = e - 1 < emin ? emin : e - 1;
    q = ldexp(1.0, e - (p - 1));
    r = nearbyint(x / q) * q;
    return fabs(r) > max ? copysign(INFINITY, r) : r;
}

/* Encode @r, a value of the format (or inf/NaN); NaN: any NaN. */
static uint32_t enc_h(double r)
{
    uint32_t s = signbit(r) ? 0x8000 : 0;
    int e;
    double m;

    if (isnan(r)) {
        return 0x7fff;
    }
    r = fabs(r);
    if (isinf(r)) {
        return s | 0x7c00;
    }
    if (r < ldexp(1.0, -14)) {
        return s | (uint32_t)ldexp(r, 24);
    }
    m = frexp(r, &e);
    return s | (uint32_t)(e - 1 + 15) << 10 | ((uint32_t)ldexp(m, 11) - 1024);
}

static uint32_t enc_bf(double r)
{
    float f = (float)r;
    uint32_t u;

    if (isnan(r)) {
        return 0x7fff;
    }
    memcpy(&u, &f, 4);
    return u >> 16;
}

#define BF_MAX 3.38953138925153547590e38

static uint32_t rnd_h(double x, bool bf)
{
    return bf ? enc_bf(round_fmt(x, 8, -126, BF_MAX))
              : enc_h(round_fmt(x, 11, -14, 65504.0));
}

static bool is_nan16(uint32_t v, bool bf)
{
    return bf ? (v & 0x7f80) == 0x7f80 && (v & 0x7f)
              : (v & 0x7c00) == 0x7c00 && (v & 0x3ff);
}

/* Half op @k (0 add, 1 sub, 2 mul, 3 fma, 4 min, 5 max, 6 neg, 7 abs,
 * 8 add.sat, 9 fma.sat) of 16-bit a, b, c. */
static uint32_t ref_op(int k, bool bf, uint32_t a, uint32_t b, uint32_t c)
{
    double x = bf ? dec_bf(a) : dec_h(a), y = bf ? dec_bf(b) : dec_h(b);
    double z = bf ? dec_bf(c) : dec_h(c), r;
    uint32_t sign = 0x8000;

    switch (k) {
    case 0: case 8: r = x + y; break;
    case 1: r = x - y; break;
    case 2: r = x * y; break;
    case 3: case 9: r = fma(x, y, z); break;
    case 4: r = fmin(x, y); break;
    case 5: r = fmax(x, y); break;
    case 6: return (a ^ sign) & 0xffff;
    default: return a & 0x7fff;
    }
    if (k >= 8) {
        r = isnan(r) ? 0.0 : r < 0 ? 0.0 : r > 1 ? 1.0 : r;
        r = round_fmt(r, bf ? 8 : 11, bf ? -126 : -14, 2.0);
        return bf ? enc_bf(r) : enc_h(r);
    }
    return rnd_h(r, bf);
}

static uint32_t bf_ftz(uint32_t h)
{
    return (h & 0x7f80) ? h : h & 0x8000;
}

static uint32_t ftz16(uint32_t h)
{
    return (h & 0x7c00) ? h : h & 0x8000;
}

/* The .ftz, .relu and .NaN forms: 0 add.ftz, 1 fma.relu, 2 min.NaN,
 * 3 max.NaN, 4 mul.ftz (.ftz: f16 only). */
static uint32_t ref_mod(int k, bool bf, uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t r;

    switch (k) {
    case 0:
        return ftz16(ref_op(0, false, ftz16(a), ftz16(b), 0));
    case 4:
        return ftz16(ref_op(2, false, ftz16(a), ftz16(b), 0));
    case 1:
        r = ref_op(3, bf, a, b, c);
        return is_nan16(r, bf) ? 0x7fff : (r & 0x8000) ? 0 : r;
    default:
        if (is_nan16(a, bf) || is_nan16(b, bf)) {
            return 0x7fff;
        }
        return ref_op(k == 2 ? 4 : 5, bf, a, b, c);
    }
}

/* Half results match: equal, both NaN, or (min/max) zeros of either
 * sign. */
static bool same16(uint32_t got, uint32_t want, bool bf, int k)
{
    got &= 0xffff;
    want &= 0xffff;
    if (got == want || (is_nan16(got, bf) && is_nan16(want, bf))) {
        return true;
    }
    return (k == 4 || k == 5) && !(got & 0x7fff) && !(want & 0x7fff);
}

/* ==== arithmetic, setp and cvt ==== */

#define NH 54           /* results per thread */

/* Thread t: A, B, C (.b32: f16x2/bf16x2 pairs; scalar f16 from the low
 * halves, bf16 from the high ones), F, G (f32), D (f64) at in + 32t. */
static const char half_ptx[] =
    KHEAD
    "{\n"
    ".reg .b16 %h<64>;\n"
    ".reg .b32 %r<64>;\n"
    ".reg .b64 %rd<8>;\n"
    ".reg .f32 %f<8>;\n"
    ".reg .f64 %fd<4>;\n"
    ".reg .pred %p<12>;\n"
    PTXR_IN_AT(32)
    "ld.global.v4.b32 {%r2, %r3, %r4, %r5}, [%rd3];\n"
    "ld.global.f32 %f1, [%rd3+12];\n"
    "ld.global.f32 %f2, [%rd3+16];\n"
    "ld.global.f64 %fd1, [%rd3+24];\n"
    "mul.wide.u32 %rd4, %r1, 216;\n"
    "add.s64 %rd4, %rd1, %rd4;\n"
    "mov.b32 {%h1, %h2}, %r2;\n"
    "mov.b32 {%h3, %h4}, %r3;\n"
    "mov.b32 {%h5, %h6}, %r4;\n"
    /* f16 */
    "add.f16 %h10, %h1, %h3;\n"
    "sub.rn.f16 %h11, %h1, %h3;\n"
    "mul.f16 %h12, %h1, %h3;\n"
    "fma.rn.f16 %h13, %h1, %h3, %h5;\n"
    "min.f16 %h14, %h1, %h3;\n"
    "max.f16 %h15, %h1, %h3;\n"
    "neg.f16 %h16, %h1;\n"
    "abs.f16 %h17, %h1;\n"
    "add.sat.f16 %h18, %h1, %h3;\n"
    "fma.rn.sat.f16 %h19, %h1, %h3, %h5;\n"
    /* f16x2 */
    "add.f16x2 %r10, %r2, %r3;\n"
    "sub.f16x2 %r11, %r2, %r3;\n"
    "mul.rn.f16x2 %r12, %r2, %r3;\n"
    "fma.rn.f16x2 %r13, %r2, %r3, %r4;\n"
    "min.f16x2 %r14, %r2, %r3;\n"
    "max.f16x2 %r15, %r2, %r3;\n"
    "neg.f16x2 %r16, %r2;\n"
    "abs.f16x2 %r17, %r2;\n"
    /* bf16 */
    "add.rn.bf16 %h20, %h2, %h4;\n"
    "sub.rn.bf16 %h21, %h2, %h4;\n"
    "mul.rn.bf16 %h22, %h2, %h4;\n"
    "fma.rn.bf16 %h23, %h2, %h4, %h6;\n"
    "min.bf16 %h24, %h2, %h4;\n"
    "max.bf16 %h25, %h2, %h4;\n"
    "neg.bf16 %h26, %h2;\n"
    "abs.bf16 %h27, %h2;\n"
    /* bf16x2 */
    "add.rn.bf16x2 %r26, %r2, %r3;\n"
    "sub.rn.bf16x2 %r27, %r2, %r3;\n"
    "mul.rn.bf16x2 %r28, %r2, %r3;\n"
    "fma.rn.bf16x2 %r29, %r2, %r3, %r4;\n"
    "min.bf16x2 %r30, %r2, %r3;\n"
    "max.bf16x2 %r31, %r2, %r3;\n"
    "neg.bf16x2 %r32, %r2;\n"
    "abs.bf16x2 %r33, %r2;\n"
    /* setp */
    "setp.lt.f16 %p1, %h1, %h3;\n"
    "setp.gtu.bf16 %p2, %h2, %h4;\n"
    "setp.eq.and.f16 %p3, %h1, %h5, %p1;\n"
    "setp.num.bf16 %p4, %h2, %h4;\n"
    "selp.u32 %r40, 1, 0, %p1;\n"
    "selp.u32 %r41, 2, 0, %p2;\n"
    "selp.u32 %r42, 4, 0, %p3;\n"
    "selp.u32 %r43, 8, 0, %p4;\n"
    "or.b32 %r34, %r40, %r41;\n"
    "or.b32 %r34, %r34, %r42;\n"
    "or.b32 %r34, %r34, %r43;\n"
    "setp.lt.f16x2 %p5|%p6, %r2, %r3;\n"
    "setp.geu.or.bf16x2 %p7|%p8, %r2, %r3, %p1;\n"
    "selp.u32 %r40, 16, 0, %p5;\n"
    "selp.u32 %r41, 32, 0, %p6;\n"
    "selp.u32 %r42, 64, 0, %p7;\n"
    "selp.u32 %r43, 128, 0, %p8;\n"
    "or.b32 %r34, %r34, %r40;\n"
    "or.b32 %r34, %r34, %r41;\n"
    "or.b32 %r34, %r34, %r42;\n"
    "or.b32 %r34, %r34, %r43;\n"
    /* cvt */
    "cvt.f32.f16 %f3, %h1;\n"
    "mov.b32 %r35, %f3;\n"
    "cvt.rn.f16.f32 %h36, %f1;\n"
    "cvt.f32.bf16 %f4, %h2;\n"
    "mov.b32 %r37, %f4;\n"
    "cvt.rn.bf16.f32 %h38, %f1;\n"
    "cvt.rn.f16.f64 %h39, %fd1;\n"
    "cvt.rn.bf16.f64 %h40, %fd1;\n"
    "cvt.rn.f16x2.f32 %r41, %f1, %f2;\n"
    "cvt.rn.bf16x2.f32 %r42, %f1, %f2;\n"
    "cvt.f64.bf16 %fd2, %h2;\n"
    "cvt.rn.f32.f64 %f5, %fd2;\n"
    "mov.b32 %r43, %f5;\n"
    /* store: 16-bit results zero-extended */
    "cvt.u32.u16 %r50, %h10;\n"
    "st.global.u32 [%rd4], %r50;\n"
    "cvt.u32.u16 %r50, %h11;\n"
    "st.global.u32 [%rd4+4], %r50;\n"
    "cvt.u32.u16 %r50, %h12;\n"
    "st.global.u32 [%rd4+8], %r50;\n"
    "cvt.u32.u16 %r50, %h13;\n"
    "st.global.u32 [%rd4+12], %r50;\n"
    "cvt.u32.u16 %r50, %h14;\n"
    "st.global.u32 [%rd4+16], %r50;\n"
    "cvt.u32.u16 %r50, %h15;\n"
    "st.global.u32 [%rd4+20], %r50;\n"
    "cvt.u32.u16 %r50, %h16;\n"
    "st.global.u32 [%rd4+24], %r50;\n"
    "cvt.u32.u16 %r50, %h17;\n"
    "st.global.u32 [%rd4+28], %r50;\n"
    "cvt.u32.u16 %r50, %h18;\n"
    "st.global.u32 [%rd4+32], %r50;\n"
    "cvt.u32.u16 %r50, %h19;\n"
    "st.global.u32 [%rd4+36], %r50;\n"
    "st.global.v2.b32 [%rd4+40], {%r10, %r11};\n"
    "st.global.v4.b32 [%rd4+48], {%r12, %r13, %r14, %r15};\n"
    "st.global.v2.b32 [%rd4+64], {%r16, %r17};\n"
    "cvt.u32.u16 %r50, %h20;\n"
    "st.global.u32 [%rd4+72], %r50;\n"
    "cvt.u32.u16 %r50, %h21;\n"
    "st.global.u32 [%rd4+76], %r50;\n"
    "cvt.u32.u16 %r50, %h22;\n"
    "st.global.u32 [%rd4+80], %r50;\n"
    "cvt.u32.u16 %r50, %h23;\n"
    "st.global.u32 [%rd4+84], %r50;\n"
    "cvt.u32.u16 %r50, %h24;\n"
    "st.global.u32 [%rd4+88], %r50;\n"
    "cvt.u32.u16 %r50, %h25;\n"
    "st.global.u32 [%rd4+92], %r50;\n"
    "cvt.u32.u16 %r50, %h26;\n"
    "st.global.u32 [%rd4+96], %r50;\n"
    "cvt.u32.u16 %r50, %h27;\n"
    "st.global.u32 [%rd4+100], %r50;\n"
    "st.global.v2.b32 [%rd4+104], {%r26, %r27};\n"
    "st.global.v4.b32 [%rd4+112], {%r28, %r29, %r30, %r31};\n"
    "st.global.v4.b32 [%rd4+128], {%r32, %r33, %r34, %r35};\n"
    "cvt.u32.u16 %r50, %h36;\n"
    "st.global.u32 [%rd4+144], %r50;\n"
    "st.global.u32 [%rd4+148], %r37;\n"
    "cvt.u32.u16 %r50, %h38;\n"
    "st.global.u32 [%rd4+152], %r50;\n"
    "cvt.u32.u16 %r50, %h39;\n"
    "st.global.u32 [%rd4+156], %r50;\n"
    "cvt.u32.u16 %r50, %h40;\n"
    "st.global.u32 [%rd4+160], %r50;\n"
    "st.global.v2.b32 [%rd4+164], {%r41, %r42};\n"
    "st.global.u32 [%rd4+172], %r43;\n"
    /* .ftz, .relu, .NaN */
    "add.ftz.f16 %h41, %h1, %h3;\n"
    "fma.rn.relu.f16 %h42, %h1, %h3, %h5;\n"
    "fma.rn.relu.bf16 %h43, %h2, %h4, %h6;\n"
    "min.NaN.f16 %h44, %h1, %h3;\n"
    "max.NaN.bf16 %h45, %h2, %h4;\n"
    "mul.ftz.f16x2 %r44, %r2, %r3;\n"
    "cvt.u32.u16 %r50, %h41;\n"
    "st.global.u32 [%rd4+176], %r50;\n"
    "cvt.u32.u16 %r50, %h42;\n"
    "st.global.u32 [%rd4+180], %r50;\n"
    "cvt.u32.u16 %r50, %h43;\n"
    "st.global.u32 [%rd4+184], %r50;\n"
    "cvt.u32.u16 %r50, %h44;\n"
    "st.global.u32 [%rd4+188], %r50;\n"
    "cvt.u32.u16 %r50, %h45;\n"
    "st.global.u32 [%rd4+192], %r50;\n"
    "st.global.u32 [%rd4+196], %r44;\n"
    /* the approximate functions */
    "ex2.approx.f16 %h46, %h1;\n"
    "ex2.approx.ftz.bf16 %h47, %h2;\n"
    "tanh.approx.f16x2 %r45, %r2;\n"
    "tanh.approx.bf16 %h48, %h2;\n"
    "cvt.u32.u16 %r50, %h46;\n"
    "st.global.u32 [%rd4+200], %r50;\n"
    "cvt.u32.u16 %r50, %h47;\n"
    "st.global.u32 [%rd4+204], %r50;\n"
    "st.global.u32 [%rd4+208], %r45;\n"
    "cvt.u32.u16 %r50, %h48;\n"
    "st.global.u32 [%rd4+212], %r50;\n"
    "ret;\n"
    "}\n";

struct hin {
    uint32_t a, b, c;
    float f, g;
    uint32_t pad;
    double d;
};

static uint32_t f32_bits(double x)
{
    float f = (float)x;
    uint32_t u;

    memcpy(&u, &f, 4);
    return u;
}

static bool fcmp_ref(int k, double x, double y)
{
    bool un = isnan(x) || isnan(y);

    return k == 0 ? !un && x < y : k == 1 ? un || x > y
           : k == 2 ? !un && x == y : k == 3 ? !un : un || x >= y;
}

/* The reference of result @k of one thread: (*half) says whether it is
 * a 16-bit half (bf: of which format, op: which op for min/max zeros). */
static uint32_t half_ref(const struct hin *v, int k, int *fmt, int *op)
{
    uint32_t a = v->a, b = v->b, c = v->c;

    *fmt = -1;
    *op = -1;
    if (k < 10) {
        *fmt = 0;
        *op = k;
        return ref_op(k, false, a & 0xffff, b & 0xffff, c & 0xffff);
    }
    if (k >= 18 && k < 26) {
        *fmt = 1;
        *op = k - 18;
        return ref_op(k - 18, true, a >> 16, b >> 16, c >> 16);
    }
    if ((k >= 10 && k < 18) || (k >= 26 && k < 34)) {
        bool bf = k >= 26;
        int o = bf ? k - 26 : k - 10;

        *fmt = bf ? 3 : 2;
        *op = o;
        return ref_op(o, bf, a & 0xffff, b & 0xffff, c & 0xffff) |
               ref_op(o, bf, a >> 16, b >> 16, c >> 16) << 16;
    }
    switch (k) {
    case 34:
        return fcmp_ref(0, dec_h(a & 0xffff), dec_h(b & 0xffff)) |
               fcmp_ref(1, dec_bf(a >> 16), dec_bf(b >> 16)) << 1 |
               (fcmp_ref(2, dec_h(a & 0xffff), dec_h(c & 0xffff)) &&
                fcmp_ref(0, dec_h(a & 0xffff), dec_h(b & 0xffff))) << 2 |
               fcmp_ref(3, dec_bf(a >> 16), dec_bf(b >> 16)) << 3 |
               fcmp_ref(0, dec_h(a & 0xffff), dec_h(b & 0xffff)) << 4 |
               fcmp_ref(0, dec_h(a >> 16), dec_h(b >> 16)) << 5 |
               (fcmp_ref(4, dec_bf(a & 0xffff), dec_bf(b & 0xffff)) ||
                fcmp_ref(0, dec_h(a & 0xffff), dec_h(b & 0xffff))) << 6 |
               (fcmp_ref(4, dec_bf(a >> 16), dec_bf(b >> 16)) ||
                fcmp_ref(0, dec_h(a & 0xffff), dec_h(b & 0xffff))) << 7;
    case 35:
        *fmt = 4;
        return f32_bits(dec_h(a & 0xffff));
    case 36:
        *fmt = 0;
        return rnd_h(v->f, false);
    case 37:
        *fmt = 4;
        return f32_bits(dec_bf(a >> 16));
    case 38:
        *fmt = 1;
        return rnd_h(v->f, true);
    case 39:
        *fmt = 0;
        return rnd_h(v->d, false);
    case 40:
        *fmt = 1;
        return rnd_h(v->d, true);
    case 41:
        *fmt = 2;
        return rnd_h(v->g, false) | rnd_h(v->f, false) << 16;
    case 42:
        *fmt = 3;
        return rnd_h(v->g, true) | rnd_h(v->f, true) << 16;
    case 43:
        *fmt = 4;
        return f32_bits(dec_bf(a >> 16));
    case 44: case 45: case 47:
        *fmt = 0;
        *op = k == 47 ? 4 : -1;
        return ref_mod(k == 47 ? 2 : k - 44, false, a & 0xffff, b & 0xffff,
                       c & 0xffff);
    case 46: case 48:
        *fmt = 1;
        *op = k == 48 ? 5 : -1;
        return ref_mod(k - 45, true, a >> 16, b >> 16, c >> 16);
    case 49:
        *fmt = 2;
        return ref_mod(4, false, a & 0xffff, b & 0xffff, 0) |
               ref_mod(4, false, a >> 16, b >> 16, 0) << 16;
    case 50:
        *fmt = 5;
        return rnd_h(exp2(dec_h(a & 0xffff)), false);
    case 51:
        *fmt = 6;
        return bf_ftz(rnd_h(exp2(dec_bf(bf_ftz(a >> 16))), true));
    case 52:
        *fmt = 7;
        return rnd_h(tanh(dec_h(a & 0xffff)), false) |
               rnd_h(tanh(dec_h(a >> 16)), false) << 16;
    default:
        *fmt = 6;
        return rnd_h(tanh(dec_bf(a >> 16)), true);
    }
}

/* Within one unit in the last place (the approximate functions). */
static bool near16(uint32_t got, uint32_t want, bool bf)
{
    int g = (int)(got & 0x7fff), w = (int)(want & 0x7fff);

    if (is_nan16(got, bf) || is_nan16(want, bf)) {
        return is_nan16(got, bf) && is_nan16(want, bf);
    }
    if (g == 0 && w == 0) {
        return true;
    }
    return (got & 0x8000) == (want & 0x8000) && abs(g - w) <= 1;
}

static bool half_match(uint32_t got, uint32_t want, int fmt, int op)
{
    if (fmt >= 5) {
        if (fmt == 7) {
            return near16(got & 0xffff, want & 0xffff, false) &&
                   near16(got >> 16, want >> 16, false);
        }
        return (got >> 16) == 0 && near16(got, want, fmt == 6);
    }
    if (fmt < 0) {
        return got == want;
    }
    if (fmt == 4) {
        return got == want || ((got & 0x7fffffff) > 0x7f800000 &&
                               (want & 0x7fffffff) > 0x7f800000);
    }
    if (fmt < 2) {
        return (got >> 16) == 0 && same16(got, want, fmt == 1, op);
    }
    return same16(got, want, fmt == 3, op) &&
           same16(got >> 16, want >> 16, fmt == 3, op);
}

/* A random half: any bit pattern, or a value near 1 (where .sat and
 * cancellations matter). */
static uint32_t rnd_half(bool bf)
{
    uint32_t r = ptxr_rnd32();

    if (r % 3 == 0) {
        return ptxr_rnd32() & 0xffff;
    }
    if (bf) {
        return (0x3f00 + ptxr_rnd32() % 0x100) ^ (r & 0x8000);
    }
    return (0x3800 + ptxr_rnd32() % 0x800) ^ (r & 0x8000);
}

/* A double just off a half's midpoint (rounding it twice lands on the
 * midpoint), or a random value. */
static double near_mid(bool bf)
{
    uint32_t h = ptxr_rnd32() % (bf ? 0x7f00 : 0x7b00) + 0x400;
    double x = bf ? dec_bf(h) : dec_h(h), up = bf ? dec_bf(h + 1)
                                                 : dec_h(h + 1);
    double mid = (x + up) / 2, off = ldexp(up - x, -20);

    return ptxr_rnd32() & 1 ? mid + off : mid - off;
}

static void test_half(void)
{
    enum { T = 256 };
    static struct hin in[T];
    static uint32_t out[NH * T];
    int bad = 0;

    _Static_assert(sizeof(struct hin) == 32, "layout");
    for (int t = 0; t < T; t++) {
        in[t].a = rnd_half(false) | rnd_half(true) << 16;
        in[t].b = rnd_half(false) | rnd_half(true) << 16;
        in[t].c = rnd_half(false) | rnd_half(true) << 16;
        in[t].f = (float)(t % 2 ? near_mid(false) : near_mid(true));
        in[t].g = (float)ldexp((double)(int32_t)ptxr_rnd32(), -(int)(t % 40));
        in[t].d = t % 4 == 3 ? ldexp((double)ptxr_rnd32(), -(int)(t % 50))
                             : near_mid(t % 2);
    }
    CU_ASSERT_EQUAL_FATAL(ptxr_run(half_ptx, T, out, sizeof(out), in,
                                   sizeof(in)),
                          GV_ERR_NONE);
    for (int t = 0; t < T; t++) {
        for (int k = 0; k < NH; k++) {
            int fmt, op;
            uint32_t want = half_ref(&in[t], k, &fmt, &op);

            if (!half_match(out[NH * t + k], want, fmt, op) && bad++ < 10) {
                fprintf(stderr, "\n    thread %d result %d (a %#x b %#x c "
                        "%#x f %a d %a): %#x, expected %#x\n", t, k, in[t].a,
                        in[t].b, in[t].c, in[t].f, in[t].d,
                        out[NH * t + k], want);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* the reference rounds once: a double just above an f16 midpoint */
    CU_ASSERT_EQUAL(rnd_h(1.0 + ldexp(1, -11) + ldexp(1, -30), false),
                    0x3c01);
    CU_ASSERT_EQUAL(rnd_h(1.0 + ldexp(1, -11), false), 0x3c00);
    CU_ASSERT_EQUAL(rnd_h(65520.0, false), 0x7c00);
    CU_ASSERT_EQUAL(rnd_h(1.0 + ldexp(1, -8), true), 0x3f80);
    CU_ASSERT_EQUAL(rnd_h(ldexp(1, -134) * 3, true), 0x0002);
}

/* ==== atomics ==== */

static const char atom_ptx[] =
    KHEAD
    "{\n"
    ".reg .b16 %h<16>;\n"
    ".reg .b32 %r<16>;\n"
    ".reg .b64 %rd<16>;\n"
    ".reg .pred %p<4>;\n"
    ".shared .align 4 .b32 sh[2];\n"
    "ld.param.u64 %rd1, [k_out];\n"
    "mov.u32 %r1, %tid.x;\n"
    "and.b32 %r2, %r1, 1;\n"
    "setp.eq.u32 %p1, %r2, 0;\n"
    "setp.eq.u32 %p2, %r1, 0;\n"
    "mov.b16 %h1, 0x3c00;\n"            /* f16 1.0 */
    "mov.b16 %h2, 0x4000;\n"            /* f16 2.0 */
    "mov.b16 %h3, 0x3f80;\n"            /* bf16 1.0 */
    "mov.b16 %h4, 0x4000;\n"            /* bf16 2.0 */
    "mov.b32 %r3, 0x38003c00;\n"        /* f16x2 {1.0, 0.5} */
    "mov.b32 %r4, 0x40003f80;\n"        /* bf16x2 {1.0, 2.0} */
    "@%p2 st.global.u32 [%rd1+16], 0xabcd0000;\n"
    "@%p2 st.shared.u32 [sh], 0;\n"
    "bar.sync 0;\n"
    "selp.b64 %rd2, 0, 2, %p1;\n"
    "add.s64 %rd3, %rd1, %rd2;\n"
    "selp.b16 %h5, %h1, %h2, %p1;\n"
    "atom.global.add.noftz.f16 %h6, [%rd3], %h5;\n"
    "selp.b16 %h7, %h3, %h4, %p1;\n"
    "atom.add.noftz.bf16 %h8, [%rd3+4], %h7;\n"
    "atom.global.add.noftz.f16x2 %r5, [%rd1+8], %r3;\n"
    "red.global.add.noftz.bf16x2 [%rd1+12], %r4;\n"
    "add.u32 %r6, %r1, 1;\n"
    "cvt.u16.u32 %h9, %r6;\n"
    "mov.b16 %h10, 0;\n"
    "atom.global.cas.b16 %h11, [%rd1+16], %h10, %h9;\n"
    "atom.shared.add.noftz.f16 %h12, [sh], %h1;\n"
    "setp.lt.u32 %p3, %r1, 10;\n"
    "@%p3 atom.global.add.noftz.f16 %h13, [%rd1+24], %h1;\n"
    "bar.sync 0;\n"
    "@%p2 ld.shared.u32 %r7, [sh];\n"
    "@%p2 st.global.u32 [%rd1+20], %r7;\n"
    "mul.wide.u32 %rd4, %r1, 4;\n"
    "add.s64 %rd5, %rd1, %rd4;\n"
    "cvt.u32.u16 %r8, %h6;\n"
    "st.global.u32 [%rd5+32], %r8;\n"
    "cvt.u32.u16 %r9, %h11;\n"
    "st.global.u32 [%rd5+288], %r9;\n"
    "ret;\n"
    "}\n";

static void test_atomics(void)
{
    enum { T = 64 };
    static uint32_t out[8 + 2 * T];
    uint64_t seen = 0;
    uint32_t win;
    int zero = 0;

    CU_ASSERT_EQUAL_FATAL(ptxr_run(atom_ptx, T, out, sizeof(out), NULL, 0),
                          GV_ERR_NONE);
    CU_ASSERT_EQUAL(out[0], 0x54005000u);       /* f16 32.0 | 64.0 */
    CU_ASSERT_EQUAL(out[1], 0x42804200u);       /* bf16 32.0 | 64.0 */
    CU_ASSERT_EQUAL(out[2], 0x50005400u);       /* f16x2 {64, 32} */
    CU_ASSERT_EQUAL(out[3], 0x43004280u);       /* bf16x2 {64, 128} */
    CU_ASSERT_EQUAL(out[4] >> 16, 0xabcd);      /* the other half kept */
    CU_ASSERT_EQUAL(out[5], 0x5400u);           /* shared: 64.0 */
    CU_ASSERT_EQUAL(out[6], 0x4900u);           /* 10 guarded adds */
    win = out[4] & 0xffff;
    CU_ASSERT(win >= 1 && win <= T);
    for (uint32_t t = 0; t < T; t++) {
        uint32_t old = out[8 + t], cas = out[8 + T + t];
        /* even threads saw 0, 1, ..., 31 (f16), odd ones 0, 2, ..., 62 */
        double v = dec_h(old) / (t % 2 ? 2 : 1);

        if (v == floor(v) && v >= 0 && v < 32) {
            seen |= 1ull << ((int)v + (t % 2 ? 32 : 0));
        }
        zero += cas == 0;
        CU_ASSERT(cas == 0 || cas == win);
        if (cas == 0) {
            CU_ASSERT_EQUAL(t + 1, win);
        }
    }
    CU_ASSERT_EQUAL(seen, ~0ull);
    CU_ASSERT_EQUAL(zero, 1);
}

/* ==== min/max.xorsign.abs ==== */

/* PTX ISA 9.0, "Half Precision Floating-Point Instructions: min, max":
 * the sign the XOR of a's and b's, the operation on |a| and |b|, the
 * sign given to the result unless it is NaN.  @nanf: .NaN; @ftz: .ftz
 * (inputs and result). */
static uint32_t ref_xorsign(bool max, bool nanf, bool ftz, bool bf,
                            uint32_t a, uint32_t b)
{
    uint32_t s, r;

    a &= 0xffff;
    b &= 0xffff;
    if (ftz) {
        a = ftz16(a);
        b = ftz16(b);
    }
    s = (a ^ b) & 0x8000;
    a &= 0x7fff;
    b &= 0x7fff;
    if (nanf && (is_nan16(a, bf) || is_nan16(b, bf))) {
        return 0x7fff;
    }
    r = ref_op(max ? 5 : 4, bf, a, b, 0);
    r = is_nan16(r, bf) ? r : (r & 0x7fff) | s;
    return ftz ? ftz16(r) : r;
}

#define NX 10           /* results per thread */

/* Thread t: A, B (.b32 pairs; f16 from the low halves, bf16 from the
 * high ones) at in + 8t; NX words at out + 4 NX t. */
static const char xorsign_ptx[] =
    KHEAD
    "{\n"
    ".reg .b16 %h<32>;\n"
    ".reg .b32 %r<32>;\n"
    ".reg .b64 %rd<8>;\n"
    PTXR_IN_AT(8)
    "ld.global.v2.b32 {%r2, %r3}, [%rd3];\n"
    "mul.wide.u32 %rd4, %r1, 40;\n"
    "add.s64 %rd4, %rd1, %rd4;\n"
    "mov.b32 {%h1, %h2}, %r2;\n"
    "mov.b32 {%h3, %h4}, %r3;\n"
    "min.xorsign.abs.f16 %h10, %h1, %h3;\n"
    "max.xorsign.abs.f16 %h11, %h1, %h3;\n"
    "min.NaN.xorsign.abs.f16 %h12, %h1, %h3;\n"
    "min.ftz.xorsign.abs.f16 %h13, %h1, %h3;\n"
    "min.xorsign.abs.bf16 %h14, %h2, %h4;\n"
    "max.NaN.xorsign.abs.bf16 %h15, %h2, %h4;\n"
    "min.xorsign.abs.f16x2 %r10, %r2, %r3;\n"
    "max.ftz.xorsign.abs.f16x2 %r11, %r2, %r3;\n"
    "min.xorsign.abs.bf16x2 %r12, %r2, %r3;\n"
    "max.xorsign.abs.bf16x2 %r13, %r2, %r3;\n"
    "mov.b32 %r20, {%h10, %h11};\n"
    "mov.b32 %r21, {%h12, %h13};\n"
    "mov.b32 %r22, {%h14, %h15};\n"
    "st.global.v2.b32 [%rd4], {%r20, %r21};\n"
    "st.global.b32 [%rd4+8], %r22;\n"
    "st.global.v4.b32 [%rd4+12], {%r10, %r11, %r12, %r13};\n"
    "ret;\n"
    "}\n";

/* Special operands: zeros, infinities, NaNs of both signs, subnormals,
 * equal magnitudes. */
static const uint16_t xs_f16[] = {
    0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0xfe00, 0x0001, 0x8001,
    0x03ff, 0x3c00, 0xbc00, 0x7bff, 0xfbff, 0x3555,
};
static const uint16_t xs_bf[] = {
    0x0000, 0x8000, 0x7f80, 0xff80, 0x7fc0, 0xffc0, 0x0001, 0x8001,
    0x007f, 0x3f80, 0xbf80, 0x7f7f, 0xff7f, 0x3eab,
};

static void test_xorsign(void)
{
    enum { NS = sizeof(xs_f16) / sizeof(xs_f16[0]), T = NS * NS + 60 };
    static uint32_t in[2 * T], out[NX * T];
    int bad = 0;

    for (int t = 0; t < T; t++) {
        if (t < NS * NS) {
            in[2 * t] = xs_f16[t / NS] | (uint32_t)xs_bf[t / NS] << 16;
            in[2 * t + 1] = xs_f16[t % NS] | (uint32_t)xs_bf[t % NS] << 16;
        } else {
            in[2 * t] = rnd_half(false) | rnd_half(true) << 16;
            in[2 * t + 1] = rnd_half(false) | rnd_half(true) << 16;
        }
    }
    CU_ASSERT_EQUAL_FATAL(ptxr_run(xorsign_ptx, T, out, sizeof(out), in,
                                   sizeof(in)),
                          GV_ERR_NONE);
    for (int t = 0; t < T; t++) {
        uint32_t a = in[2 * t], b = in[2 * t + 1], ah = a >> 16, bh = b >> 16;
        const uint32_t *o = &out[NX * t];
        uint32_t got[12] = {
            o[0], o[0] >> 16, o[1], o[1] >> 16, o[2], o[2] >> 16,
            o[3], o[3] >> 16, o[4], o[4] >> 16, o[5], o[5] >> 16,
        };
        uint32_t want[12] = {
            ref_xorsign(false, false, false, false, a, b),
            ref_xorsign(true, false, false, false, a, b),
            ref_xorsign(false, true, false, false, a, b),
            ref_xorsign(false, false, true, false, a, b),
            ref_xorsign(false, false, false, true, ah, bh),
            ref_xorsign(true, true, false, true, ah, bh),
            ref_xorsign(false, false, false, false, a, b),
            ref_xorsign(false, false, false, false, ah, bh),
            ref_xorsign(true, false, true, false, a, b),
            ref_xorsign(true, false, true, false, ah, bh),
            ref_xorsign(false, false, false, true, a, b),
            ref_xorsign(false, false, false, true, ah, bh),
        };
        static const bool isbf[12] = { 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1 };

        for (int k = 0; k < 12; k++) {
            uint32_t g = got[k] & 0xffff;

            if (g != want[k] && !(is_nan16(g, isbf[k]) &&
                                  is_nan16(want[k], isbf[k]))) {
                if (bad++ < 10) {
                    fprintf(stderr, "\n    xorsign thread %d result %d (a "
                            "%#x b %#x): %#x, expected %#x\n", t, k, a, b,
                            g, want[k]);
                }
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* the reference: -2 and 3 give -2 (min) and -3 (max) */
    CU_ASSERT_EQUAL(ref_xorsign(false, false, false, false, 0xc000, 0x4200),
                    0xc000);
    CU_ASSERT_EQUAL(ref_xorsign(true, false, false, false, 0xc000, 0x4200),
                    0xc200);
}

/* ==== cvt between .bf16 and the integer types ==== */

/* PTX ISA 9.0, "cvt", bf16 -> integer: as from .f32. */
static uint64_t ref_bf2i(uint32_t b, int rnd, int dt)
{
    return ptxr_ref_f2i(dec_bf(b), false, rnd, dt);
}

/* The integer @v (the low bits of type @st, ptxr_itypes' index) rounded
 * to bf16 in mode @rnd (rn rz rm rp), exactly, in integers: the top 8
 * significant bits of the magnitude, rounded by the bits below them. */
static uint32_t ref_i2bf(uint64_t v, int st, int rnd)
{
    unsigned w = 8u << (st & 3), shift = 0;
    uint64_t u = w == 64 ? v : v & ((1ull << w) - 1), q, rem = 0, half;
    bool neg = false, up = false;
    float f;
    uint32_t bits;

    if (st < 4 && (u >> (w - 1))) {
        neg = true;
        u = (0 - u) & (w == 64 ? ~0ull : (1ull << w) - 1);
    }
    if (u == 0) {
        return 0;
    }
    while ((u >> shift) >= 256) {
        shift++;
    }
    q = u >> shift;
    if (shift) {
        rem = u & ((1ull << shift) - 1);
        half = 1ull << (shift - 1);
        up = rnd == 0 ? rem > half || (rem == half && (q & 1))
             : rnd == 2 ? neg && rem : rnd == 3 ? !neg && rem : false;
    }
    f = ldexpf((float)(q + up), (int)shift);    /* exact: <= 2^8 << 56 */
    f = neg ? -f : f;
    memcpy(&bits, &f, 4);
    return bits >> 16;
}

/* Thread t: a bf16 at in + 16t, a 64-bit integer at in + 16t + 8.
 * Results (u64 each) at out + 512t: 0..31 bf16 -> ptxr_itypes[k / 4]
 * with ptxr_irnds[k % 4] (ptxr_cvt_f2i); 32..63 the integer as
 * ptxr_itypes[(k - 32) / 4] -> bf16 with ptxr_frnds[k % 4]. */
static char *bf16_int_ptx(void)
{
    struct ptxr_text text;

    ptxr_text_new(&text);
    ptxr_printf(&text, "%s",
                KHEAD "{\n"
                ".reg .b16 %h<4>;\n.reg .b16 %rs<4>;\n"
                ".reg .b32 %r<8>;\n.reg .b64 %rd<16>;\n"
                PTXR_IN_AT(16)
                "ld.global.u32 %r5, [%rd3];\n"
                "mov.b32 {%h1, %h2}, %r5;\n"
                "ld.global.u64 %rd6, [%rd3+8];\n"
                "cvt.u16.u64 %rs2, %rd6;\n"
                "cvt.u32.u64 %r6, %rd6;\n"
                "mul.wide.u32 %rd4, %r1, 512;\n"
                "add.s64 %rd4, %rd1, %rd4;\n");
    ptxr_cvt_f2i(&text, "bf16", "%h1", 0);
    for (int sti = 0; sti < 8; sti++) {
        for (int r = 0; r < 4; r++) {
            int k = 32 + sti * 4 + r, w = 8 << (sti & 3);
            const char *src = w <= 16 ? "%rs2" : w == 32 ? "%r6" : "%rd6";

            ptxr_printf(&text,
                        "cvt.%s.bf16.%s %%h3, %s;\n"
                        "st.global.b16 [%%rd4+%d], %%h3;\n",
                        ptxr_frnds[r], ptxr_itypes[sti], src, 8 * k);
        }
    }
    ptxr_printf(&text, "ret;\n}\n");
    return text.p;
}

static void test_bf16_int(void)
{
    static const uint16_t bfs[] = {
        0x7fc0, 0xffc0, 0x7f81, 0x7f80, 0xff80, 0x0000, 0x8000, 0x0001,
        0x8001, 0x007f, 0x3f00, 0xbf00, 0x3fc0, 0xbfc0, 0x4020, 0xc020,
        0x3eff, 0x42fe, 0x4300, 0xc300, 0xc301, 0x437f, 0x4380, 0x46ff,
        0x4700, 0xc700, 0xc701, 0x477f, 0x4780, 0x4eff, 0x4f00, 0xcf00,
        0xcf01, 0x4f7f, 0x4f80, 0x5eff, 0x5f00, 0xdf00, 0xdf01, 0x5f7f,
        0x5f80, 0x7f7f, 0xff7f, 0x3f40, 0xbf40, 0x4010, 0x4030, 0xc030,
    };
    static const uint64_t ints[] = {
        0, 1, ~0ull, 127, 128, (uint64_t)-128, (uint64_t)-129, 255, 256,
        257, 259, 383, 385, 0x7fff, 0x8000, 0xffff, 0x8001, 0x7fffffff,
        0x80000000, 0xffffffff, 0x80000001, 0x80800000, 0x80800001,
        0x7f7fffff, 0x7fffffffffffffffull, 0x8000000000000000ull,
        0x8000000000000001ull, 0x0180000000000000ull,
        0x0180000000000001ull, 0x017fffffffffffffull,
        0xfe80000000000000ull, 0xff7fffffffffffffull, 0x1ff, 0x201,
        0x10001, 0xff80, (uint64_t)-0x181, (uint64_t)-0x183,
    };
    enum { NB = sizeof(bfs) / sizeof(bfs[0]) };
    enum { NI = sizeof(ints) / sizeof(ints[0]), T = 96 };
    static struct {
        uint32_t b, pad;
        uint64_t i;
    } in[T];
    static uint64_t out[64 * T];
    char *ptx = bf16_int_ptx();
    int bad = 0;

    for (int t = 0; t < T; t++) {
        in[t].b = t < NB ? bfs[t] : ptxr_rnd32() & 0xffff;
        in[t].i = t < NI ? ints[t]
                         : ((uint64_t)ptxr_rnd32() << 32 | ptxr_rnd32()) >>
                               (t % 64);
    }
    CU_ASSERT_EQUAL_FATAL(ptxr_run(ptx, T, out, sizeof(out), in,
                                   sizeof(in)),
                          GV_ERR_NONE);
    free(ptx);
    for (int t = 0; t < T; t++) {
        for (int k = 0; k < 64; k++) {
            int ty = (k % 32) / 4, r = k % 4;
            unsigned w = 8u << (ty & 3);
            uint64_t got = out[64 * t + k], want;

            if (k < 32) {
                want = ref_bf2i(in[t].b, r, ty);
                got &= w == 64 ? ~0ull : (1ull << w) - 1;
            } else {
                want = ref_i2bf(in[t].i, ty, r);
            }
            if (got != want && bad++ < 10) {
                fprintf(stderr, "\n    thread %d (bf16 %#x, int %#llx) "
                        "result %d: cvt.%s.%s: %#llx, expected %#llx\n", t,
                        in[t].b, (unsigned long long)in[t].i, k,
                        k < 32 ? ptxr_irnds[r] : ptxr_frnds[r],
                        ptxr_itypes[ty], (unsigned long long)got,
                        (unsigned long long)want);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* the references: ties to even, directed modes by sign */
    CU_ASSERT_EQUAL(ref_i2bf(257, 2, 0), 0x4380);       /* 256 */
    CU_ASSERT_EQUAL(ref_i2bf(259, 2, 0), 0x4382);       /* 260 */
    CU_ASSERT_EQUAL(ref_i2bf((uint64_t)-257, 2, 2), 0xc381);  /* -258 */
    CU_ASSERT_EQUAL(ref_i2bf((uint64_t)-257, 2, 3), 0xc380);  /* -256 */
    CU_ASSERT_EQUAL(ref_bf2i(0x7fc0, 0, 3), 1ull << 63);
    CU_ASSERT_EQUAL(ref_bf2i(0x3fc0, 0, 2), 2);           /* 1.5 -> 2 */
}

/* ==== errors ==== */

/* The kernel k's start, its registers declared: an instruction after it
 * stands on line 9. */
#define EHEAD KHEAD "{\n.reg .b16 %h<4>;\n.reg .b32 %r<4>;\n.reg .pred %p1;\n"

static void test_errors(void)
{
    static const struct ptxr_err e[] = {
        { "add.ftz.bf16 %h1, %h2, %h3;", ".ftz needs .f16 or .f16x2" },
        { "add.relu.f16 %h1, %h2, %h3;",
          ".relu is valid on fma without .sat only" },
        { "add.NaN.f16 %h1, %h2, %h3;", ".NaN is valid on min and max only" },
        { "ex2.f16 %h1, %h2;", "ex2.f16: expected .approx" },
        { "add.approx.f16 %h1, %h2, %h3;", ".approx is not valid here" },
        { "add.sat.bf16 %h1, %h2, %h3;", ".sat is not valid here" },
        { "setp.lt.f16x2 %p1, %r2, %r3;", "setp on .f16x2 writes p|q" },
        { "cvt.bf16.f32 %h1, %r2;", "needs .rn" },
        { "cvt.bf16.s32 %h1, %r2;",
          "an integer to .bf16 needs .rn, .rz, .rm or .rp" },
        { "cvt.rn.s32.bf16 %r1, %h2;",
          "from .bf16 to an integer needs .rni, .rzi, .rmi or .rpi" },
        { "cvt.rn.sat.bf16.u32 %h1, %r2;",
          ".sat is not supported on a conversion to .bf16" },
        { "add.xorsign.abs.f16 %h1, %h2, %h3;",
          ".xorsign.abs is valid on min and max only" },
        { "min.xorsign.f16 %h1, %h2, %h3;",
          ".xorsign.abs is valid on min and max only" },
        { "rcp.rn.f16 %h1, %h2;", "is not valid here" },
        { "atom.global.min.f16 %h1, [%r1], %h2;",
          "this atomic operation is not supported on .f16" },
        { "atom.global.add.noftz.f32 %r1, [%r1], %r2;",
          ".noftz needs a half-precision type" },
    };

    ptxr_expect_errs(EHEAD, 9, e, sizeof(e) / sizeof(e[0]));
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test translate[] = {
        { "errors name the line and construct", test_errors },
        { NULL, NULL },
    };
    static const struct gv_cunit_test exec[] = {
        { "f16 f16x2 bf16 bf16x2 arithmetic, setp and cvt", test_half },
        { "atom/red.add on the half types, atom.cas.b16", test_atomics },
        { "min/max.xorsign.abs on the half types", test_xorsign },
        { "cvt between .bf16 and every integer type, every rounding",
          test_bf16_int },
        { NULL, NULL },
    };

    return ptxr_add_suites("ptx-half", translate, exec);
}

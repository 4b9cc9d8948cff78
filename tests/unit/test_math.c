/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device math library's accuracy (kernels/include/gv_math*.h, through
 * the standard names of cuda_runtime.h): tests/unit/math_kernels.cu,
 * compiled by scripts/gv-build.sh --ptx, translated and run by the compute
 * engine in-process.  Each function gets special values (+-0, +-inf, NaN,
 * subnormals, the largest values), values a few ulps around the
 * reduction boundaries and thresholds, a dense sweep of its main range
 * and random inputs (uniform in the range, and random bit patterns); the
 * results are compared with the host's libm:
 *   float functions: glibc's double function, the error measured in float
 *     ulps against the unrounded double value (so no double rounding);
 *   double functions: glibc's long double (x87, 64-bit significand)
 *     function, the error in double ulps.
 * NaN must give NaN, infinities and zeros (with their sign) exactly.
 * Under valgrind long double is computed as double: the double functions
 * are then skipped (the float ones and the memory checks still run).
 * Each function's largest error must be within CUDA's bound (CUDA C++
 * Programming Guide, "Mathematical Functions"); deliberately worse
 * implementations (bad_* in the kernels) must be caught.
 * GV_MATH_FULL=N (meson test --benchmark math-accuracy: N = 4) runs N Mi
 * inputs per function instead of 32 Ki and prints the table of
 * docs/math.md.
 */
#define _GNU_SOURCE
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_ktest.h"
#include "gv_ptx.h"

#define VRAM    (128ull << 20)
#define UNPROT  (8ull << 20)
#define PROT    (96ull << 20)
#define BATCH   16384           /* inputs per launch */
#define BLOCK   128

static struct td *td;
static struct kt k1;
static uint8_t *img;
static uint32_t img_len;
static uint64_t mod_va, va_x, va_y, va_o;

/* One function: its entry, precision, CUDA's bound and the host's
 * reference; the main range of each argument. */
struct mfn {
    const char *name;
    int dbl;                    /* 0: float, 1: double */
    int arity;                  /* 1, 2, or 3: sincos (sin and cos) */
    double bound;               /* max ulp error, CUDA's */
    double (*rf1)(double);
    double (*rf2)(double, double);
    long double (*rl1)(long double);
    long double (*rl2)(long double, long double);
    double lo, hi, lo2, hi2;
};

#define F1(n, b, r, lo, hi) { #n, 0, 1, b, r, NULL, NULL, NULL, lo, hi, 0, 0 }
#define F2(n, b, r, lo, hi, lo2, hi2)                                   \
    { #n, 0, 2, b, NULL, r, NULL, NULL, lo, hi, lo2, hi2 }
#define D1(n, b, r, lo, hi) { #n, 1, 1, b, NULL, NULL, r, NULL, lo, hi, 0, 0 }
#define D2(n, b, r, lo, hi, lo2, hi2)                                   \
    { #n, 1, 2, b, NULL, NULL, NULL, r, lo, hi, lo2, hi2 }

/* sin(pi x), cos(pi x) in long double: x = 2n + r exactly, folded to
 * |r| <= 1/2 so that pi r has a small relative error; exact zeros as
 * the library gives them (sinpi: the sign of x; cospi: +0) */
static long double ref_sinpil(long double x)
{
    long double r = remainderl(x, 2.0L), s;

    if (isinf(x) || isnan(x)) {
        return NAN;
    }
    r = r > 0.5L ? 1.0L - r : r < -0.5L ? -1.0L - r : r;
    s = sinl(3.14159265358979323846264338327950288L * r);
    return s == 0 ? copysignl(0.0L, x) : s;
}

static long double ref_cospil(long double x)
{
    long double r = fabsl(remainderl(x, 2.0L)), c;

    if (isinf(x) || isnan(x)) {
        return NAN;
    }
    c = r > 0.5L ? -ref_sinpil(r - 0.5L) : ref_sinpil(0.5L - r);
    return c == 0 ? 0.0L : c;
}

static double ref_sinpi(double x)
{
    return (double)ref_sinpil(x);
}

static double ref_cospi(double x)
{
    return (double)ref_cospil(x);
}

static const struct mfn fns[] = {
    F1(expf, 2, exp, -104, 89),
    F1(exp2f, 2, exp2, -150, 128),
    F1(exp10f, 2, exp10, -46, 39),
    F1(expm1f, 1, expm1, -20, 89),
    F1(logf, 1, log, 0, 100),
    F1(log2f, 1, log2, 0, 100),
    F1(log10f, 2, log10, 0, 100),
    F1(log1pf, 1, log1p, -1, 100),
    F2(powf, 4, pow, 0, 10, -40, 40),
    F1(sinf, 2, sin, -100, 100),
    F1(cosf, 2, cos, -100, 100),
    F1(tanf, 4, tan, -100, 100),
    { "sincosf", 0, 3, 2, sin, NULL, NULL, NULL, -100, 100, 0, 0 },
    F1(tanhf, 2, tanh, -10, 10),
    F1(sinhf, 3, sinh, -90, 90),
    F1(coshf, 2, cosh, -90, 90),
    F1(atanf, 2, atan, -20, 20),
    F2(atan2f, 3, atan2, -10, 10, -10, 10),
    F1(asinf, 4, asin, -1, 1),
    F1(acosf, 3, acos, -1, 1),
    F1(erff, 2, erf, -5, 5),
    F1(erfcf, 4, erfc, -5, 11),
    F1(cbrtf, 1, cbrt, -100, 100),
    F2(hypotf, 3, hypot, -1e3, 1e3, -1e3, 1e3),
    F1(asinhf, 3, asinh, -100, 100),
    F1(acoshf, 4, acosh, 1, 100),
    F1(atanhf, 3, atanh, -1, 1),
    F1(sinpif, 2, ref_sinpi, -100, 100),
    F1(cospif, 2, ref_cospi, -100, 100),
    D1(exp, 1, expl, -746, 710),
    D1(exp2, 1, exp2l, -1080, 1024),
    D1(exp10, 1, exp10l, -325, 309),
    D1(expm1, 1, expm1l, -40, 710),
    D1(log, 1, logl, 0, 100),
    D1(log2, 1, log2l, 0, 100),
    D1(log10, 1, log10l, 0, 100),
    D1(log1p, 1, log1pl, -1, 100),
    D2(pow, 2, powl, 0, 10, -300, 300),
    D1(sin, 2, sinl, -1e4, 1e4),
    D1(cos, 2, cosl, -1e4, 1e4),
    D1(tan, 2, tanl, -1e4, 1e4),
    { "sincos", 1, 3, 2, NULL, NULL, sinl, NULL, -1e4, 1e4, 0, 0 },
    D1(atan, 2, atanl, -20, 20),
    D2(atan2, 2, atan2l, -10, 10, -10, 10),
    D1(asin, 2, asinl, -1, 1),
    D1(acos, 2, acosl, -1, 1),
    D1(sinh, 2, sinhl, -711, 711),
    D1(cosh, 1, coshl, -711, 711),
    D1(tanh, 2, tanhl, -25, 25),
    D1(cbrt, 1, cbrtl, -100, 100),
    D1(erf, 2, erfl, -6, 6),
    D1(erfc, 5, erfcl, -6, 28),
    D1(asinh, 2, asinhl, -100, 100),
    D1(acosh, 2, acoshl, 1, 100),
    D1(atanh, 2, atanhl, -1, 1),
    D1(sinpi, 2, ref_sinpil, -1e4, 1e4),
    D1(cospi, 2, ref_cospil, -1e4, 1e4),
    D2(hypot, 2, hypotl, -1e3, 1e3, -1e3, 1e3),
    D1(sqrt, 0.5, sqrtl, 0, 100),
};
#define NFNS (sizeof(fns) / sizeof(fns[0]))

/* the worse implementations: (kernel, measured as) */
static const struct mfn bads[] = {
    F1(bad_expf, 2, exp, -104, 89),
    F1(bad_sinf, 2, sin, -100, 100),
    D1(bad_exp, 1, expl, -746, 710),
    D2(bad_pow, 2, powl, 0, 10, -300, 300),
};

/* ---- the bench ---- */

static void setup(void)
{
    const char *path = getenv("GV_MATH_PTX");
    char err[512];
    size_t len;

    td = td_new(VRAM, UNPROT, PROT, false);
    kt_init(&k1, td, 1, NULL, 16 << 20, true);
    if (gv_ptx_translate_file(path ? path : "math_kernels.ptx", &img, &len,
                              err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        CU_FAIL_FATAL("translation failed");
    }
    img_len = (uint32_t)len;
    mod_va = kt_load(&k1, img, img_len);
    va_x = kt_alloc(&k1, BATCH * 8);
    va_y = kt_alloc(&k1, BATCH * 8);
    va_o = kt_alloc(&k1, 2 * BATCH * 8);
}

static void teardown(void)
{
    free(img);
    img = NULL;
    td_check(td);
    td_free(td);
    td = NULL;
}

/* Run m_<name> over n <= BATCH inputs of @esize bytes; outputs into o
 * (2n of them for sincos). */
static void run(const char *name, const void *x, const void *y, void *o,
                unsigned n, unsigned esize, int two)
{
    char entry[64];
    struct __attribute__((packed)) {
        uint64_t x, y, o;
        int32_t n;
    } p = { va_x, va_y, va_o, (int32_t)n };
    struct kt_launch l = { .module_va = mod_va, .module_size = img_len,
                           .grid = { (n + BLOCK - 1) / BLOCK, 1, 1 },
                           .block = { BLOCK, 1, 1 },
                           .params = &p, .param_size = sizeof(p) };
    int f;

    snprintf(entry, sizeof(entry), "m_%s", name);
    f = gv_isa_find_func(img, img_len, entry);
    CU_ASSERT_FATAL(f >= 0);
    l.func = (uint32_t)f;
    kt_write(&k1, va_x, x, (uint64_t)n * esize);
    kt_write(&k1, va_y, y, (uint64_t)n * esize);
    CU_ASSERT_EQUAL_FATAL(kt_launch(&k1, &l), 0);
    kt_read(&k1, va_o, o, (uint64_t)n * esize * (two ? 2 : 1));
}

/* ---- errors in ulps ---- */

#define BIG 1e30

/* float result against the exact value @r (a double) */
static double ulp_err_f(float got, double r)
{
    float rr = (float)r;
    int e;

    if (isnan(r) || isnan(got)) {
        return isnan(r) && isnan(got) ? 0 : BIG;
    }
    if (isinf(rr) || isinf(got)) {
        return got == rr ? 0 : BIG;
    }
    if (r == 0 && got == 0) {
        return !signbit(r) == !signbit(got) ? 0 : BIG;
    }
    frexp(r, &e);
    e = r == 0 ? -125 : e;
    return fabs((double)got - r) / ldexp(1.0, (e < -125 ? -125 : e) - 24);
}

/* double result against the exact value @r (a long double) */
static double ulp_err_d(double got, long double r)
{
    double rr = (double)r;
    int e;

    if (isnan(r) || isnan(got)) {
        return isnan(r) && isnan(got) ? 0 : BIG;
    }
    if (isinf(rr) || isinf(got)) {
        return got == rr ? 0 : BIG;
    }
    if (r == 0 && got == 0) {
        return !signbit(r) == !signbit(got) ? 0 : BIG;
    }
    frexpl(r, &e);
    e = r == 0 ? -1021 : e;
    return (double)(fabsl((long double)got - r) /
                    ldexpl(1.0L, (e < -1021 ? -1021 : e) - 53));
}

/* ---- inputs ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double urand(double lo, double hi)
{
    return lo + (hi - lo) * (double)(rnd() >> 11) * 0x1p-53;
}

static double rbits(int dbl)
{
    uint64_t b = rnd();
    uint32_t w = (uint32_t)b;
    float f;
    double d;

    if (!dbl) {
        memcpy(&f, &w, 4);
        return f;
    }
    memcpy(&d, &b, 8);
    return d;
}

/* special values and the thresholds of the reductions (both signs) */
static const double edges[] = {
    0.0, 1.0, 0.5, 2.0, 3.0, 10.0, 0.1, 1e-8, 1e-30, 1e-300, 1e300,
    0.34657359027997264, 0.6931471805599453, 1.4142135623730951,
    0.7071067811865476, 0.7853981633974483, 1.5707963267948966,
    3.141592653589793, 4.71238898038469, 6.283185307179586,
    0.0625, 0.4375, 0.9375, 22.0, 2.0 * 3.14159265358979, 1e5, 1e10,
    88.72283935546875, 103.97207641601562, 709.782712893384,
    745.1332191019411, 1024.0, 1074.0, 38.53, 308.25, 0x1p20, 0x1p27,
    0x1p-27, 0x1p-60, 0x1p52, 0x1p53, 6.0, 11.0,
    /* close to multiples of pi/2 (hard cases for the reduction) */
    5.319372648326541e+255, 6381956970095103.0 * 0x1p797, 2.0 * 1e22,
    1.0e22, 8.96875, 0x1.921fb54442d18p+1023,
    105414350.0, 3294198.0, 2.3283064365386963e-10,
};

static void fill_edges(double *v, unsigned *n, unsigned max, int dbl)
{
    static const double sp[] = { INFINITY, NAN, DBL_MAX, FLT_MAX,
                                 DBL_MIN, FLT_MIN, 0x1p-1074, 0x1p-149,
                                 0x1p-1050, 0x1p-140, 0x1.fffffep-127 };
    unsigned i;
    int k, s;

    for (i = 0; i < sizeof(sp) / sizeof(sp[0]) && *n + 2 <= max; i++) {
        v[(*n)++] = sp[i];
        v[(*n)++] = -sp[i];
    }
    for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        for (s = -1; s <= 1; s += 2) {
            for (k = -3; k <= 3 && *n < max; k++) {
                double e = s * edges[i];
                float f = (float)e;

                for (int j = 0; j < abs(k); j++) {
                    e = nextafter(e, k < 0 ? -INFINITY : INFINITY);
                    f = nextafterf(f, k < 0 ? -INFINITY : INFINITY);
                }
                v[(*n)++] = dbl ? e : f;
            }
        }
    }
}

/* n inputs for argument @arg of @f: edges, a sweep, random */
static void make_inputs(const struct mfn *f, int arg, double *v, unsigned n)
{
    double lo = arg ? f->lo2 : f->lo, hi = arg ? f->hi2 : f->hi;
    unsigned i = 0, sweep;

    if (arg) {
        /* the second argument: the edges in another order */
        fill_edges(v, &i, n / 4, f->dbl);
        for (unsigned j = 0; j < i; j++) {
            unsigned k = (unsigned)(rnd() % i);
            double t = v[j];

            v[j] = v[k];
            v[k] = t;
        }
    } else {
        fill_edges(v, &i, n / 4, f->dbl);
    }
    sweep = i + (n - i) / 2;
    for (unsigned j = i; j < sweep; j++) {
        v[j] = lo + (hi - lo) * (j - i + 0.5) / (sweep - i);
    }
    for (i = sweep; i < n; i++) {
        v[i] = (i & 1) ? rbits(f->dbl) : urand(lo, hi);
    }
    if (!f->dbl) {
        for (i = 0; i < n; i++) {
            v[i] = (float)v[i];
        }
    }
}

/* ---- measuring ---- */

struct meas {
    double max;
    double fin;                 /* the largest finite error (not BIG) */
    double at_x, at_y;
    unsigned long tried;
};

static double err_one(const struct mfn *f, double x, double y, double got,
                      int cosine)
{
    if (!f->dbl) {
        double r = f->arity == 2 ? f->rf2(x, y) :
                   cosine ? cos(x) : f->rf1(x);

        return ulp_err_f((float)got, r);
    }
    long double r = f->arity == 2 ? f->rl2(x, y) :
                    cosine ? cosl(x) : f->rl1(x);

    return ulp_err_d(got, r);
}

static void measure_batch(const struct mfn *f, const double *x,
                          const double *y, unsigned n, struct meas *m)
{
    static float xf[BATCH], yf[BATCH], of[2 * BATCH];
    static double od[2 * BATCH];
    int two = f->arity == 3;

    if (f->dbl) {
        run(f->name, x, y, od, n, 8, two);
    } else {
        for (unsigned i = 0; i < n; i++) {
            xf[i] = (float)x[i];
            yf[i] = (float)y[i];
        }
        run(f->name, xf, yf, of, n, 4, two);
        for (unsigned i = 0; i < n * (two ? 2 : 1); i++) {
            od[i] = of[i];
        }
    }
    for (unsigned i = 0; i < n * (two ? 2 : 1); i++) {
        unsigned j = i % n;
        double e = err_one(f, x[j], y[j], od[i], i >= n);

        if (getenv("GV_MATH_DEBUG") && e > atof(getenv("GV_MATH_DEBUG"))) {
            printf("  %s(%a, %a) = %a: %g ulp\n", f->name, x[j], y[j],
                   od[i], e);
        }
        if (e < BIG && e > m->fin) {
            m->fin = e;
        }
        if (e > m->max || (e != e)) {
            m->max = e;
            m->at_x = x[j];
            m->at_y = y[j];
        }
    }
    m->tried += n;
}

static void measure(const struct mfn *f, unsigned total, struct meas *m)
{
    static double x[BATCH], y[BATCH];
    unsigned done = 0;

    memset(m, 0, sizeof(*m));
    rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)total;
    while (done < total) {
        unsigned n = total - done < BATCH ? total - done : BATCH;

        if (done == 0) {
            make_inputs(f, 0, x, n);
            make_inputs(f, 1, y, n);
        } else {
            /* later batches: random and sweeps with an offset */
            for (unsigned i = 0; i < n; i++) {
                x[i] = (i & 3) == 0 ? rbits(f->dbl) : urand(f->lo, f->hi);
                y[i] = (i & 3) == 1 ? rbits(f->dbl) : urand(f->lo2, f->hi2);
                if (!f->dbl) {
                    x[i] = (float)x[i];
                    y[i] = (float)y[i];
                }
            }
        }
        measure_batch(f, x, y, n, m);
        done += n;
    }
}

#define UNIT_SAMPLES    32768u

/* GV_MATH_FULL=N: N Mi inputs per function (1 if N is not a number) */
static unsigned samples(void)
{
    const char *s = getenv("GV_MATH_FULL");
    long n;

    if (!s || !*s || *s == '0') {
        return UNIT_SAMPLES;
    }
    n = strtol(s, NULL, 10);
    return (unsigned)(n >= 1 && n <= 64 ? n : 1) << 20;
}

/* Whether long double has its 64-bit significand (not under valgrind,
 * which computes x87 arithmetic in double): without it the double
 * functions have no reference and are skipped. */
static int have_ext(void)
{
    volatile long double a = 1.0L;

    a += 0x1p-60L;
    if (a == 1.0L) {
        printf("  (long double is double here, e.g. under valgrind: the "
               "double functions are not measured)\n");
        return 0;
    }
    return 1;
}

static void test_accuracy(void)
{
    unsigned total = samples();
    int full = total > UNIT_SAMPLES;
    const char *only = getenv("GV_MATH_ONLY");    /* one function */
    int ext = have_ext();
    struct meas m;

    if (full) {
        printf("\n| function | max ulp error | CUDA's bound | inputs |"
               " worst at |\n|---|---|---|---|---|\n");
    }
    for (unsigned i = 0; i < NFNS; i++) {
        if ((only && strcmp(only, fns[i].name)) || (fns[i].dbl && !ext)) {
            continue;
        }
        measure(&fns[i], total, &m);
        if (full || m.max > fns[i].bound) {
            char at[80];

            snprintf(at, sizeof(at), fns[i].arity == 2 ? "%a, %a" : "%a",
                     m.at_x, m.at_y);
            printf("| `%s` | %.3f | %g | %lu | %s |\n", fns[i].name,
                   m.max, fns[i].bound, m.tried, at);
        }
        CU_ASSERT(m.max <= fns[i].bound);
    }
    fflush(stdout);
}

/* the measurement catches implementations over their bounds */
static void test_bad_caught(void)
{
    struct meas m;
    int ext = have_ext();

    for (unsigned i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
        if (bads[i].dbl && !ext) {
            continue;
        }
        measure(&bads[i], 3072, &m);
        printf("  %s: %.3g ulp (bound %g)\n", bads[i].name, m.fin,
               bads[i].bound);
        CU_ASSERT(m.fin > bads[i].bound);
    }
}

/* the ulp measure itself */
static void test_ulp(void)
{
    CU_ASSERT_EQUAL(ulp_err_f(1.0f, 1.0), 0);
    CU_ASSERT_EQUAL(ulp_err_f(nextafterf(1.0f, 2.0f), 1.0), 1);
    CU_ASSERT_EQUAL(ulp_err_f(0x1p-149f, 0.0), 1);
    CU_ASSERT_EQUAL(ulp_err_f(-0.0f, 0.0), BIG);
    CU_ASSERT_EQUAL(ulp_err_f(NAN, NAN), 0);
    CU_ASSERT_EQUAL(ulp_err_f(INFINITY, 1e39), 0);
    CU_ASSERT_EQUAL(ulp_err_f(FLT_MAX, 1e39), BIG);
    CU_ASSERT_EQUAL(ulp_err_f(0x1p-148f, 0x1p-149), 1);
    CU_ASSERT_EQUAL(ulp_err_d(1.0 + 0x1p-52, 1.0L), 1);
    CU_ASSERT_EQUAL(ulp_err_d(0x1p-1073, 0x1p-1074L), 1);
    CU_ASSERT(fabs(ulp_err_d(1.0, 1.0L + 0x1p-54L) - 0.25) < 1e-9);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test tests[] = {
        { "ulp measure", test_ulp },
        { "every function within CUDA's bound", test_accuracy },
        { "worse implementations are caught", test_bad_caught },
        { NULL, NULL },
    };

    return gv_add_suite("math", setup, teardown, tests);
}

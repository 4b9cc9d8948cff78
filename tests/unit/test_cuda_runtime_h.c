/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The device header for ordinary CUDA sources (kernels/include/
 * cuda_runtime.h): tests/unit/cuda_runtime_h.cu, compiled to PTX by
 * scripts/gv-build.sh --ptx (the user's path: the header comes from the
 * command line), translated and run by the compute engine in-process,
 * each result against a CPU reference:
 *   integers, bit casts, built-in variables as uint3/dim3, vector types'
 *     layout, shuffles with a width and of 64-bit and float values, __ldg:
 *     exact;
 *   every atomic the header adds, on 32- and 64-bit words: exact final
 *     values;
 *   math: the exact functions bit for bit (NaN for NaN), the approximate
 *     ones within 4e-6 relative + 4e-6 absolute of libm in double
 *     (docs/your-program.md lists which is which);
 *   a template over float and double with dynamic shared memory and a
 *     __constant__ table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "gv_ktest.h"
#include "gv_ptx.h"

#define VRAM    (64ull << 20)
#define UNPROT  (8ull << 20)
#define PROT    (48ull << 20)

#define HDR_INT_WORDS   24      /* as cuda_runtime_h.cu */
#define INT_GRID        2
#define INT_BLOCK       64
#define INT_N           (INT_GRID * INT_BLOCK)

static struct td *td;
static struct kt k1;
static uint8_t *img;
static uint32_t img_len;
static uint64_t mod_va;

static void setup(void)
{
    const char *path = getenv("GV_HDR_PTX");
    char err[512];
    size_t len;

    td = td_new(VRAM, UNPROT, PROT, false);
    kt_init(&k1, td, 1, NULL, 16 << 20, true);
    if (gv_ptx_translate_file(path ? path : "cuda_runtime_h.ptx", &img, &len,
                              err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        CU_FAIL_FATAL("translation failed");
    }
    img_len = (uint32_t)len;
    mod_va = kt_load(&k1, img, img_len);
}

static void teardown(void)
{
    free(img);
    img = NULL;
    td_check(td);
    td_free(td);
    td = NULL;
}

static int launch(const char *entry, unsigned grid, unsigned block,
                  unsigned shared_dyn, const void *params, uint32_t size)
{
    int f = gv_isa_find_func(img, img_len, entry);
    struct kt_launch l = { .module_va = mod_va, .module_size = img_len,
                           .grid = { grid, 1, 1 }, .block = { block, 1, 1 },
                           .shared_dyn = shared_dyn, .params = params,
                           .param_size = size };

    CU_ASSERT_FATAL(f >= 0);
    l.func = (uint32_t)f;
    return kt_launch(&k1, &l);
}

static uint64_t put(const void *buf, size_t len)
{
    uint64_t va = kt_alloc(&k1, len);

    kt_write(&k1, va, buf, len);
    return va;
}

/* ---- integers, layouts, shuffles ---- */

static uint64_t brev64(uint64_t v)
{
    uint64_t r = 0;

    for (int i = 0; i < 64; i++) {
        r |= ((v >> i) & 1) << (63 - i);
    }
    return r;
}

static int32_t sext24(uint32_t v)
{
    return (int32_t)(v << 8) >> 8;
}

/* NVIDIA's shuffle with a width: the source lane, or -1 for "own". */
static int shfl_src(unsigned lane, int mode, int arg, unsigned width)
{
    unsigned seg = lane & ~(width - 1), in = lane - seg;

    switch (mode) {
    case 0: return (int)(seg + ((unsigned)arg & (width - 1)));  /* idx */
    case 1: return in < (unsigned)arg ? -1 : (int)(lane - arg);  /* up */
    case 2: return in + arg >= width ? -1 : (int)(lane + arg);   /* down */
    default: return (int)(lane ^ (unsigned)arg);                 /* xor */
    }
}

static void test_ints(void)
{
    uint32_t in[INT_N], out[INT_N * HDR_INT_WORDS], exp[HDR_INT_WORDS];
    uint64_t out64[INT_N * 2];
    struct { uint64_t out, in, out64; } p;
    int bad = 0;

    srand(10);
    for (int i = 0; i < INT_N; i++) {
        in[i] = (uint32_t)rand() * 2654435761u ^ (uint32_t)rand() << 7;
    }
    in[0] = 0;
    in[1] = 0x80000000u;
    in[2] = 0xffffffffu;
    in[3] = 1;
    in[4] = 0x00800000u;
    p.in = put(in, sizeof(in));
    p.out = kt_alloc(&k1, sizeof(out));
    p.out64 = kt_alloc(&k1, sizeof(out64));
    CU_ASSERT_EQUAL_FATAL(launch("hdr_ints", INT_GRID, INT_BLOCK, 0, &p,
                                 sizeof(p)), GV_ERR_NONE);
    kt_read(&k1, p.out, out, sizeof(out));
    kt_read(&k1, p.out64, out64, sizeof(out64));

    for (unsigned g = 0; g < INT_N; g++) {
        unsigned lane = g % 32, wbase = g - lane, t = g % INT_BLOCK;
        uint32_t v = in[g];
        uint64_t w = (uint64_t)v << 32 | g;
        int s;

#define SRC(mode, arg, width) \
        ((s = shfl_src(lane, mode, arg, width)) < 0 ? g : wbase + s)
        exp[0] = (uint32_t)(((uint64_t)v * 0x9e3779b9u) >> 32);
        exp[1] = (uint32_t)(((int64_t)(int32_t)v * -12345) >> 32);
        exp[2] = (uint32_t)((int64_t)sext24(v) * sext24(v >> 7));
        exp[3] = (v & 0xffffff) * ((v >> 3) & 0xffffff);
        exp[4] = (uint32_t)__builtin_ffs((int)v);
        exp[5] = (uint32_t)__builtin_popcountll(w ^ ~0ull << 40);
        exp[6] = v ? 32 + (uint32_t)__builtin_clz(v) : 64;
        exp[7] = (uint32_t)(brev64(w) >> 16);
        exp[8] = (uint32_t)((int32_t)v < (int32_t)(v * 3) ? (int32_t)v :
                            (int32_t)(v * 3));
        exp[9] = v > v * 3 ? v : v * 3;
        exp[10] = v < ~v ? v : ~v;
        exp[11] = (int32_t)v < 0 ? 0u - v : v;
        exp[12] = (uint32_t)llabs((int64_t)(int32_t)v * 5);
        exp[13] = 0;
        exp[14] = in[SRC(0, (int)((lane + 3) & 7), 8)];
        exp[15] = in[SRC(1, 1, 16)];
        exp[16] = in[SRC(2, 2, 16)];
        exp[17] = in[SRC(3, 3, 8)];
        exp[18] = t + 1000 * INT_BLOCK + 100000 * 5 + 1000000 * 32;
        exp[19] = 3;
        {
            float f = (float)in[SRC(1, 4, 32)];

            memcpy(&exp[20], &f, 4);
        }
        exp[21] = in[SRC(3, 16, 32)];
        s = SRC(0, (int)(31 - lane), 32);
        exp[22] = (uint32_t)(((uint64_t)in[s] << 32 | (uint64_t)s) >> 8);
        exp[23] = (1u << lane) - 1;
        for (int k = 0; k < HDR_INT_WORDS; k++) {
            if (out[g * HDR_INT_WORDS + k] != exp[k] && bad++ < 10) {
                fprintf(stderr, "thread %u word %d: 0x%08x, expected "
                        "0x%08x (in 0x%08x)\n", g, k,
                        out[g * HDR_INT_WORDS + k], exp[k], v);
            }
        }
        s = SRC(2, 1, 32);
        if (out64[g * 2] != ((uint64_t)in[s] << 32 | (uint64_t)s) &&
            bad++ < 10) {
            fprintf(stderr, "thread %u: 64-bit shuffle 0x%016llx\n", g,
                    (unsigned long long)out64[g * 2]);
        }
        {
            double d = (double)in[SRC(3, 5, 32)];
            uint64_t db;

            memcpy(&db, &d, 8);
            if (out64[g * 2 + 1] != db && bad++ < 10) {
                fprintf(stderr, "thread %u: double shuffle 0x%016llx\n", g,
                        (unsigned long long)out64[g * 2 + 1]);
            }
        }
#undef SRC
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* ---- atomics ---- */

static void test_atomics(void)
{
    enum { GRID = 2, BLOCK = 256, N = GRID * BLOCK };
    uint32_t u[6] = { 10000, 0, 0, 0xffffffffu, 0, 0 };
    int32_t i[4] = { 0, -1, 0, 0 };
    uint64_t ull[4] = { 0, 0, 0, ~0ull };
    int64_t ll[2] = { INT64_MIN, 0 };
    float f = -1.0f;
    struct { uint64_t u, i, ull, ll, f; } p;
    uint32_t xor = 0;

    p.u = put(u, sizeof(u));
    p.i = put(i, sizeof(i));
    p.ull = put(ull, sizeof(ull));
    p.ll = put(ll, sizeof(ll));
    p.f = put(&f, sizeof(f));
    CU_ASSERT_EQUAL_FATAL(launch("hdr_atomics", GRID, BLOCK, 0, &p,
                                 sizeof(p)), GV_ERR_NONE);
    kt_read(&k1, p.u, u, sizeof(u));
    kt_read(&k1, p.i, i, sizeof(i));
    kt_read(&k1, p.ull, ull, sizeof(ull));
    kt_read(&k1, p.ll, ll, sizeof(ll));
    kt_read(&k1, p.f, &f, sizeof(f));
    for (uint32_t g = 0; g < N; g++) {
        xor ^= g * 2654435761u;
    }
    CU_ASSERT_EQUAL(i[0], -(N - 1) * N / 2);             /* atomicSub int */
    CU_ASSERT_EQUAL(u[0], 10000 - 2 * N);               /* unsigned */
    CU_ASSERT(u[1] < N);                                /* atomicExch */
    CU_ASSERT(f >= 0 && f < N && f == floorf(f));       /* ... float */
    CU_ASSERT((ull[0] & ((1ull << 40) - 1)) == 0 && (ull[0] >> 40) < N);
    CU_ASSERT_EQUAL(ull[1], 3ull * N);                  /* 64-bit CAS */
    CU_ASSERT_EQUAL(u[2], (N - 1) * 7919u);             /* max unsigned */
    CU_ASSERT_EQUAL(u[3], 100u);                        /* min unsigned */
    CU_ASSERT_EQUAL(ll[0], 0);                          /* max signed 64 */
    CU_ASSERT_EQUAL(ll[1], -((int64_t)(N - 1) << 33));  /* min signed 64 */
    CU_ASSERT_EQUAL(ull[2], (uint64_t)(N - 1) << 35);   /* max u64 */
    CU_ASSERT_EQUAL(ull[3], 9ull << 35);                /* min u64 */
    CU_ASSERT_EQUAL((uint32_t)i[1], 0x80000000u);       /* and */
    CU_ASSERT_EQUAL((uint32_t)i[2], 0x1fffffffu);       /* or */
    CU_ASSERT_EQUAL((uint32_t)i[3], xor);               /* xor */
    CU_ASSERT_EQUAL(u[4], N % 100);                     /* inc, wraps */
    CU_ASSERT_EQUAL(u[5], (100 - N % 100) % 100);       /* dec, wraps */
}

/* ---- math ---- */

enum { EXACT, APPROX, CONV };   /* CONV: exact, finite inputs only */

struct mfn {
    const char *name;
    int kind;
    double (*ref)(double x);
};

static double sat(double x)
{
    return isnan(x) ? 0 : x < 0 ? 0 : x > 1 ? 1 : x;
}

/* The CPU references, in float where the device's result is exact (so
 * that the comparison is bit for bit), in double where it is not. */
#define F(e) ((double)(e))
static double r_floor(double x) { return F(floorf((float)x)); }
static double r_ceil(double x) { return F(ceilf((float)x)); }
static double r_trunc(double x) { return F(truncf((float)x)); }
static double r_rint(double x) { return F(rintf((float)x)); }
static double r_round(double x) { return F(roundf((float)x)); }
static double r_fma(double x) { return F(fmaf((float)x, 1.5f, -0.25f)); }
static double r_copysign(double x) { return F(copysignf(1.25f, (float)x)); }
static double r_fdim(double x) { return F(fdimf((float)x, 0.5f)); }
static double r_sat(double x) { return F((float)sat(x)); }
static double r_add(double x) { return F((float)x + 0.1f); }
static double r_mul(double x) { return F((float)x * 0.1f); }
static double r_div(double x) { return F((float)x / 3.0f); }
static double a_(double x) { return F(fabsf((float)x) + 0.5f); }
static double r_rcp(double x) { return F(1.0f / (float)a_(x)); }
static double r_sqrt(double x) { return F(sqrtf((float)a_(x))); }
static double r_fmarn(double x)
{
    return F(fmaf((float)x, (float)x, 0.5f));
}
static double r_f2i_rn(double x) { return F((int)rintf((float)x)); }
static double r_f2i_rz(double x) { return F((int)(float)x); }
static double r_f2i_rd(double x) { return F((int)floorf((float)x)); }
static double r_f2i_ru(double x) { return F((int)ceilf((float)x)); }
static double r_i2f(double x) { return F((float)(int)((float)x * 1000.0f)); }
static double r_u2f(double x)
{
    return F((float)((unsigned)(float)a_(x) * 1000u));
}
static double r_class(double x)
{
    float f = (float)x;

    return !!isnan(f) + 2 * !!isinf(f) + 4 * !!isfinite(f) + 8 * !!signbit(f);
}
static double r_min(double x) { return F(fminf((float)x, 0.25f)); }
static double r_max(double x) { return F(fmaxf((float)x, 0.25f)); }
static double r_exp2(double x) { return exp2(x); }
static double r_log2(double x) { return log2(a_(x)); }
static double r_exp10(double x) { return pow(10, (float)x * 0.5f); }
static double r_log10(double x) { return log10(a_(x)); }
static double r_exp(double x) { return exp(x); }
static double r_log(double x) { return log(a_(x)); }
static double r_expm1(double x) { return expm1(x); }
static double r_log1p(double x) { return log1p(a_(x)); }
static double r_pow(double x) { return pow(a_(x), x); }
static double r_pown3(double x) { return pow(-a_(x), 3); }
static double r_pown2(double x) { return pow(-a_(x), 2); }
static double r_sin(double x) { return sin(x); }
static double r_cos(double x) { return cos(x); }
static double r_tan(double x) { return tan((float)x * 0.25f); }
static double r_sincos(double x) { return sin(x) + 2 * cos(x); }
static double r_tanh(double x) { return tanh(x); }
static double r_sinh(double x) { return sinh(x); }
static double r_cosh(double x) { return cosh(x); }
static double r_cbrt(double x) { return cbrt(x); }
static double r_hypot(double x) { return hypot(x, 2); }
static double r_fast(double x)
{
    return exp(x) + log(a_(x)) + sqrt(a_(x));
}
#undef F

static const struct mfn mfns[] = {
    { "floorf", EXACT, r_floor }, { "ceilf", EXACT, r_ceil },
    { "truncf", EXACT, r_trunc }, { "rintf", EXACT, r_rint },
    { "nearbyintf", EXACT, r_rint }, { "roundf", EXACT, r_round },
    { "fmaf", EXACT, r_fma }, { "copysignf", EXACT, r_copysign },
    { "fdimf", EXACT, r_fdim }, { "__saturatef", EXACT, r_sat },
    { "__fadd_rn", EXACT, r_add }, { "__fmul_rn", EXACT, r_mul },
    { "__fdiv_rn", EXACT, r_div }, { "__frcp_rn", EXACT, r_rcp },
    { "__fsqrt_rn", EXACT, r_sqrt }, { "__fmaf_rn", EXACT, r_fmarn },
    { "__float2int_rn", CONV, r_f2i_rn }, { "__float2int_rz", CONV, r_f2i_rz },
    { "__float2int_rd", CONV, r_f2i_rd }, { "__float2int_ru", CONV, r_f2i_ru },
    { "__int2float_rn", CONV, r_i2f }, { "__uint2float_rn", CONV, r_u2f },
    { "isnan/isinf/isfinite/signbit", EXACT, r_class },
    { "min(float)", EXACT, r_min }, { "max(float)", EXACT, r_max },
    { "exp2f", APPROX, r_exp2 }, { "log2f", APPROX, r_log2 },
    { "exp10f", APPROX, r_exp10 }, { "log10f", APPROX, r_log10 },
    { "expf", APPROX, r_exp }, { "logf", APPROX, r_log },
    { "expm1f", APPROX, r_expm1 }, { "log1pf", APPROX, r_log1p },
    { "powf", APPROX, r_pow }, { "powf(-a, 3)", APPROX, r_pown3 },
    { "powf(-a, 2)", APPROX, r_pown2 },
    { "sinf", APPROX, r_sin }, { "cosf", APPROX, r_cos },
    { "tanf", APPROX, r_tan }, { "sincosf", APPROX, r_sincos },
    { "tanhf", APPROX, r_tanh }, { "sinhf", APPROX, r_sinh },
    { "coshf", APPROX, r_cosh }, { "cbrtf", APPROX, r_cbrt },
    { "hypotf", APPROX, r_hypot },
    { "__expf + __logf + __powf", APPROX, r_fast },
};
#define NFUNCS (sizeof(mfns) / sizeof(mfns[0]))

static double d_floor(double x) { return floor(x); }
static double d_ceil(double x) { return ceil(x); }
static double d_trunc(double x) { return trunc(x); }
static double d_rint(double x) { return rint(x); }
static double d_round(double x) { return round(x); }
static double d_fabs(double x) { return fabs(x); }
static double d_copysign(double x) { return copysign(2.0, x); }
static double d_fminmax(double x) { return fmin(x, 0.5) + fmax(x, -0.5); }
static double d_minmax(double x) { return fmin(x, 1.5) + fmax(x, 1.0); }
static double d_sqrtfma(double x) { return sqrt(fabs(x)) + fma(x, x, 1.0); }

static double (*const dfns[])(double) = {
    d_floor, d_ceil, d_trunc, d_rint, d_round, d_fabs, d_copysign,
    d_fminmax, d_minmax, d_sqrtfma,
};
#define NDFUNCS (sizeof(dfns) / sizeof(dfns[0]))

static void test_math(void)
{
    enum { N = 256 };
    static const float special[] = {
        0.0f, -0.0f, 0.5f, -0.5f, 1.5f, 2.5f, -2.5f, 0.49999997f,
        -0.49999997f, 1e-3f, -1e-3f, 3.999f, -3.999f, 1.0f, -1.0f,
        INFINITY, -INFINITY, NAN,
    };
    static const double dspecial[] = {
        0.5, -0.5, 2.5, -2.5, 0.49999999999999994, -1.5, 1e300, -0.0,
    };
    float x[N], *out = malloc(sizeof(float) * N * NFUNCS);
    double dx[N], *dout = malloc(sizeof(double) * N * NDFUNCS);
    struct { uint64_t out, x, dout, dx; int32_t n; } __attribute__((packed))
        p;
    int nspecial = sizeof(special) / sizeof(special[0]), bad = 0;

    srand(11);
    for (int e = 0; e < N; e++) {
        x[e] = e < nspecial ? special[e] :
               (float)rand() / (float)RAND_MAX * 8.0f - 4.0f;
        dx[e] = e < (int)(sizeof(dspecial) / sizeof(dspecial[0])) ?
                dspecial[e] : (double)rand() / RAND_MAX * 20.0 - 10.0;
    }
    p.x = put(x, sizeof(x));
    p.dx = put(dx, sizeof(dx));
    p.out = kt_alloc(&k1, sizeof(float) * N * NFUNCS);
    p.dout = kt_alloc(&k1, sizeof(double) * N * NDFUNCS);
    p.n = N;
    CU_ASSERT_EQUAL_FATAL(launch("hdr_math", N / 64, 64, 0, &p, sizeof(p)),
                          GV_ERR_NONE);
    kt_read(&k1, p.out, out, sizeof(float) * N * NFUNCS);
    kt_read(&k1, p.dout, dout, sizeof(double) * N * NDFUNCS);

    for (unsigned k = 0; k < NFUNCS; k++) {
        for (int e = 0; e < N; e++) {
            double got = out[k * N + e], want;
            int ok;

            if (mfns[k].kind != EXACT && !isfinite(x[e])) {
                continue;
            }
            want = mfns[k].ref(x[e]);
            if (mfns[k].kind == APPROX) {
                ok = fabs(got - want) <= 4e-6 * fabs(want) + 4e-6 ||
                     (isinf(want) && got == want);
            } else {
                ok = (float)want == (float)got ||
                     (isnan(want) && isnan(got));
                ok = ok && signbit(want) == signbit(got);
            }
            if (!ok && bad++ < 20) {
                fprintf(stderr, "%s(%.9g): %.9g, expected %.9g\n",
                        mfns[k].name, x[e], got, want);
            }
        }
    }
    for (unsigned k = 0; k < NDFUNCS; k++) {
        for (int e = 0; e < N; e++) {
            double want = dfns[k](dx[e]);

            if (memcmp(&want, &dout[k * N + e], 8) && bad++ < 20) {
                fprintf(stderr, "double function %u(%.17g): %.17g, "
                        "expected %.17g\n", k, dx[e], dout[k * N + e], want);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(out);
    free(dout);
}

/* ---- a template, dynamic shared memory, a __constant__ table ---- */

static void test_template(void)
{
    static const int table[8] = { 3, -1, 4, -1, 5, -9, 2, -6 };
    enum { GRID = 2, BLOCK = 64, N = GRID * BLOCK };
    float f[N], fo[N];
    double d[N], dd[N];
    uint64_t pf, pd;
    int bad = 0;

    for (int i = 0; i < N; i++) {
        f[i] = (float)i * 0.5f;
        d[i] = i * 0.25 + 1e-9;
    }
    pf = put(f, sizeof(f));
    pd = put(d, sizeof(d));
    CU_ASSERT_EQUAL_FATAL(launch("hdr_template_f", GRID, BLOCK,
                                 BLOCK * sizeof(float), &pf, 8),
                          GV_ERR_NONE);
    CU_ASSERT_EQUAL_FATAL(launch("hdr_template_d", GRID, BLOCK,
                                 BLOCK * sizeof(double), &pd, 8),
                          GV_ERR_NONE);
    kt_read(&k1, pf, fo, sizeof(fo));
    kt_read(&k1, pd, dd, sizeof(dd));
    for (int i = 0; i < N; i++) {
        int t = i % BLOCK, src = i - t + BLOCK - 1 - t;

        bad += fo[i] != f[src] + (float)table[t % 8];
        bad += dd[i] != d[src] + table[t % 8];
    }
    CU_ASSERT_EQUAL(bad, 0);
}

int gv_register_suites(void)
{
    static const struct gv_cunit_test t[] = {
        { "integers, layouts, built-in variables, shuffles", test_ints },
        { "atomics", test_atomics },
        { "math against libm", test_math },
        { "template, dynamic shared memory, __constant__", test_template },
        { NULL, NULL },
    };

    return gv_add_suite("cuda_runtime.h", setup, teardown, t);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inputs, launch geometry and CPU references shared by the compute
 * benchmarks (the emulated GPU's compute engine and the OpenCL baselines in
 * ocl_baseline.c), so that every engine runs the test kernels of kernels/
 * on the same data with the same grid and is checked the same way.
 *
 * Inputs are deterministic functions of the element index (a 32-bit hash;
 * no state, no libc rand), so any part of an array can be regenerated.
 *
 *   vector_add    a, b: multiples of 1/8 in [-125, 125]: every sum is exact
 *   matmul        a, b: integers in [-4, 4] stored as floats: every partial
 *                 sum is an integer below 2^24 for n < 2^20, so C is exact
 *                 whatever the order of the additions
 *   blackscholes  price in [5, 30), strike in [1, 100), years in
 *                 [0.25, 10), riskless rate r = 0.02, volatility v = 0.30
 *                 (the CUDA SDK sample's ranges)
 *   reduce        integers in [-15, 15]: the sum fits an int for n < 2^27
 *
 * Checks: vector_add, matmul and reduce must match exactly; blackscholes
 * within GV_BENCH_BS_TOL (absolute, in price units) of a double-precision
 * reference running the same algorithm (Abramowitz-Stegun CND).
 *
 * Header only (static inline), C11.
 */
#ifndef GV_BENCH_INPUTS_H
#define GV_BENCH_INPUTS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* Black-Scholes market parameters (kernel arguments r and v). */
#define GV_BENCH_BS_R 0.02f
#define GV_BENCH_BS_V 0.30f
/*
 * Largest |result - reference| accepted for a call or put price.  Prices
 * reach about 95; float rounding of the two terms of each price, the
 * approximate exp/log of the engines and the cancellation between the
 * terms stay well below this (pocl and oclgrind: at most 1.5e-5).
 */
#define GV_BENCH_BS_TOL 1e-3

/* matmul's tile: n must be a multiple of it. */
#define GV_BENCH_MATMUL_TILE 16u
/* Threads per block of the other kernels (reduce: a multiple of 32). */
#define GV_BENCH_VECTOR_ADD_BLOCK 256u
#define GV_BENCH_BS_BLOCK 128u
#define GV_BENCH_BS_MAX_GRID 480u
#define GV_BENCH_REDUCE_BLOCK 256u
#define GV_BENCH_REDUCE_MAX_GRID 128u

/*
 * Launch geometry: grid in blocks, block in threads (CUDA's gridDim and
 * blockDim; OpenCL's global size is grid * block, its local size block).
 */
struct gv_bench_launch {
    unsigned grid_x, grid_y;
    unsigned block_x, block_y;
};

static inline unsigned gv_bench_div_up(unsigned n, unsigned d)
{
    return n / d + (n % d != 0);
}

static inline unsigned gv_bench_min(unsigned a, unsigned b)
{
    return a < b ? a : b;
}

/* vector_add(a, b, c, n): one thread per element, ceil(n / 256) blocks. */
static inline struct gv_bench_launch gv_bench_launch_vector_add(unsigned n)
{
    struct gv_bench_launch l = {
        gv_bench_div_up(n, GV_BENCH_VECTOR_ADD_BLOCK), 1,
        GV_BENCH_VECTOR_ADD_BLOCK, 1,
    };

    return l;
}

/* matmul(a, b, c, n): one thread per element of C, 16 x 16 blocks. */
static inline struct gv_bench_launch gv_bench_launch_matmul(unsigned n)
{
    struct gv_bench_launch l = {
        n / GV_BENCH_MATMUL_TILE, n / GV_BENCH_MATMUL_TILE,
        GV_BENCH_MATMUL_TILE, GV_BENCH_MATMUL_TILE,
    };

    return l;
}

/*
 * blackscholes(call, put, price, strike, years, r, v, n): grid-stride,
 * 128 threads per block, at most 480 blocks (the CUDA SDK sample's grid).
 */
static inline struct gv_bench_launch gv_bench_launch_blackscholes(unsigned n)
{
    struct gv_bench_launch l = {
        gv_bench_min(gv_bench_div_up(n ? n : 1, GV_BENCH_BS_BLOCK),
                     GV_BENCH_BS_MAX_GRID), 1,
        GV_BENCH_BS_BLOCK, 1,
    };

    return l;
}

/* reduce_sum(in, sum, n): grid-stride, 256 threads, at most 128 blocks. */
static inline struct gv_bench_launch gv_bench_launch_reduce(unsigned n)
{
    struct gv_bench_launch l = {
        gv_bench_min(gv_bench_div_up(n ? n : 1, GV_BENCH_REDUCE_BLOCK),
                     GV_BENCH_REDUCE_MAX_GRID), 1,
        GV_BENCH_REDUCE_BLOCK, 1,
    };

    return l;
}

/* A 32-bit integer hash (good avalanche); inputs are hashes of indices. */
static inline uint32_t gv_bench_hash(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

/* Element i (i < 2^32) of input stream `stream`, as 32 random bits. */
static inline uint32_t gv_bench_bits(uint32_t stream, size_t i)
{
    return gv_bench_hash((uint32_t)i + gv_bench_hash(stream * 0x9e3779b9u));
}

/* Uniform in [lo, hi): 24 random bits scaled. */
static inline float gv_bench_uniform(uint32_t stream, size_t i, float lo,
                                     float hi)
{
    float u = (float)(gv_bench_bits(stream, i) >> 8) * (1.0f / 16777216.0f);

    return lo + (hi - lo) * u;
}

static inline void gv_bench_fill_vector_add(float *a, float *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        a[i] = (float)((int)(gv_bench_bits(1, i) % 2001) - 1000) / 8.0f;
        b[i] = (float)((int)(gv_bench_bits(2, i) % 2001) - 1000) / 8.0f;
    }
}

/* a and b: n x n, row-major. */
static inline void gv_bench_fill_matmul(float *a, float *b, unsigned n)
{
    size_t nn = (size_t)n * n;

    for (size_t i = 0; i < nn; i++) {
        a[i] = (float)((int)(gv_bench_bits(3, i) % 9) - 4);
        b[i] = (float)((int)(gv_bench_bits(4, i) % 9) - 4);
    }
}

static inline void gv_bench_fill_blackscholes(float *price, float *strike,
                                              float *years, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        price[i] = gv_bench_uniform(5, i, 5.0f, 30.0f);
        strike[i] = gv_bench_uniform(6, i, 1.0f, 100.0f);
        years[i] = gv_bench_uniform(7, i, 0.25f, 10.0f);
    }
}

static inline void gv_bench_fill_reduce(int *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        in[i] = (int)(gv_bench_bits(8, i) % 31) - 15;
    }
}

static inline void gv_bench_ref_vector_add(const float *a, const float *b,
                                           float *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        c[i] = a[i] + b[i];
    }
}

/* c = a * b, n x n row-major; exact for gv_bench_fill_matmul's inputs. */
static inline void gv_bench_ref_matmul(const float *a, const float *b,
                                       float *c, unsigned n)
{
    for (size_t i = 0; i < n; i++) {
        float *ci = c + i * n;

        for (size_t j = 0; j < n; j++) {
            ci[j] = 0.0f;
        }
        for (size_t k = 0; k < n; k++) {
            float aik = a[i * n + k];
            const float *bk = b + k * n;

            for (size_t j = 0; j < n; j++) {
                ci[j] += aik * bk[j];
            }
        }
    }
}

/* The kernel's normal CDF (Abramowitz-Stegun 26.2.17), in double. */
static inline double gv_bench_cnd(double d)
{
    const double a1 = 0.31938153, a2 = -0.356563782, a3 = 1.781477937;
    const double a4 = -1.821255978, a5 = 1.330274429;
    const double rsqrt2pi = 0.39894228040143267794;
    double k = 1.0 / (1.0 + 0.2316419 * fabs(d));
    double c = rsqrt2pi * exp(-0.5 * d * d) *
               (k * (a1 + k * (a2 + k * (a3 + k * (a4 + k * a5)))));

    return d > 0 ? 1.0 - c : c;
}

static inline void gv_bench_ref_blackscholes(float *call, float *put,
                                             const float *price,
                                             const float *strike,
                                             const float *years, float r,
                                             float v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double s = price[i], x = strike[i], t = years[i];
        double sqrt_t = sqrt(t);
        double d1 = (log(s / x) + (r + 0.5 * v * v) * t) / (v * sqrt_t);
        double d2 = d1 - v * sqrt_t;
        double e = exp(-(double)r * t);

        call[i] = (float)(s * gv_bench_cnd(d1) - x * e * gv_bench_cnd(d2));
        put[i] = (float)(x * e * (1.0 - gv_bench_cnd(d2)) -
                         s * (1.0 - gv_bench_cnd(d1)));
    }
}

static inline int gv_bench_ref_reduce(const int *in, size_t n)
{
    long long sum = 0;

    for (size_t i = 0; i < n; i++) {
        sum += in[i];
    }
    return (int)sum;
}

/*
 * Compare got with want: the number of elements further apart than tol
 * (0: exact, NaN never matches); *max_err (if not NULL) gets the largest
 * |got - want|.
 */
static inline size_t gv_bench_check_floats(const float *got,
                                           const float *want, size_t n,
                                           double tol, double *max_err)
{
    size_t bad = 0;
    double worst = 0;

    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)got[i] - (double)want[i]);

        if (!(d <= tol)) {
            bad++;
        }
        if (!(d <= worst)) {
            worst = d;
        }
    }
    if (max_err) {
        *max_err = worst;
    }
    return bad;
}

#endif

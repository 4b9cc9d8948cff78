/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Compute-engine benchmark: the test kernels (vector_add, matmul,
 * blackscholes, reduce_sum) translated from clang's PTX and run by this
 * device's compute engine in-process, and in the same run the same
 * algorithms in OpenCL C on Debian's pocl (native CPU code) and oclgrind
 * (an OpenCL interpreter).  Prints kernel time (best of --runs), lane
 * instructions per second for the engine, and the ratios.  Every result is
 * checked against the CPU reference.
 *
 *   bench-compute [--runs N] [--sms N] [--quick] [--no-oclgrind]
 *                 [--no-jit] [--only KERNEL] [--kernels DIR]
 *
 * The compiled tier (docs/compute.md) is on, as in the QEMU device, and
 * compiles each kernel's regions at its first gang (a warm-up run
 * before the timed ones pays the compilation); --no-jit: the
 * interpreter alone.
 *
 * Table 1 runs all three at sizes oclgrind finishes in seconds; table 2
 * runs the engine and pocl at the paper-like sizes (BlackScholes 4M
 * options, matmul 512x512).  Targets (issue 4): >= 20x faster than
 * oclgrind; within 10x of pocl on BlackScholes and matmul.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_inputs.h"
#include "gv_core.h"
#include "gv_ktest.h"
#include "gv_ptx.h"
#include "ocl_baseline.h"

static const char *kdir = GV_KERNEL_DIR;
static unsigned runs = 3, sms;
static bool jit = true;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct eng_result {
    double seconds;
    double lane_insns;
    int ok;
};

static uint8_t *translate(const char *name, size_t *len)
{
    char path[512], err[512];
    uint8_t *img;

    snprintf(path, sizeof(path), "%s/%s.ptx", kdir, name);
    if (gv_ptx_translate_file(path, &img, len, err, sizeof(err))) {
        fprintf(stderr, "bench-compute: %s (use --kernels)\n", err);
        exit(1);
    }
    return img;
}

/* Time a launch on the engine: warm-up, then best of runs. */
static void time_launch(struct kt *k, struct kt_launch *l,
                        struct eng_result *r, void (*reset)(void *),
                        void *arg)
{
    r->seconds = 1e30;
    for (unsigned i = 0; i <= runs; i++) {
        uint64_t before = gv_dev_compute_lane_insns(k->td->dev);
        double t0;

        if (reset) {
            reset(arg);
        }
        t0 = now();
        if (kt_launch(k, l) != GV_ERR_NONE) {
            fprintf(stderr, "bench-compute: launch failed\n");
            exit(1);
        }
        t0 = now() - t0;
        if (i > 0 && t0 < r->seconds) {
            r->seconds = t0;
            r->lane_insns = (double)(gv_dev_compute_lane_insns(k->td->dev) -
                                     before);
        }
    }
}

static struct td *dev_new(struct kt *k, uint64_t bytes)
{
    uint64_t prot = (bytes + (16 << 20)) & ~((2ull << 20) - 1);
    struct td *td;

    td_compute_sms = sms;
    td_compute_jit = jit;
    td_compute_jit_after = 0;
    td = td_new(prot + (48ull << 20), 16ull << 20, prot, false);
    kt_init(k, td, 1, NULL, bytes, true);
    return td;
}

static void eng_vector_add(unsigned n, struct eng_result *r)
{
    struct kt k;
    size_t len, sz = (size_t)n * 4;
    struct td *td = dev_new(&k, 3 * sz + (1 << 20));
    uint8_t *img = translate("vector_add", &len);
    float *a = malloc(sz), *b = malloc(sz), *c = malloc(sz),
          *w = malloc(sz);
    struct gv_bench_launch g = gv_bench_launch_vector_add(n);
    struct kt_abc p;

    gv_bench_fill_vector_add(a, b, n);
    kt_abc_in(&k, a, b, sz, (int32_t)n, &p);
    struct kt_launch l = { .module_va = kt_load(&k, img, (uint32_t)len),
                           .module_size = (uint32_t)len,
                           .grid = { g.grid_x }, .block = { g.block_x },
                           .params = &p, .param_size = sizeof(p) };

    time_launch(&k, &l, r, NULL, NULL);
    kt_read(&k, p.c, c, sz);
    gv_bench_ref_vector_add(a, b, w, n);
    r->ok = gv_bench_check_floats(c, w, n, 0, NULL) == 0;
    td_free(td);
    free(img); free(a); free(b); free(c); free(w);
}

static void eng_matmul(unsigned n, struct eng_result *r)
{
    struct kt k;
    size_t len, sz = (size_t)n * n * 4;
    struct td *td = dev_new(&k, 3 * sz + (1 << 20));
    uint8_t *img = translate("matmul", &len);
    float *a = malloc(sz), *b = malloc(sz), *c = malloc(sz),
          *w = malloc(sz);
    struct gv_bench_launch g = gv_bench_launch_matmul(n);
    struct kt_abc p;

    gv_bench_fill_matmul(a, b, n);
    kt_abc_in(&k, a, b, sz, (int32_t)n, &p);
    struct kt_launch l = { .module_va = kt_load(&k, img, (uint32_t)len),
                           .module_size = (uint32_t)len,
                           .grid = { g.grid_x, g.grid_y },
                           .block = { g.block_x, g.block_y },
                           .params = &p, .param_size = sizeof(p) };

    time_launch(&k, &l, r, NULL, NULL);
    kt_read(&k, p.c, c, sz);
    gv_bench_ref_matmul(a, b, w, n);
    r->ok = gv_bench_check_floats(c, w, (size_t)n * n, 0, NULL) == 0;
    td_free(td);
    free(img); free(a); free(b); free(c); free(w);
}

static void eng_blackscholes(unsigned n, struct eng_result *r)
{
    struct kt k;
    size_t len, sz = (size_t)n * 4;
    struct td *td = dev_new(&k, 5 * sz + (1 << 20));
    uint8_t *img = translate("blackscholes", &len);
    float *pr = malloc(sz), *st = malloc(sz), *yr = malloc(sz),
          *c = malloc(sz), *pu = malloc(sz), *wc = malloc(sz),
          *wp = malloc(sz);
    struct gv_bench_launch g = gv_bench_launch_blackscholes(n);
    struct {
        uint64_t call, put, price, strike, years;
        float r, v;
        int32_t n;
    } __attribute__((packed)) p;

    gv_bench_fill_blackscholes(pr, st, yr, n);
    p.call = kt_alloc(&k, sz);
    p.put = kt_alloc(&k, sz);
    p.price = kt_alloc(&k, sz);
    p.strike = kt_alloc(&k, sz);
    p.years = kt_alloc(&k, sz);
    p.r = GV_BENCH_BS_R;
    p.v = GV_BENCH_BS_V;
    p.n = (int32_t)n;
    kt_write(&k, p.price, pr, sz);
    kt_write(&k, p.strike, st, sz);
    kt_write(&k, p.years, yr, sz);
    struct kt_launch l = { .module_va = kt_load(&k, img, (uint32_t)len),
                           .module_size = (uint32_t)len,
                           .grid = { g.grid_x }, .block = { g.block_x },
                           .params = &p, .param_size = 52 };

    time_launch(&k, &l, r, NULL, NULL);
    kt_read(&k, p.call, c, sz);
    kt_read(&k, p.put, pu, sz);
    gv_bench_ref_blackscholes(wc, wp, pr, st, yr, GV_BENCH_BS_R,
                              GV_BENCH_BS_V, n);
    r->ok = gv_bench_check_floats(c, wc, n, GV_BENCH_BS_TOL, NULL) == 0 &&
            gv_bench_check_floats(pu, wp, n, GV_BENCH_BS_TOL, NULL) == 0;
    td_free(td);
    free(img); free(pr); free(st); free(yr); free(c); free(pu); free(wc);
    free(wp);
}

struct reduce_reset {
    struct kt *k;
    uint64_t sum;
};

static void reduce_zero(void *arg)
{
    struct reduce_reset *z = arg;
    int zero = 0;

    kt_write(z->k, z->sum, &zero, 4);
}

static void eng_reduce(unsigned n, struct eng_result *r)
{
    struct kt k;
    size_t len, sz = (size_t)n * 4;
    struct td *td = dev_new(&k, sz + (1 << 20));
    uint8_t *img = translate("reduce", &len);
    int *in = malloc(sz), sum = 0;
    struct gv_bench_launch g = gv_bench_launch_reduce(n);
    struct { uint64_t in, sum; int32_t n; } __attribute__((packed)) p;
    struct reduce_reset z = { &k, 0 };

    gv_bench_fill_reduce(in, n);
    p.in = kt_alloc(&k, sz);
    p.sum = kt_alloc(&k, 8);
    p.n = (int32_t)n;
    z.sum = p.sum;
    kt_write(&k, p.in, in, sz);
    struct kt_launch l = { .module_va = kt_load(&k, img, (uint32_t)len),
                           .module_size = (uint32_t)len,
                           .grid = { g.grid_x }, .block = { g.block_x },
                           .params = &p, .param_size = 20 };

    time_launch(&k, &l, r, reduce_zero, &z);
    kt_read(&k, p.sum, &sum, 4);
    r->ok = sum == gv_bench_ref_reduce(in, n);
    td_free(td);
    free(img); free(in);
}

struct kern {
    const char *name;
    enum gv_ocl_kernel ocl;
    void (*eng)(unsigned n, struct eng_result *r);
    unsigned small, large;
    const char *unit;
};

static const struct kern kerns[] = {
    { "vector_add", GV_OCL_VECTOR_ADD, eng_vector_add, 256 << 10, 4 << 20,
      "elements" },
    { "matmul", GV_OCL_MATMUL, eng_matmul, 128, 512, "n x n" },
    { "blackscholes", GV_OCL_BLACKSCHOLES, eng_blackscholes, 64 << 10,
      4 << 20, "options" },
    { "reduce", GV_OCL_REDUCE, eng_reduce, 256 << 10, 16 << 20, "ints" },
};

static void print_ocl(const char *engine, enum gv_ocl_kernel k, unsigned n,
                      unsigned r, double eng_s, bool show, double *out)
{
    struct gv_ocl_result res;
    char err[256];
    int rc = gv_ocl_run(engine, k, n, r, &res, err, sizeof(err));

    *out = 0;
    if (rc != 0) {
        if (show) {
            printf(" | %-10s %-23s", engine, "unavailable");
        }
        fprintf(stderr, "  (%s: %s)\n", engine, err);
        return;
    }
    *out = res.seconds;
    if (show) {
        printf(" | %9.4f s%s x%-9.3g", res.seconds, res.ok ? " " : "!",
               res.seconds / eng_s);
    }
}

int main(int argc, char **argv)
{
    bool quick = false, grind = true;
    const char *only = NULL;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
            runs = (unsigned)atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--sms") && i + 1 < argc) {
            sms = (unsigned)atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--kernels") && i + 1 < argc) {
            kdir = argv[++i];
        } else if (!strcmp(argv[i], "--quick")) {
            quick = true;
        } else if (!strcmp(argv[i], "--no-jit")) {
            jit = false;
        } else if (!strcmp(argv[i], "--no-oclgrind")) {
            grind = false;
        } else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
            only = argv[++i];
        } else {
            fprintf(stderr, "usage: bench-compute [--runs N] [--sms N] "
                    "[--quick] [--no-oclgrind] [--no-jit] "
                    "[--only KERNEL] [--kernels DIR]\n");
            return 2;
        }
    }
    if (runs == 0) {
        runs = 1;
    }
    printf("Compute engine vs pocl (native CPU OpenCL) vs oclgrind (OpenCL "
           "interpreter), kernel time, best of %u\n", runs);
    printf("x = other engine's time / this engine's time (above 1: this "
           "engine is faster)\n\n");
    printf("Table 1: all three engines, small sizes\n");
    printf("%-13s %9s | %-10s %13s %4s | %-22s | %-22s\n", "kernel", "size",
           "engine", "lane-insn/s", "ok", "pocl", "oclgrind");
    for (size_t i = 0; i < sizeof(kerns) / sizeof(kerns[0]); i++) {
        const struct kern *k = &kerns[i];
        unsigned n = quick ? k->small / 4 : k->small;
        struct eng_result r;
        double po, og;

        if (only && strcmp(only, k->name)) {
            continue;
        }
        if (!strcmp(k->name, "matmul")) {
            n = quick ? 64 : k->small;
        }
        k->eng(n, &r);
        printf("%-13s %9u | %8.4f s %11.3g %4s", k->name, n, r.seconds,
               r.lane_insns / r.seconds, r.ok ? "yes" : "NO");
        print_ocl("pocl", k->ocl, n, runs, r.seconds, true, &po);
        if (grind) {
            print_ocl("oclgrind", k->ocl, n, 1, r.seconds, true, &og);
        }
        printf("\n");
    }
    if (quick) {
        return 0;
    }
    printf("\nTable 2: this engine and pocl, large sizes "
           "(target: within 10x of pocl on blackscholes and matmul)\n");
    printf("%-13s %9s | %-10s %13s %4s | %-22s\n", "kernel", "size",
           "engine", "lane-insn/s", "ok", "pocl");
    for (size_t i = 0; i < sizeof(kerns) / sizeof(kerns[0]); i++) {
        const struct kern *k = &kerns[i];
        struct eng_result r;
        double po;

        if (only && strcmp(only, k->name)) {
            continue;
        }
        k->eng(k->large, &r);
        printf("%-13s %9u | %8.4f s %11.3g %4s", k->name, k->large,
               r.seconds, r.lane_insns / r.seconds, r.ok ? "yes" : "NO");
        print_ocl("pocl", k->ocl, k->large, runs, r.seconds, true, &po);
        if (po > 0) {
            printf("  engine/pocl = %.1fx slower", r.seconds / po);
        }
        printf("\n");
    }
    return 0;
}

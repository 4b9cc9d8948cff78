/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The OpenCL baselines of the compute-engine benchmark on their own: the
 * test kernels (vector_add, matmul, blackscholes, reduce) on pocl (native
 * CPU OpenCL) and oclgrind (an OpenCL interpreter), kernel time only, best
 * of the runs, outputs checked against the CPU references
 * (ocl_baseline.h, bench_inputs.h, docs/benchmarks.md).
 *
 *   bench-ocl [--kernel vector_add|matmul|blackscholes|reduce|all]
 *             [--engine pocl|oclgrind|all] [--n N] [--runs R]
 *
 * Without --n, each kernel runs at a small size on every engine (small
 * enough for oclgrind, 200 to 3600 times slower than pocl) and at a large
 * size on pocl only.  --n N runs every chosen engine at N (the matrix
 * dimension for matmul).  --runs R: timed runs (default 5 on pocl, 1 on
 * oclgrind), after one warm-up run.  An engine that is not available is
 * reported and skipped.  Exit status 1 if an output was wrong or a run
 * failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocl_baseline.h"

static const struct {
    enum gv_ocl_kernel k;
    unsigned small, large;      /* default sizes: all engines, pocl only */
    const char *unit;           /* what the throughput counts */
} kernels[] = {
    { GV_OCL_VECTOR_ADD, 256u << 10, 16u << 20, "elem/s" },
    { GV_OCL_MATMUL, 128, 512, "FLOP/s" },
    { GV_OCL_BLACKSCHOLES, 64u << 10, 4u << 20, "opt/s" },
    { GV_OCL_REDUCE, 256u << 10, 16u << 20, "elem/s" },
};
#define N_KERNELS (sizeof(kernels) / sizeof(kernels[0]))

static const char *const engines[] = { "pocl", "oclgrind" };
#define N_ENGINES (sizeof(engines) / sizeof(engines[0]))

static void usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [--kernel vector_add|matmul|blackscholes|reduce|all]\n"
            "          [--engine pocl|oclgrind|all] [--n N] [--runs R]\n",
            prog);
    exit(2);
}

static double work(enum gv_ocl_kernel k, unsigned n)
{
    return k == GV_OCL_MATMUL ? 2.0 * n * n * n : (double)n;
}

static void si(double v, char *buf, size_t len)
{
    static const char prefix[] = " kMGT";
    int i = 0;

    while (v >= 1000 && i < 4) {
        v /= 1000;
        i++;
    }
    snprintf(buf, len, "%.3g %c", v, prefix[i]);
}

/* 0: ran and matched, 1: wrong output or failure, -1: engine missing. */
static int one(const char *engine, unsigned ki, unsigned n, unsigned runs,
               char *seen_device, size_t seen_len)
{
    struct gv_ocl_result res;
    char err[512], tput[32];
    enum gv_ocl_kernel k = kernels[ki].k;
    int rc = gv_ocl_run(engine, k, n, runs, &res, err, sizeof(err));

    if (rc == -1) {
        printf("  %s skipped: %s\n", engine, err);
        return -1;
    }
    if (rc < 0) {
        printf("%-13s %-9s %9u  FAILED: %s\n", gv_ocl_kernel_name(k), engine,
               n, err);
        return 1;
    }
    if (strcmp(seen_device, res.device)) {
        printf("  (%s: device \"%s\")\n", engine, res.device);
        snprintf(seen_device, seen_len, "%s", res.device);
    }
    si(work(k, n) / res.seconds, tput, sizeof(tput));
    printf("%-13s %-9s %9u %12.3f %12s%-6s %4u  %s", gv_ocl_kernel_name(k),
           engine, n, res.seconds * 1e3, tput, kernels[ki].unit, runs,
           res.ok ? "ok" : "WRONG");
    if (res.max_err > 0) {
        printf(" (max err %.2g)", res.max_err);
    }
    printf("\n");
    return !res.ok;
}

int main(int argc, char **argv)
{
    const char *kname = "all", *ename = "all";
    unsigned n = 0, runs = 0;
    int missing[N_ENGINES] = { 0 }, status = 0;
    char seen[N_ENGINES][64] = { { 0 } };
    char platforms[512];
    int np;

    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--kernel")) {
            kname = argv[++i];
        } else if (i + 1 < argc && !strcmp(argv[i], "--engine")) {
            ename = argv[++i];
        } else if (i + 1 < argc && !strcmp(argv[i], "--n")) {
            n = (unsigned)strtoul(argv[++i], NULL, 0);
            if (!n) {
                usage(argv[0]);
            }
        } else if (i + 1 < argc && !strcmp(argv[i], "--runs")) {
            runs = (unsigned)strtoul(argv[++i], NULL, 0);
        } else {
            usage(argv[0]);
        }
    }

    int kmatch = 0;

    for (unsigned ki = 0; ki < N_KERNELS; ki++) {
        kmatch |= !strcmp(kname, gv_ocl_kernel_name(kernels[ki].k));
    }
    if ((!kmatch && strcmp(kname, "all")) ||
        (strcmp(ename, "all") && strcmp(ename, engines[0]) &&
         strcmp(ename, engines[1]))) {
        usage(argv[0]);
    }

    np = gv_ocl_engines(platforms, sizeof(platforms));
    printf("OpenCL platforms: %s\n", np == 0 ? "none" : platforms);
    printf("%-13s %-9s %9s %12s %18s %4s  %s\n", "kernel", "engine", "size",
           "best (ms)", "throughput", "runs", "check");

    for (unsigned ki = 0; ki < N_KERNELS; ki++) {
        if (strcmp(kname, "all") &&
            strcmp(kname, gv_ocl_kernel_name(kernels[ki].k))) {
            continue;
        }
        for (int pass = 0; pass < (n ? 1 : 2); pass++) {
            unsigned size = n ? n : pass ? kernels[ki].large :
                                           kernels[ki].small;

            for (unsigned e = 0; e < N_ENGINES; e++) {
                unsigned r = runs ? runs : e == 0 ? 5 : 1;
                int rc;

                if ((strcmp(ename, "all") && strcmp(ename, engines[e])) ||
                    missing[e] || (pass == 1 && e != 0)) {
                    continue;
                }
                rc = one(engines[e], ki, size, r, seen[e], sizeof(seen[e]));
                if (rc < 0) {
                    missing[e] = 1;
                } else {
                    status |= rc;
                }
            }
        }
    }
    return status;
}

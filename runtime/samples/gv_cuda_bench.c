/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-cuda-bench: the latency of the driver API's calls in a normal and in
 * a secure context (the Graviton paper's Table 3: context creation and
 * destruction, module load, small and big allocations and frees; plus
 * copies by each secure scheme and an empty launch).
 *
 *   gv-cuda-bench [--machine] [table3] [REPS]   this (the default)
 *   gv-cuda-bench [--machine] copy [REPS [MAX]] Table 2: secure copies by
 *                                               scheme, 4 KiB to MAX bytes
 *                                               (default 64 MiB)
 *   gv-cuda-bench [--machine] cmds [REPS]       Table 1: the ioctls that
 *                                               carry CH_* commands
 * REPS defaults to 5; the median is printed.  --machine prints "@@" lines
 * for scripts/paper.py instead of tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gv_cuda_bench.h"
#include "gv_kernels_embed.h"

int reps = 5;
bool machine;                   /* "@@" lines for scripts/paper.py */

/* The medians over reps: host microseconds, and modelled device
 * microseconds when the device models time (0 otherwise). */
struct row {
    const char *name;
    double us[2];               /* normal, secure */
    double dev_us[2];
};

static struct row rows[] = {
    { "cuCtxCreate", { 0 }, { 0 } },
    { "cuCtxDestroy", { 0 }, { 0 } },
    { "cuModuleLoadData (matmul)", { 0 }, { 0 } },
    { "cuMemAlloc 4 KiB", { 0 }, { 0 } },
    { "cuMemFree 4 KiB", { 0 }, { 0 } },
    { "cuMemAlloc 16 MiB", { 0 }, { 0 } },
    { "cuMemFree 16 MiB", { 0 }, { 0 } },
    { "cuMemcpyHtoD 1 MiB", { 0 }, { 0 } },
    { "cuMemcpyDtoH 1 MiB", { 0 }, { 0 } },
    { "  AuthDec/AuthEnc: HtoD 1 MiB", { 0 }, { 0 } },
    { "  AuthDec/AuthEnc: DtoH 1 MiB", { 0 }, { 0 } },
    { "cuLaunchKernel + sync (n = 0)", { 0 }, { 0 } },
};
static const int nrows = sizeof(rows) / sizeof(rows[0]);

/* One timing: host and device time of @call into @t[@k][i], dv[@k][i]
 * (the device clock is read first, so its ioctl stays out of the host
 * time). */
#define TIMED(t, dv, k, i, call)                                           \
    do {                                                                  \
        uint64_t d0_ = dev_clock_ns();                                    \
        double t0_ = now_us();                                            \
        TRY(call);                                                        \
        (t)[k][i] = now_us() - t0_;                                       \
        (dv)[k][i] = (double)(dev_clock_ns() - d0_) / 1e3;                \
    } while (0)

static void put(int secure, const char *name, double *t, double *dv)
{
    for (int i = 0; i < nrows; i++) {
        if (!strcmp(rows[i].name, name)) {
            rows[i].us[secure] = median(t, reps);
            rows[i].dev_us[secure] = median(dv, reps);
        }
    }
}

static void copies(int secure, CUdeviceptr d, void *h, size_t n,
                   const char *in, const char *out)
{
    double t[2][MAX_REPS], dv[2][MAX_REPS];

    for (int i = 0; i < reps; i++) {
        TIMED(t, dv, 0, i, cuMemcpyHtoD(d, h, n));
        TIMED(t, dv, 1, i, cuMemcpyDtoH(h, d, n));
    }
    put(secure, in, t[0], dv[0]);
    put(secure, out, t[1], dv[1]);
}

/* An empty launch and its completion. */
static CUresult launch_sync(CUfunction f, void **args)
{
    CUresult r = cuLaunchKernel(f, 1, 1, 1, 16, 16, 1, 0, NULL, args, NULL);

    return r != CUDA_SUCCESS ? r : cuCtxSynchronize();
}

static void bench(int secure)
{
    double t[7][MAX_REPS], dv[7][MAX_REPS];
    const char *ptx = gv_embedded_ptx("matmul");
    size_t big = 16u << 20, mib = 1u << 20;
    unsigned flags = secure ? CU_CTX_GRAVITON_SECURE : 0;
    void *h = calloc(1, mib);
    CUdeviceptr d, m1;
    CUcontext ctx;
    CUmodule mod;
    CUfunction f;

    for (int i = 0; i < reps; i++) {
        TIMED(t, dv, 0, i, cuCtxCreate_v2(&ctx, flags, 0));
        TIMED(t, dv, 1, i, cuModuleLoadData(&mod, ptx));
        TIMED(t, dv, 2, i, cuMemAlloc(&d, 4096));
        TIMED(t, dv, 3, i, cuMemFree(d));
        TIMED(t, dv, 4, i, cuMemAlloc(&d, big));
        TIMED(t, dv, 5, i, cuMemFree(d));
        if (i == reps - 1) {
            double tl[1][MAX_REPS], dl[1][MAX_REPS];
            void *args[] = { &d, &d, &d, &i };

            /* copies and an empty launch, in the last context */
            TRY(cuMemAlloc(&m1, mib));
            copies(secure, m1, h, mib, "cuMemcpyHtoD 1 MiB",
                   "cuMemcpyDtoH 1 MiB");
            if (secure) {
                TRY(cuGravitonCtxSetCopyScheme(
                        CU_GRAVITON_COPY_AUTHDEC_AES_GCM));
                copies(secure, m1, h, mib, "  AuthDec/AuthEnc: HtoD 1 MiB",
                       "  AuthDec/AuthEnc: DtoH 1 MiB");
            }
            TRY(cuModuleGetFunction(&f, mod, "matmul"));
            d = m1;
            for (int k = 0; k < reps; k++) {
                int n = 0;

                args[3] = &n;
                TIMED(tl, dl, 0, k, launch_sync(f, args));
            }
            put(secure, "cuLaunchKernel + sync (n = 0)", tl[0], dl[0]);
            TRY(cuMemFree(m1));
        }
        TRY(cuModuleUnload(mod));
        TIMED(t, dv, 6, i, cuCtxDestroy(ctx));
    }
    put(secure, "cuCtxCreate", t[0], dv[0]);
    put(secure, "cuCtxDestroy", t[6], dv[6]);
    put(secure, "cuModuleLoadData (matmul)", t[1], dv[1]);
    put(secure, "cuMemAlloc 4 KiB", t[2], dv[2]);
    put(secure, "cuMemFree 4 KiB", t[3], dv[3]);
    put(secure, "cuMemAlloc 16 MiB", t[4], dv[4]);
    put(secure, "cuMemFree 16 MiB", t[5], dv[5]);
    free(h);
}

static void print_table3(void)
{
    if (machine) {
        for (int i = 0; i < nrows; i++) {
            printf("@@T3 %s|%.1f|%.1f|%.1f|%.1f\n", rows[i].name,
                   rows[i].us[0], rows[i].us[1], rows[i].dev_us[0],
                   rows[i].dev_us[1]);
        }
        return;
    }
    printf("gv-cuda-bench: median of %d, microseconds\n", reps);
    printf("%-34s %12s %12s %8s\n", "call", "normal", "secure", "ratio");
    for (int i = 0; i < nrows; i++) {
        if (rows[i].us[0] > 0) {
            printf("%-34s %12.0f %12.0f", rows[i].name, rows[i].us[0],
                   rows[i].us[1]);
        } else {
            printf("%-34s %12s %12.0f", rows[i].name, "-", rows[i].us[1]);
        }
        if (rows[i].us[0] > 0) {
            printf(" %7.1fx\n", rows[i].us[1] / rows[i].us[0]);
        } else {
            printf(" %8s\n", "-");
        }
    }
    if (rows[0].dev_us[0] > 0) {
        printf("modelled device time (docs/devtime.md), microseconds\n");
        for (int i = 0; i < nrows; i++) {
            printf("%-34s %12.1f %12.1f\n", rows[i].name,
                   rows[i].dev_us[0], rows[i].dev_us[1]);
        }
    }
}

int main(int argc, char **argv)
{
    const char *mode = "table3";
    size_t max = 64u << 20;
    int a = 1;

    if (a < argc && !strcmp(argv[a], "--machine")) {
        machine = true;
        a++;
    }
    if (a < argc && (!strcmp(argv[a], "table3") || !strcmp(argv[a], "copy") ||
                     !strcmp(argv[a], "cmds"))) {
        mode = argv[a++];
    }
    if (a < argc) {
        reps = atoi(argv[a++]);
    }
    if (a < argc) {
        max = strtoull(argv[a++], NULL, 0);
    }
    if (reps < 1 || reps > MAX_REPS || max < 4096 || a < argc) {
        fprintf(stderr, "usage: gv-cuda-bench [--machine] [table3|copy|cmds] "
                "[REPS: 1..%d [MAX bytes, copy: >= 4096]]\n", MAX_REPS);
        return 2;
    }
    TRY(cuInit(0));
    if (!strcmp(mode, "copy")) {
        bench_copies(max);
    } else if (!strcmp(mode, "cmds")) {
        bench_commands();
    } else {
        bench(0);
        bench(1);
        print_table3();
    }
    return 0;
}

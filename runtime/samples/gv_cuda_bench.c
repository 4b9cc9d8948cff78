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

/* The median over reps of the microseconds between start() and stop(). */
struct row {
    const char *name;
    double us[2];               /* normal, secure */
};

static struct row rows[] = {
    { "cuCtxCreate", { 0 } },
    { "cuCtxDestroy", { 0 } },
    { "cuModuleLoadData (matmul)", { 0 } },
    { "cuMemAlloc 4 KiB", { 0 } },
    { "cuMemFree 4 KiB", { 0 } },
    { "cuMemAlloc 16 MiB", { 0 } },
    { "cuMemFree 16 MiB", { 0 } },
    { "cuMemcpyHtoD 1 MiB", { 0 } },
    { "cuMemcpyDtoH 1 MiB", { 0 } },
    { "  AuthDec/AuthEnc: HtoD 1 MiB", { 0 } },
    { "  AuthDec/AuthEnc: DtoH 1 MiB", { 0 } },
    { "cuLaunchKernel + sync (n = 0)", { 0 } },
};
static const int nrows = sizeof(rows) / sizeof(rows[0]);

static void put(int secure, const char *name, double *t)
{
    for (int i = 0; i < nrows; i++) {
        if (!strcmp(rows[i].name, name)) {
            rows[i].us[secure] = median(t, reps);
        }
    }
}

static void copies(int secure, CUdeviceptr d, void *h, size_t n,
                   const char *in, const char *out)
{
    double t_in[MAX_REPS], t_out[MAX_REPS], t0;

    for (int i = 0; i < reps; i++) {
        t0 = now_us();
        TRY(cuMemcpyHtoD(d, h, n));
        t_in[i] = now_us() - t0;
        t0 = now_us();
        TRY(cuMemcpyDtoH(h, d, n));
        t_out[i] = now_us() - t0;
    }
    put(secure, in, t_in);
    put(secure, out, t_out);
}

static void bench(int secure)
{
    double t[7][MAX_REPS], t0;
    const char *ptx = gv_embedded_ptx("matmul");
    size_t big = 16u << 20, mib = 1u << 20;
    unsigned flags = secure ? CU_CTX_GRAVITON_SECURE : 0;
    void *h = calloc(1, mib);
    CUdeviceptr d, m1;
    CUcontext ctx;
    CUmodule mod;
    CUfunction f;

    for (int i = 0; i < reps; i++) {
        t0 = now_us();
        TRY(cuCtxCreate_v2(&ctx, flags, 0));
        t[0][i] = now_us() - t0;
        t0 = now_us();
        TRY(cuModuleLoadData(&mod, ptx));
        t[1][i] = now_us() - t0;
        t0 = now_us();
        TRY(cuMemAlloc(&d, 4096));
        t[2][i] = now_us() - t0;
        t0 = now_us();
        TRY(cuMemFree(d));
        t[3][i] = now_us() - t0;
        t0 = now_us();
        TRY(cuMemAlloc(&d, big));
        t[4][i] = now_us() - t0;
        t0 = now_us();
        TRY(cuMemFree(d));
        t[5][i] = now_us() - t0;
        if (i == reps - 1) {
            double tl[MAX_REPS];
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
                t0 = now_us();
                TRY(cuLaunchKernel(f, 1, 1, 1, 16, 16, 1, 0, NULL, args,
                                   NULL));
                TRY(cuCtxSynchronize());
                tl[k] = now_us() - t0;
            }
            put(secure, "cuLaunchKernel + sync (n = 0)", tl);
            TRY(cuMemFree(m1));
        }
        TRY(cuModuleUnload(mod));
        t0 = now_us();
        TRY(cuCtxDestroy(ctx));
        t[6][i] = now_us() - t0;
    }
    put(secure, "cuCtxCreate", t[0]);
    put(secure, "cuCtxDestroy", t[6]);
    put(secure, "cuModuleLoadData (matmul)", t[1]);
    put(secure, "cuMemAlloc 4 KiB", t[2]);
    put(secure, "cuMemFree 4 KiB", t[3]);
    put(secure, "cuMemAlloc 16 MiB", t[4]);
    put(secure, "cuMemFree 16 MiB", t[5]);
    free(h);
}

static void print_table3(void)
{
    if (machine) {
        for (int i = 0; i < nrows; i++) {
            printf("@@T3 %s|%.1f|%.1f\n", rows[i].name, rows[i].us[0],
                   rows[i].us[1]);
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

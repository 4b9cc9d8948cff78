/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gv-cuda-bench copy: the Graviton paper's Table 2 and Figure 9.  A copy
 * of each size, host to device and back, in a normal context (the plain
 * copy) and in a secure one with each scheme; for the secure ones the
 * host time spent sealing and opening (cuGravitonCtxGetCopyCryptoTime).
 * What is left of a secure copy's time once the plain copy and the
 * host's crypto are taken away is the device side's cryptography (and
 * the launches that run it): scripts/paper.py makes that split.
 */
#include <stdint.h>
#include <string.h>

#include "gv_cuda_bench.h"

static const size_t sizes[] = { 4u << 10, 64u << 10, 256u << 10, 4u << 20,
                                64u << 20 };
static const struct {
    CUgravitonCopyScheme s;
    const char *name;
} schemes[] = {
    { CU_GRAVITON_COPY_ENGINE_AES_GCM, "engine-gcm" },
    { CU_GRAVITON_COPY_AUTHDEC_AES_GCM, "authdec-gcm" },
    { CU_GRAVITON_COPY_AUTHDEC_AES_KMAC, "authdec-kmac" },
};

#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))
#define NSCHEMES (sizeof(schemes) / sizeof(schemes[0]))

/* medians, µs: [scheme + 1 (0: plain)][size][in, out, crypto in, out,
 * modelled device time in, out (0 without the model)] */
static double res[NSCHEMES + 1][NSIZES][6];

static unsigned long long crypto_us(void)
{
    unsigned long long us = 0;

    TRY(cuGravitonCtxGetCopyCryptoTime(&us));
    return us;
}

/* @n bytes in and out, the medians into @r. */
static void one(size_t n, CUdeviceptr d, void *h, double r[6])
{
    double t[6][MAX_REPS];
    int k = n >= (4u << 20) && reps > 3 ? 3 : reps;

    for (int i = 0; i < k; i++) {
        unsigned long long c0 = crypto_us(), c1;
        uint64_t d0 = dev_clock_ns(), d1;
        double t0 = now_us();

        TRY(cuMemcpyHtoD(d, h, n));
        t[0][i] = now_us() - t0;
        d1 = dev_clock_ns();
        c1 = crypto_us();
        t[2][i] = (double)(c1 - c0);
        t[4][i] = (double)(d1 - d0) / 1e3;
        t0 = now_us();
        TRY(cuMemcpyDtoH(h, d, n));
        t[1][i] = now_us() - t0;
        t[5][i] = (double)(dev_clock_ns() - d1) / 1e3;
        t[3][i] = (double)(crypto_us() - c1);
    }
    for (int j = 0; j < 6; j++) {
        r[j] = median(t[j], k);
    }
}

static void report(size_t max)
{
    static const char *dirs[2] = { "htod", "dtoh" };

    for (size_t z = 0; z < NSIZES && sizes[z] <= max; z++) {
        for (size_t s = 0; s <= NSCHEMES; s++) {
            const char *name = s ? schemes[s - 1].name : "plain";

            for (int d = 0; d < 2; d++) {
                if (machine) {
                    printf("@@T2 %s %s %zu %.1f %.1f %.1f\n", name,
                           dirs[d], sizes[z], res[s][z][d],
                           res[s][z][2 + d], res[s][z][4 + d]);
                } else {
                    printf("%-13s %s %9zu B %12.1f us (host crypto "
                           "%10.1f us, device %10.1f us)\n", name, dirs[d],
                           sizes[z], res[s][z][d], res[s][z][2 + d],
                           res[s][z][4 + d]);
                }
            }
        }
    }
}

void bench_copies(size_t max)
{
    uint8_t *h = malloc(max);
    CUcontext ctx;
    CUdeviceptr d;

    if (!h) {
        fprintf(stderr, "gv-cuda-bench: out of host memory\n");
        exit(1);
    }
    for (size_t i = 0; i < max; i++) {
        h[i] = (uint8_t)(i * 31 + 7);
    }
    for (size_t s = 0; s <= NSCHEMES; s++) {
        TRY(cuCtxCreate_v2(&ctx, s ? CU_CTX_GRAVITON_SECURE : 0, 0));
        if (s) {
            TRY(cuGravitonCtxSetCopyScheme(schemes[s - 1].s));
        }
        TRY(cuMemAlloc(&d, max));
        for (size_t z = 0; z < NSIZES && sizes[z] <= max; z++) {
            one(sizes[z], d, h, res[s][z]);
        }
        TRY(cuMemFree(d));
        TRY(cuCtxDestroy(ctx));
    }
    report(max);
    free(h);
}

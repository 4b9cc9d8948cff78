/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BlackScholes: European option prices with the CUDA driver API, checked
 * against a double-precision CPU reference.  Inputs go up asynchronously
 * on a stream of their own, the model's constants into the module's
 * __constant__ variables (cuModuleGetGlobal), and events time the kernel.
 *
 *   BlackScholes [-n=OPTIONS] [-iterations=N] [-device=D]
 *                (default 4000 options, 4 iterations)
 */
#include <cuda.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "helper_gv.h"

#define PTX_FILE "BlackScholes_kernel.ptx"

static const float RISKFREE = 0.02f, VOLATILITY = 0.30f;

static double cndCPU(double d)
{
    const double A1 = 0.31938153, A2 = -0.356563782, A3 = 1.781477937;
    const double A4 = -1.821255978, A5 = 1.330274429;
    const double RSQRT2PI = 0.39894228040143267794;
    double K = 1.0 / (1.0 + 0.2316419 * fabs(d));
    double cnd = RSQRT2PI * exp(-0.5 * d * d) *
                 (K * (A1 + K * (A2 + K * (A3 + K * (A4 + K * A5)))));

    return d > 0 ? 1.0 - cnd : cnd;
}

static void blackScholesCPU(float *call, float *put, float S, float X,
                            float T, float R, float V)
{
    double sqrtT = sqrt(T);
    double d1 = (log(S / X) + (R + 0.5 * V * V) * T) / (V * sqrtT);
    double d2 = d1 - V * sqrtT;
    double expRT = exp(-R * T);

    *call = (float)(S * cndCPU(d1) - X * expRT * cndCPU(d2));
    *put = (float)(X * expRT * (1.0 - cndCPU(d2)) -
                   S * (1.0 - cndCPU(d1)));
}

static float randFloat(float lo, float hi)
{
    float t = (float)rand() / (float)RAND_MAX;

    return (1.0f - t) * lo + t * hi;
}

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* FNV-1a of @n bytes at @p into @h: the prices of every batch, so a
 * normal and a secure run can be compared bit for bit. */
static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h = (h ^ ((const uint8_t *)p)[i]) * 0x100000001b3ull;
    }
    return h;
}

/* The prices against the CPU's: the L1 norm of the difference, relative
 * to the reference's, under 1e-6. */
static int check_prices(const float *S, const float *X, const float *T,
                        const float *callPut, int optN, uint64_t hash)
{
    double sumDelta = 0, sumRef = 0, maxDelta = 0, l1;

    for (int i = 0; i < optN; i++) {
        float call, put;
        double d;

        blackScholesCPU(&call, &put, S[i], X[i], T[i], RISKFREE,
                        VOLATILITY);
        d = fabs(call - callPut[2 * i]) + fabs(put - callPut[2 * i + 1]);
        sumDelta += d;
        sumRef += fabs(call) + fabs(put);
        if (d > maxDelta) {
            maxDelta = d;
        }
    }
    l1 = sumDelta / sumRef;
    printf("  prices hash %016llx\n", (unsigned long long)hash);
    printf("  L1 norm of the error %.3e, max abs error %.3e: %s\n", l1,
           maxDelta, l1 < 1e-6 ? "ok" : "WRONG");
    return l1 < 1e-6;
}

int main(int argc, char **argv)
{
    double t_start = now_ms(), t_init, t_copy = 0, t_kern = 0, t_done, t0;
    int optN = getCmdLineInt(argc, argv, "n", 4000);
    int iterations = getCmdLineInt(argc, argv, "iterations", 4);
    int batches = getCmdLineInt(argc, argv, "batches", 1);
    size_t bytes = (size_t)optN * sizeof(float), rSize, vSize;
    CUdevice dev;
    CUcontext ctx;
    CUmodule mod;
    CUfunction kernel;
    CUstream stream;
    CUevent start, stop, base, mark;
    double dev_init, dev_copy = 0, dev_kern = 0, d0, crypto;
    CUdeviceptr dCallPut, dS, dX, dT, dR, dV;
    float *S, *X, *T, *callPut, ms;
    uint64_t hash = 0xcbf29ce484222325ull;
    char path[4096];
    int ok;

    printf("BlackScholes (driver API): %d options, %d iterations, %d "
           "batch(es)\n", optN, iterations, batches);
    if (optN <= 0 || iterations <= 0 || batches <= 0) {
        fprintf(stderr, "usage: BlackScholes [-n=N>0] [-iterations=N>0] "
                "[-batches=N>0]\n");
        return EXIT_FAILURE;
    }
    checkCudaErrors(cuInit(0));
    dev = findCudaDeviceDRV(argc, argv);
#if CUDA_VERSION >= 13000
    checkCudaErrors(cuCtxCreate(&ctx, NULL, 0, dev));
#else
    checkCudaErrors(cuCtxCreate(&ctx, 0, dev));
#endif
    printContextKind("BlackScholes");
    /* the device clock by phase, from the context's creation on */
    checkCudaErrors(cuEventCreate(&base, CU_EVENT_DEFAULT));
    checkCudaErrors(cuEventCreate(&mark, CU_EVENT_DEFAULT));
    checkCudaErrors(cuEventRecord(base, 0));
    checkCudaErrors(cuEventSynchronize(base));
    checkCudaErrors(cuModuleLoad(&mod, findModulePath(PTX_FILE, path,
                                                      sizeof(path))));
    checkCudaErrors(cuModuleGetFunction(&kernel, mod, "BlackScholesGPU"));
    checkCudaErrors(cuModuleGetGlobal(&dR, &rSize, mod, "Riskfree"));
    checkCudaErrors(cuModuleGetGlobal(&dV, &vSize, mod, "Volatility"));
    if (rSize != sizeof(float) || vSize != sizeof(float)) {
        fprintf(stderr, "__constant__ sizes %zu and %zu, expected %zu\n",
                rSize, vSize, sizeof(float));
        return EXIT_FAILURE;
    }
    checkCudaErrors(cuMemcpyHtoD(dR, &RISKFREE, sizeof(float)));
    checkCudaErrors(cuMemcpyHtoD(dV, &VOLATILITY, sizeof(float)));

    S = malloc(bytes);
    X = malloc(bytes);
    T = malloc(bytes);
    callPut = malloc(2 * bytes);
    if (!S || !X || !T || !callPut) {
        fprintf(stderr, "out of host memory\n");
        return EXIT_FAILURE;
    }
    srand(5347);
    for (int i = 0; i < optN; i++) {
        S[i] = randFloat(5.0f, 30.0f);
        X[i] = randFloat(1.0f, 100.0f);
        T[i] = randFloat(0.25f, 10.0f);
    }

    checkCudaErrors(cuMemAlloc(&dCallPut, 2 * bytes));
    checkCudaErrors(cuMemAlloc(&dS, bytes));
    checkCudaErrors(cuMemAlloc(&dX, bytes));
    checkCudaErrors(cuMemAlloc(&dT, bytes));
    checkCudaErrors(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
    checkCudaErrors(cuEventCreate(&start, CU_EVENT_DEFAULT));
    checkCudaErrors(cuEventCreate(&stop, CU_EVENT_DEFAULT));
    t_init = now_ms();
    dev_init = deviceClockMs(base, mark);

    /* each batch: its options in, the launches, the prices out (the
     * paper's application: batches of options, iterations per batch) */
    for (int b = 0; b < batches; b++) {
        void *args[] = { &dCallPut, &dS, &dX, &dT, &optN };
        int threads = 128, blocks = (optN + threads - 1) / threads;

        if (blocks > 480) {
            blocks = 480;
        }
        d0 = deviceClockMs(base, mark);
        t0 = now_ms();
        checkCudaErrors(cuMemcpyHtoDAsync(dS, S, bytes, stream));
        checkCudaErrors(cuMemcpyHtoDAsync(dX, X, bytes, stream));
        checkCudaErrors(cuMemcpyHtoDAsync(dT, T, bytes, stream));
        checkCudaErrors(cuStreamSynchronize(stream));
        t_copy += now_ms() - t0;
        dev_copy += deviceClockMs(base, mark) - d0;
        d0 = deviceClockMs(base, mark);
        t0 = now_ms();
        checkCudaErrors(cuEventRecord(start, stream));
        for (int i = 0; i < iterations; i++) {
            checkCudaErrors(cuLaunchKernel(kernel, blocks, 1, 1, threads, 1,
                                           1, 0, stream, args, NULL));
        }
        checkCudaErrors(cuEventRecord(stop, stream));
        checkCudaErrors(cuEventSynchronize(stop));
        t_kern += now_ms() - t0;
        dev_kern += deviceClockMs(base, mark) - d0;
        checkCudaErrors(cuEventElapsedTime(&ms, start, stop));
        if (b == 0) {
            printf("  %d launches of %d x %d threads: %.3f ms each\n",
                   iterations, blocks, threads, ms / iterations);
        }
        d0 = deviceClockMs(base, mark);
        t0 = now_ms();
        checkCudaErrors(cuMemcpyDtoHAsync(callPut, dCallPut, 2 * bytes,
                                          stream));
        checkCudaErrors(cuStreamSynchronize(stream));
        t_copy += now_ms() - t0;
        dev_copy += deviceClockMs(base, mark) - d0;
        hash = fnv1a(hash, callPut, 2 * bytes);
    }
    checkCudaErrors(cuStreamQuery(stream));

    ok = check_prices(S, X, T, callPut, optN, hash);

    checkCudaErrors(cuEventDestroy(base));
    checkCudaErrors(cuEventDestroy(mark));
    checkCudaErrors(cuEventDestroy(start));
    checkCudaErrors(cuEventDestroy(stop));
    checkCudaErrors(cuStreamDestroy(stream));
    checkCudaErrors(cuMemFree(dCallPut));
    checkCudaErrors(cuMemFree(dS));
    checkCudaErrors(cuMemFree(dX));
    checkCudaErrors(cuMemFree(dT));
    checkCudaErrors(cuModuleUnload(mod));
    crypto = copyCryptoMs();
    checkCudaErrors(cuCtxDestroy(ctx));
    free(S);
    free(X);
    free(T);
    free(callPut);
    t_done = now_ms();
    printf("  time: init %.1f ms, copies %.1f ms, kernels %.1f ms, "
           "rest (CPU check, frees, destroy) %.1f ms, total %.1f ms\n",
           t_init - t_start, t_copy, t_kern,
           t_done - t_init - t_copy - t_kern, t_done - t_start);
    printf("  device clock: init %.3f ms, copies %.3f ms, kernels %.3f ms\n"
           "  copy crypto (host): %.1f ms\n", dev_init, dev_copy, dev_kern,
           crypto);
    printf("Result = %s\n", ok ? "PASS" : "FAIL");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

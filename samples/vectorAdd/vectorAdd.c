/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vectorAdd: element-by-element vector addition with the CUDA driver API,
 * launched both ways cuLaunchKernel takes parameters (an array of
 * pointers, and one packed buffer through "extra"), checked against the
 * CPU.
 *
 *   vectorAdd [-n=N] [-device=D]        (default N = 50000)
 */
#include <cuda.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helper_gv.h"

#define PTX_FILE "vectorAdd_kernel.ptx"

static void randomInit(float *data, int n)
{
    for (int i = 0; i < n; i++) {
        data[i] = rand() / (float)RAND_MAX;
    }
}

static int check(const float *a, const float *b, const float *c, int n)
{
    for (int i = 0; i < n; i++) {
        if (c[i] != a[i] + b[i]) {
            printf("  element %d: %g + %g gave %g\n", i, a[i], b[i], c[i]);
            return 0;
        }
    }
    return 1;
}

int main(int argc, char **argv)
{
    int n = getCmdLineInt(argc, argv, "n", 50000);
    size_t size = (size_t)n * sizeof(float);
    CUdevice dev;
    CUcontext ctx;
    CUmodule mod;
    CUfunction vecAdd;
    CUdeviceptr dA, dB, dC;
    char path[4096];
    float *hA, *hB, *hC;
    int threads = 256, blocks, ok, ok2;

    printf("Vector addition (driver API), %d elements\n", n);
    if (n <= 0) {
        fprintf(stderr, "usage: vectorAdd [-n=N>0] [-device=D]\n");
        return EXIT_FAILURE;
    }
    checkCudaErrors(cuInit(0));
    dev = findCudaDeviceDRV(argc, argv);
#if CUDA_VERSION >= 13000
    checkCudaErrors(cuCtxCreate(&ctx, NULL, 0, dev));
#else
    checkCudaErrors(cuCtxCreate(&ctx, 0, dev));
#endif
    printContextKind("vectorAdd");
    checkCudaErrors(cuModuleLoad(&mod, findModulePath(PTX_FILE, path,
                                                      sizeof(path))));
    checkCudaErrors(cuModuleGetFunction(&vecAdd, mod, "VecAdd_kernel"));

    hA = malloc(size);
    hB = malloc(size);
    hC = malloc(size);
    if (!hA || !hB || !hC) {
        fprintf(stderr, "out of host memory\n");
        return EXIT_FAILURE;
    }
    srand(2018);
    randomInit(hA, n);
    randomInit(hB, n);
    checkCudaErrors(cuMemAlloc(&dA, size));
    checkCudaErrors(cuMemAlloc(&dB, size));
    checkCudaErrors(cuMemAlloc(&dC, size));
    checkCudaErrors(cuMemcpyHtoD(dA, hA, size));
    checkCudaErrors(cuMemcpyHtoD(dB, hB, size));
    blocks = (n + threads - 1) / threads;

    /* 1. parameters as an array of pointers to them */
    {
        void *args[] = { &dA, &dB, &dC, &n };

        checkCudaErrors(cuMemsetD32(dC, 0, (size_t)n));
        checkCudaErrors(cuLaunchKernel(vecAdd, blocks, 1, 1, threads, 1, 1,
                                       0, NULL, args, NULL));
        checkCudaErrors(cuCtxSynchronize());
        memset(hC, 0, size);
        checkCudaErrors(cuMemcpyDtoH(hC, dC, size));
        ok = check(hA, hB, hC, n);
        printf("  kernelParams launch: %s\n", ok ? "ok" : "WRONG");
    }

    /* 2. one buffer, laid out as the kernel's parameter list: its size
     * ends with the last parameter (no padding after it) */
    {
        struct {
            CUdeviceptr a, b, c;
            int n;
        } buf = { dA, dB, dC, n };
        size_t bufSize = offsetof(__typeof__(buf), n) + sizeof(buf.n);
        void *extra[] = { CU_LAUNCH_PARAM_BUFFER_POINTER, &buf,
                          CU_LAUNCH_PARAM_BUFFER_SIZE, &bufSize,
                          CU_LAUNCH_PARAM_END };

        checkCudaErrors(cuMemsetD32(dC, 0, (size_t)n));
        checkCudaErrors(cuLaunchKernel(vecAdd, blocks, 1, 1, threads, 1, 1,
                                       0, NULL, NULL, extra));
        memset(hC, 0, size);
        checkCudaErrors(cuMemcpyDtoH(hC, dC, size));
        ok2 = check(hA, hB, hC, n);
        printf("  extra launch: %s\n", ok2 ? "ok" : "WRONG");
        ok = ok && ok2;
    }

    checkCudaErrors(cuMemFree(dA));
    checkCudaErrors(cuMemFree(dB));
    checkCudaErrors(cuMemFree(dC));
    checkCudaErrors(cuModuleUnload(mod));
    checkCudaErrors(cuCtxDestroy(ctx));
    free(hA);
    free(hB);
    free(hC);
    printf("Result = %s\n", ok ? "PASS" : "FAIL");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

// SPDX-License-Identifier: GPL-2.0-or-later
//
// matrixMul: C = A * B with the CUDA driver API, in C++.  The kernels are
// one template instantiated for three tile sizes (8, 16, 32; the 32 one
// with 64-bit sizes), each tile kept in dynamic shared memory whose size
// the launch gives; every size is run and checked against the CPU.
//
//   matrixMul [-hA=N] [-wA=N] [-wB=N] [-device=D]
//             (multiples of 32; default 128 x 96 times 96 x 160)
#include <cuda.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "helper_gv.h"

static const char *const PTX_FILE = "matrixMul_kernel.ptx";

struct Variant {
    const char *entry;
    int blockSize;
    bool wide;          // size_t sizes
};

static void matMulCPU(std::vector<float> &C, const std::vector<float> &A,
                      const std::vector<float> &B, int hA, int wA, int wB)
{
    for (int i = 0; i < hA; i++) {
        for (int j = 0; j < wB; j++) {
            double sum = 0;
            for (int k = 0; k < wA; k++) {
                sum += (double)A[i * wA + k] * B[k * wB + j];
            }
            C[i * wB + j] = (float)sum;
        }
    }
}

// Relative L2 error, as NVIDIA's samples measure it.
static double l2Error(const std::vector<float> &ref,
                      const std::vector<float> &got)
{
    double diff = 0, norm = 0;

    for (size_t i = 0; i < ref.size(); i++) {
        diff += (ref[i] - got[i]) * (double)(ref[i] - got[i]);
        norm += (double)ref[i] * ref[i];
    }
    return std::sqrt(diff / norm);
}

int main(int argc, char **argv)
{
    int hA = getCmdLineInt(argc, argv, "hA", 128);
    int wA = getCmdLineInt(argc, argv, "wA", 96);
    int wB = getCmdLineInt(argc, argv, "wB", 160);
    const Variant variants[] = { { "matrixMul_bs8", 8, false },
                                 { "matrixMul_bs16", 16, false },
                                 { "matrixMul_bs32_64bit", 32, true } };
    CUcontext ctx;
    CUmodule mod;
    char path[4096];
    bool ok = true;

    printf("Matrix multiply (driver API, C++): A %dx%d, B %dx%d\n", hA, wA,
           wA, wB);
    if (hA <= 0 || wA <= 0 || wB <= 0 || hA % 32 || wA % 32 || wB % 32) {
        fprintf(stderr, "matrixMul: sizes must be positive multiples of "
                "32\n");
        return EXIT_FAILURE;
    }
    checkCudaErrors(cuInit(0));
    CUdevice dev = findCudaDeviceDRV(argc, argv);
#if CUDA_VERSION >= 13000
    checkCudaErrors(cuCtxCreate(&ctx, nullptr, 0, dev));
#else
    checkCudaErrors(cuCtxCreate(&ctx, 0, dev));
#endif
    printContextKind("matrixMul");
    checkCudaErrors(cuModuleLoad(&mod, findModulePath(PTX_FILE, path,
                                                      sizeof(path))));
    int maxThreads = 0;
    checkCudaErrors(cuDeviceGetAttribute(
        &maxThreads, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK, dev));

    std::vector<float> A((size_t)hA * wA), B((size_t)wA * wB);
    std::vector<float> C((size_t)hA * wB), ref((size_t)hA * wB);
    srand(2018);
    for (float &x : A) {
        x = rand() / (float)RAND_MAX - 0.5f;
    }
    for (float &x : B) {
        x = rand() / (float)RAND_MAX - 0.5f;
    }
    matMulCPU(ref, A, B, hA, wA, wB);

    CUdeviceptr dA, dB, dC;
    checkCudaErrors(cuMemAlloc(&dA, A.size() * sizeof(float)));
    checkCudaErrors(cuMemAlloc(&dB, B.size() * sizeof(float)));
    checkCudaErrors(cuMemAlloc(&dC, C.size() * sizeof(float)));
    checkCudaErrors(cuMemcpyHtoD(dA, A.data(), A.size() * sizeof(float)));
    checkCudaErrors(cuMemcpyHtoD(dB, B.data(), B.size() * sizeof(float)));

    for (const Variant &v : variants) {
        int bs = v.blockSize;
        CUfunction f;

        if (bs * bs > maxThreads) {
            printf("  %-22s skipped: %d threads per block, the device "
                   "takes %d\n", v.entry, bs * bs, maxThreads);
            continue;
        }
        checkCudaErrors(cuModuleGetFunction(&f, mod, v.entry));
        checkCudaErrors(cuMemsetD32(dC, 0, C.size()));
        unsigned shared = 2 * bs * bs * sizeof(float);
        size_t wA64 = wA, wB64 = wB;
        void *args32[] = { &dC, &dA, &dB, &wA, &wB };
        void *args64[] = { &dC, &dA, &dB, &wA64, &wB64 };
        checkCudaErrors(cuLaunchKernel(f, wB / bs, hA / bs, 1, bs, bs, 1,
                                       shared, nullptr,
                                       v.wide ? args64 : args32, nullptr));
        checkCudaErrors(cuCtxSynchronize());
        checkCudaErrors(cuMemcpyDtoH(C.data(), dC, C.size() * sizeof(float)));
        double err = l2Error(ref, C);
        bool good = err < 1e-6;
        printf("  %-22s %2dx%-2d tiles, %4u bytes of dynamic shared memory: "
               "relative error %.2e %s\n", v.entry, bs, bs, shared, err,
               good ? "ok" : "WRONG");
        ok = ok && good;
    }

    checkCudaErrors(cuMemFree(dA));
    checkCudaErrors(cuMemFree(dB));
    checkCudaErrors(cuMemFree(dC));
    checkCudaErrors(cuModuleUnload(mod));
    checkCudaErrors(cuCtxDestroy(ctx));
    printf("Result = %s\n", ok ? "PASS" : "FAIL");
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
